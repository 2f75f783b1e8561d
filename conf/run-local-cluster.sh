#!/usr/bin/env bash
# Starts a cluster of NODES (default 3) service JVMs on this machine, on loopback, each on its own
# ports, from the fat jar; they share PostgreSQL and Redis. Stop them with `conf/run-local-cluster.sh stop`.
#
#   node i (1..NODES):  HTTP 127.0.0.1:$((HTTP_BASE+i-1))   Hazelcast 127.0.0.1:$((CLUSTER_BASE+i-1))
#                       event bus (TLS) 127.0.0.1:$((EVENT_BUS_BASE+i-1))   log WORK/node-i.log
#
# Environment (all optional):
#   JAR=target/user-batch-service-0.1.0-SNAPSHOT-fat.jar   (build it with: mvn -B -DskipTests package)
#   NODES=3   ROLES=all,all,all (one per node: all | api | worker)
#   HTTP_BASE=8081   CLUSTER_BASE=5701   EVENT_BUS_BASE=5801
#   WORK=target/local-cluster   (TLS material, secrets, data dirs, logs, pids)
#   PG_URL, REDIS_URL   (default: the local servers; EMBEDDED=never, since every node must use the same ones)
#   JAVA_OPTS   extra JVM options of every node (e.g. -Xmx512m)
# The cluster secret, JWT secret and idempotency key are generated once into WORK/secrets.env and
# shared by all nodes; the development token for curl is printed at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${WORK:-$ROOT/target/local-cluster}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"

if [[ "${1:-}" == "stop" ]]; then
  for pidfile in "$WORK"/node-*.pid; do
    [[ -f "$pidfile" ]] || continue
    pid="$(cat "$pidfile")"
    if kill "$pid" 2>/dev/null; then
      echo "stopping $(basename "$pidfile" .pid) (pid $pid)"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    fi
    rm -f "$pidfile"
  done
  exit 0
fi

JAR="${JAR:-$ROOT/target/user-batch-service-0.1.0-SNAPSHOT-fat.jar}"
NODES="${NODES:-3}"
HTTP_BASE="${HTTP_BASE:-8081}"
CLUSTER_BASE="${CLUSTER_BASE:-5701}"
EVENT_BUS_BASE="${EVENT_BUS_BASE:-5801}"
IFS=',' read -r -a ROLE_LIST <<< "${ROLES:-}"
[[ -f "$JAR" ]] || { echo "no $JAR: build it with mvn -B -DskipTests package" >&2; exit 1; }

random() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
if [[ ! -f "$WORK/secrets.env" ]]; then
  (umask 077 && cat > "$WORK/secrets.env" <<SECRETS
CLUSTER_SECRET=$(random 24)
JWT_SECRET=$(random 32)
IDEMPOTENCY_HMAC_KEY=$(random 32)
SECRETS
  )
fi
set -a; source "$WORK/secrets.env"; set +a

node_names=()
members=()
for i in $(seq 1 "$NODES"); do
  node_names+=("node-$i")
  members+=("127.0.0.1:$((CLUSTER_BASE + i - 1))")
done
"$ROOT/conf/cluster-keys.sh" "$WORK/tls" "${node_names[@]}" 2>/dev/null
STORE_PASSWORD="$(cat "$WORK/tls/store-password")"
MEMBERS="$(IFS=,; echo "${members[*]}")"

for i in $(seq 1 "$NODES"); do
  node="node-$i"
  if [[ -f "$WORK/$node.pid" ]] && kill -0 "$(cat "$WORK/$node.pid")" 2>/dev/null; then
    echo "$node already runs (pid $(cat "$WORK/$node.pid"))"
    continue
  fi
  mkdir -p "$WORK/$node"
  # shellcheck disable=SC2086
  env EMBEDDED=never LOG_FORMAT="${LOG_FORMAT:-text}" DATA_DIR="$WORK/$node" \
    HTTP_PORT=$((HTTP_BASE + i - 1)) \
    CLUSTER=true ROLE="${ROLE_LIST[$((i - 1))]:-all}" NODE_NAME="$node" CLUSTER_MEMBERS="$MEMBERS" \
    CLUSTER_HOST=127.0.0.1 CLUSTER_PORT=$((CLUSTER_BASE + i - 1)) EVENT_BUS_PORT=$((EVENT_BUS_BASE + i - 1)) \
    CLUSTER_KEY_STORE="$WORK/tls/$node.p12" CLUSTER_KEY_STORE_PASSWORD="$STORE_PASSWORD" \
    CLUSTER_TRUST_STORE="$WORK/tls/trust.p12" CLUSTER_TRUST_STORE_PASSWORD="$STORE_PASSWORD" \
    nohup java ${JAVA_OPTS:-} -jar "$JAR" > "$WORK/$node.log" 2>&1 &
  echo $! > "$WORK/$node.pid"
  # one after the other: each joins the members already up instead of forming a cluster of its own
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$((HTTP_BASE + i - 1))/health/live" && break
    kill -0 "$(cat "$WORK/$node.pid")" 2>/dev/null || { echo "$node exited; see $WORK/$node.log" >&2; tail -20 "$WORK/$node.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "$node: http://127.0.0.1:$((HTTP_BASE + i - 1)) (role ${ROLE_LIST[$((i - 1))]:-all}, pid $(cat "$WORK/$node.pid"), log $WORK/$node.log)"
done
# a bearer token (both scopes, 24 h) signed with the cluster's JWT_SECRET, for curl
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
header="$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)"
payload="$(printf '{"sub":"local-cluster","scope":"users:read users:write","exp":%d}' $(( $(date +%s) + 86400 )) | b64url)"
signature="$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$JWT_SECRET" -binary | b64url)"
printf '%s.%s.%s' "$header" "$payload" "$signature" > "$WORK/token"
curl -s "http://127.0.0.1:$HTTP_BASE/health/ready"; echo
echo "TOKEN=\$(cat $WORK/token)   stop: $0 stop"
