#!/usr/bin/env bash
# Makes the TLS material of a cluster's event bus with the JDK's keytool: a cluster CA, its
# certificate as the trust store every member shares, and one key store per node signed by that CA.
# A member accepts event-bus connections only from holders of a key the CA signed (and connects
# only to them); whoever has ca.p12 can make more such keys: keep it off the nodes.
#
# Usage:  conf/cluster-keys.sh DIR [NODE...]        (default nodes: node-1 node-2 node-3)
# Writes: DIR/ca.p12 (CA key, keep it apart), DIR/trust.p12 (CLUSTER_TRUST_STORE),
#         DIR/<node>.p12 (CLUSTER_KEY_STORE of that node), all PKCS#12.
# Environment: CLUSTER_STORE_PASSWORD (default: a random one written to DIR/store-password, to be
#         given as CLUSTER_KEY_STORE_PASSWORD and CLUSTER_TRUST_STORE_PASSWORD); DAYS=825 validity.
# Existing files are kept: running it again adds the nodes that are missing.
set -euo pipefail
DIR="${1:?usage: conf/cluster-keys.sh DIR [NODE...]}"
shift
NODES=("$@")
[[ ${#NODES[@]} -gt 0 ]] || NODES=(node-1 node-2 node-3)
DAYS="${DAYS:-825}"
KEYTOOL="${JAVA_HOME:+$JAVA_HOME/bin/}keytool"
mkdir -p "$DIR"
chmod 700 "$DIR"
if [[ -n "${CLUSTER_STORE_PASSWORD:-}" ]]; then
  PASS="$CLUSTER_STORE_PASSWORD"
elif [[ -f "$DIR/store-password" ]]; then
  PASS="$(cat "$DIR/store-password")"
else
  PASS="$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')"
  (umask 077 && printf '%s' "$PASS" > "$DIR/store-password")
fi
kt() { "$KEYTOOL" "$@" -storetype PKCS12 -storepass "$PASS" 2>&1 | grep -v '^Certificate was added\|^Warning:\|^$\|keytool -importkeystore' >&2 || true; }

if [[ ! -f "$DIR/ca.p12" ]]; then
  kt -genkeypair -alias ca -keyalg EC -groupname secp256r1 -validity "$DAYS" \
    -dname "CN=user-batch cluster CA" -ext bc:c -keystore "$DIR/ca.p12"
fi
"$KEYTOOL" -exportcert -rfc -alias ca -keystore "$DIR/ca.p12" -storepass "$PASS" -file "$DIR/ca.pem" >/dev/null 2>&1
if [[ ! -f "$DIR/trust.p12" ]]; then
  kt -importcert -noprompt -alias cluster-ca -file "$DIR/ca.pem" -keystore "$DIR/trust.p12"
fi
for node in "${NODES[@]}"; do
  [[ -f "$DIR/$node.p12" ]] && continue
  kt -genkeypair -alias node -keyalg EC -groupname secp256r1 -validity "$DAYS" -dname "CN=$node" \
    -keystore "$DIR/$node.p12"
  "$KEYTOOL" -certreq -alias node -keystore "$DIR/$node.p12" -storepass "$PASS" \
    | "$KEYTOOL" -gencert -alias ca -keystore "$DIR/ca.p12" -storepass "$PASS" -validity "$DAYS" -rfc \
        -ext ku:c=digitalSignature,keyAgreement -ext eku=serverAuth,clientAuth > "$DIR/$node.pem"
  # the signed certificate and the CA's: the key's chain
  cat "$DIR/ca.pem" >> "$DIR/$node.pem"
  kt -importcert -noprompt -alias node -file "$DIR/$node.pem" -keystore "$DIR/$node.p12"
  rm -f "$DIR/$node.pem"
done
rm -f "$DIR/ca.pem"
chmod 600 "$DIR"/*.p12
echo "cluster TLS material in $DIR: trust.p12 and ${NODES[*]/%/.p12} (password: ${CLUSTER_STORE_PASSWORD:+CLUSTER_STORE_PASSWORD}${CLUSTER_STORE_PASSWORD:-$DIR/store-password})" >&2
