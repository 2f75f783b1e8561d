#!/usr/bin/env bash
# Start-up time of one node, single (no CLUSTER) against clustered (the first member of a cluster,
# TLS event bus), from the process start to /health/live answering; REPS times each, alternating.
# Prints one line per start with the clustered node's configMs (Hazelcast XML, TLS stores) and
# joinMs (Hazelcast up and member) from its log, and the load average at the end of the start.
#
# Usage: bench/cluster-startup.sh    Environment: JAR (default target/*-fat.jar), REPS=3,
#        PG_URL, REDIS_URL (default the local servers), HTTP_PORT=18090, CLUSTER_PORT=15790, EVENT_BUS_PORT=15890
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="${JAR:-$ROOT/target/user-batch-service-0.1.0-SNAPSHOT-fat.jar}"
REPS="${REPS:-3}"
HTTP_PORT="${HTTP_PORT:-18090}"
WORK="$ROOT/bench/work/cluster-startup"
mkdir -p "$WORK"
"$ROOT/conf/cluster-keys.sh" "$WORK/tls" node 2>/dev/null
PASS="$(cat "$WORK/tls/store-password")"
random() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
common=(EMBEDDED=never LOG_FORMAT=text DATA_DIR="$WORK/data" HTTP_PORT="$HTTP_PORT"
  PG_URL="${PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}" REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
  JWT_SECRET="$(random 32)" IDEMPOTENCY_HMAC_KEY="$(random 32)")
clustered=(CLUSTER=true CLUSTER_SECRET="$(random 24)" CLUSTER_PORT="${CLUSTER_PORT:-15790}"
  EVENT_BUS_PORT="${EVENT_BUS_PORT:-15890}" CLUSTER_MEMBERS="127.0.0.1:${CLUSTER_PORT:-15790}"
  CLUSTER_KEY_STORE="$WORK/tls/node.p12" CLUSTER_KEY_STORE_PASSWORD="$PASS"
  CLUSTER_TRUST_STORE="$WORK/tls/trust.p12" CLUSTER_TRUST_STORE_PASSWORD="$PASS")

start() {
  local label=$1; shift
  local started; started=$(date +%s%N)
  env "$@" java -jar "$JAR" > "$WORK/$label.log" 2>&1 &
  local pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/health/live"; do
    kill -0 "$pid" 2>/dev/null || { echo "$label exited; $WORK/$label.log" >&2; exit 1; }
    sleep 0.05
  done
  printf '%-9s %6d ms %s load %s\n' "$label" $(( ($(date +%s%N) - started) / 1000000 )) \
    "$(grep -o 'configMs="[0-9]*" joinMs="[0-9]*"' "$WORK/$label.log" || true)" "$(cut -d' ' -f1 /proc/loadavg)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for _ in $(seq 1 "$REPS"); do
  start single "${common[@]}"
  start clustered "${common[@]}" "${clustered[@]}"
done
