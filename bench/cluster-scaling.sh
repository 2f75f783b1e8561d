#!/usr/bin/env bash
# Scaling of the chunk work over worker nodes (issue 15, item 9). An api node (ROLE=api, not
# pinned) takes the requests; worker nodes (ROLE=worker) run the chunks, each pinned to one core
# with taskset. Three phases: one worker on core 0; a second worker on core 1 joins; the second
# stops again (the 1-node figures measured twice bracket the drift of a shared machine). In each
# phase, after a warm-up, REPS rounds of: a create of PLAIN_USERS users with plaintext passwords
# (Argon2id, CPU-bound; chunks of 10, 10 in flight) and a create of HASHED_USERS users with
# pre-hashed passwords (chunks of 100, 10 in flight).
#
# Each line: the wall time, users/s, the CPU seconds each node used during the request
# (/proc/<pid>/stat), the time PostgreSQL spent executing statements of this database
# (pg_stat_database.active_time, ms) and the 1-minute load average. The summary gives the median
# users/s per phase and the 2-worker/1-worker ratios.
#
# Usage: mvn -B -DskipTests package && bench/cluster-scaling.sh
# Environment: JAR (default target/*-fat.jar), REPS=3, PLAIN_USERS=200, HASHED_USERS=10000,
#   PG_URL, REDIS_URL (default the local servers), PORT_BASE=18100 (HTTP, +10 Hazelcast, +20 event bus)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="${JAR:-$ROOT/target/user-batch-service-0.1.0-SNAPSHOT-fat.jar}"
REPS="${REPS:-3}"
PLAIN_USERS="${PLAIN_USERS:-200}"
HASHED_USERS="${HASHED_USERS:-10000}"
PORT_BASE="${PORT_BASE:-18100}"
PG_URL="${PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
WORK="$ROOT/bench/work/cluster-scaling"
RUN="$(date +%s)"
[[ -f "$JAR" ]] || { echo "no $JAR: mvn -B -DskipTests package" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed" >&2; exit 1; }
mkdir -p "$WORK"
"$ROOT/conf/cluster-keys.sh" "$WORK/tls" api w1 w2 2>/dev/null
PASS="$(cat "$WORK/tls/store-password")"
random() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
JWT_SECRET="$(random 32)"
SECRET="$(random 24)"
MEMBERS="127.0.0.1:$((PORT_BASE + 10)),127.0.0.1:$((PORT_BASE + 11)),127.0.0.1:$((PORT_BASE + 12))"
declare -A PID

start() { # name index role [cpu]
  local name=$1 i=$2 role=$3 cpu=${4:-}
  local cmd=(java -Xmx512m -jar "$JAR")
  [[ -n "$cpu" ]] && cmd=(taskset -c "$cpu" "${cmd[@]}")
  mkdir -p "$WORK/$name"
  env EMBEDDED=never LOG_FORMAT=text DATA_DIR="$WORK/$name" PG_URL="$PG_URL" REDIS_URL="$REDIS_URL" \
    HTTP_PORT=$((PORT_BASE + i)) JWT_SECRET="$JWT_SECRET" IDEMPOTENCY_HMAC_KEY="$JWT_SECRET" \
    RATE_LIMIT_ITEMS_PER_MINUTE=1000000000000 CLUSTER=true ROLE="$role" NODE_NAME="$name" \
    CLUSTER_SECRET="$SECRET" CLUSTER_MEMBERS="$MEMBERS" CLUSTER_HOST=127.0.0.1 \
    CLUSTER_PORT=$((PORT_BASE + 10 + i)) EVENT_BUS_PORT=$((PORT_BASE + 20 + i)) \
    CLUSTER_KEY_STORE="$WORK/tls/$name.p12" CLUSTER_KEY_STORE_PASSWORD="$PASS" \
    CLUSTER_TRUST_STORE="$WORK/tls/trust.p12" CLUSTER_TRUST_STORE_PASSWORD="$PASS" \
    "${cmd[@]}" > "$WORK/$name.log" 2>&1 &
  PID[$name]=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$((PORT_BASE + i))/health/live"; do
    kill -0 "${PID[$name]}" 2>/dev/null || { echo "$name exited: $WORK/$name.log" >&2; exit 1; }
    sleep 0.2
  done
}
stop() { kill "${PID[$1]}" 2>/dev/null && wait "${PID[$1]}" 2>/dev/null || true; unset "PID[$1]"; }
stop_all() { for name in "${!PID[@]}"; do stop "$name"; done; }
trap stop_all EXIT

workers() { # waits until the api node sees $1 worker nodes
  for _ in $(seq 1 300); do
    curl -s "http://127.0.0.1:$PORT_BASE/health/ready" | grep -q "\"workerNodes\":$1[,}]" && return 0
    sleep 0.5
  done
  echo "the api node never saw $1 worker nodes" >&2; exit 1
}

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
header="$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)"
payload="$(printf '{"sub":"cluster-scaling","scope":"users:read users:write","exp":%d}' $(( $(date +%s) + 86400 )) | b64url)"
TOKEN="$header.$payload.$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$JWT_SECRET" -binary | b64url)"

payload_file() { # kind users tag -> file
  python3 - "$1" "$2" "$3" "$WORK/$3.json" <<'PY'
import json, sys
kind, n, tag, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
secret = {"passwordHash": "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"}
users = [dict({"email": f"{tag}-{i}@example.com", "name": f"U {i}"},
              **({"password": f"correct horse battery {i}"} if kind == "plain" else secret)) for i in range(n)]
options = {"chunkSize": 10 if kind == "plain" else 100, "maxConcurrency": 10}
json.dump({"users": users, "options": options}, open(out, "w"))
PY
  echo "$WORK/$3.json"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
active_ms() { psql "$PG_URL" -Atc "SELECT round(active_time) FROM pg_stat_database WHERE datname = current_database()"; }

RESULTS="$WORK/results-$RUN.txt"
measure() { # phase kind users
  local phase=$1 kind=$2 n=$3 tag="cs-$RUN-$RANDOM$RANDOM"
  local file; file="$(payload_file "$kind" "$n" "$tag")"
  declare -A before
  for name in "${!PID[@]}"; do before[$name]=$(cpu_ticks "${PID[$name]}"); done
  local pg0; pg0=$(active_ms)
  local t0; t0=$(date +%s%N)
  local status
  status=$(curl -s -o "$WORK/response.json" -w '%{http_code}' -X POST "http://127.0.0.1:$PORT_BASE/batch/users/create" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @"$file")
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  local pg1; pg1=$(active_ms)
  [[ "$status" == 200 ]] || { echo "$kind create answered $status: $(head -c 300 "$WORK/response.json")" >&2; exit 1; }
  local cpu=""
  for name in api w1 w2; do
    if [[ -n "${PID[$name]:-}" ]]; then cpu+=" $name=$(awk -v a="${before[$name]}" -v b="$(cpu_ticks "${PID[$name]}")" 'BEGIN{printf "%.1f", (b-a)/100}')s"; fi
  done
  local line
  line=$(printf '%-9s %-6s %6d users %7d ms %8.1f users/s  cpu%s  pg_active=%dms  load=%s' \
    "$phase" "$kind" "$n" "$ms" "$(awk -v n="$n" -v ms="$ms" 'BEGIN{print n*1000/ms}')" "$cpu" \
    $((pg1 - pg0)) "$(cut -d' ' -f1 /proc/loadavg)")
  echo "$line" | tee -a "$RESULTS"
  rm -f "$file"
}
phase() { # label
  measure "$1-warm" plain 40 > /dev/null
  measure "$1-warm" hashed 2000 > /dev/null
  for _ in $(seq 1 "$REPS"); do
    measure "$1" plain "$PLAIN_USERS"
    measure "$1" hashed "$HASHED_USERS"
  done
}

echo "cores: $(nproc); load at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$RESULTS"
start api 0 api
start w1 1 worker 0
workers 1
phase 1-worker
start w2 2 worker 1
workers 2
phase 2-workers
stop w2
workers 1
phase 1-again

(python3 - "$RESULTS" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r"(\S+)\s+(plain|hashed)\s+\d+ users\s+\d+ ms\s+([\d.]+) users/s", line)
    if m:
        rows.setdefault((m.group(1), m.group(2)), []).append(float(m.group(3)))
for kind in ("plain", "hashed"):
    one, two, again = (statistics.median(rows[(p, kind)]) for p in ("1-worker", "2-workers", "1-again"))
    print(f"{kind:6s} median users/s: 1 worker {one:.1f}, 2 workers {two:.1f}, 1 worker again {again:.1f};"
          f" 2/1 = {two / one:.2f} (against the second 1-worker phase {two / again:.2f})")
PY
) | tee -a "$RESULTS"
