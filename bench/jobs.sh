#!/usr/bin/env bash
# Benchmark of issue 16 item 5: import jobs against PostgreSQL's own COPY, in the same run.
#   1. COPY of N users (id, email, name, password_hash) from a CSV file into copy_users, a table made
#      LIKE users INCLUDING ALL (the same indexes and constraints), with psql's \copy;
#   2. the same N users as one NDJSON create job with passwordHash: upload (curl -T, streamed) to
#      status completed, against a service started with -Xmx256m (peak heap from its GC log);
#   3. a 1,000-user job with plaintext passwords against the Argon2id ceiling: cores x the single-thread
#      rate of the service's own hasher (bench/jobs/Argon2Rate.java).
# Each run uses a database of its own, bench_jobs_<run>, created on PG_URL's server and dropped at the end.
# Prints the figures; writes bench/results/jobs-latest.json.
#
# Usage:  PG_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/3 bench/jobs.sh
#   N=1000000 (users), CHUNK_SIZE=1000, MAX_CONCURRENCY=4, XMX=256m, SKIP_BUILD=1 (use target/*-fat.jar),
#   KEEP_DB=1 (keep the database), PLAINTEXT_USERS=1000
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
N="${N:-1000000}"
CHUNK_SIZE="${CHUNK_SIZE:-1000}"
MAX_CONCURRENCY="${MAX_CONCURRENCY:-4}"
XMX="${XMX:-256m}"
PLAINTEXT_USERS="${PLAINTEXT_USERS:-1000}"
PG_URL="${PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
RUN="$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
WORK="$ROOT/bench/work/jobs-$RUN"
mkdir -p "$WORK" "$ROOT/bench/results"
JAR="$ROOT/target/user-batch-service-0.1.0-SNAPSHOT-fat.jar"
log() { printf '[jobs-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the fat jar"
  mvn -B -q -DskipTests package
fi

SERVER_URL="${PG_URL%/*}"
DB="bench_jobs_$RUN"
DB_URL="$SERVER_URL/$DB"
psql -q "$PG_URL" -c "CREATE DATABASE $DB" >/dev/null
SERVICE_PID=""
cleanup() {
  if [ -n "$SERVICE_PID" ]; then kill "$SERVICE_PID" 2>/dev/null || true; wait "$SERVICE_PID" 2>/dev/null || true; fi
  if [ "${KEEP_DB:-0}" != 1 ]; then psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $DB" >/dev/null || true; fi
  rm -f "$WORK"/users.ndjson "$WORK"/users.csv "$WORK"/plain/users.ndjson "$WORK"/plain/users.csv
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
log "starting the service (-Xmx$XMX) on port $PORT, database $DB"
HTTP_PORT="$PORT" PG_URL="$DB_URL" REDIS_URL="$REDIS_URL" EMBEDDED=never DATA_DIR="$WORK/data" \
  RATE_LIMIT_ITEMS_PER_MINUTE=1000000000000 \
  java -Xmx"$XMX" -XX:+ExitOnOutOfMemoryError -Xlog:gc:file="$WORK/gc.log" -jar "$JAR" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 120); do
  curl -sf "$BASE/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
TOKEN="$(cat "$WORK/data/dev-token")"

log "generating $N users"
TAG="jobs-$RUN"
python3 bench/jobs/generate.py "$N" "$TAG" "$WORK"
BYTES="$(stat -c %s "$WORK/users.ndjson")"

log "COPY of $N rows into copy_users (LIKE users INCLUDING ALL)"
psql -q "$DB_URL" -c "CREATE TABLE copy_users (LIKE users INCLUDING ALL)"
t0="$(now)"
psql -q "$DB_URL" -c "\\copy copy_users (id, email, name, password_hash) FROM '$WORK/users.csv' WITH (FORMAT csv)"
t1="$(now)"
COPY_S="$(echo "$t1 - $t0" | bc -l)"
log "COPY: $COPY_S s"

# The job: upload streamed from the file, then poll the job until it is final.
run_job() { # file query -> prints "id staged_s total_s status"
  local file="$1" query="$2" start staged end id status
  start="$(now)"
  id="$(curl -sS -X POST -T "$file" -H 'Expect:' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/x-ndjson' "$BASE/batch/users/jobs?$query" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
  staged="$(now)"
  while :; do
    status="$(curl -sS -H "Authorization: Bearer $TOKEN" "$BASE/batch/users/jobs/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
    case "$status" in queued|running) sleep 0.2 ;; *) break ;; esac
  done
  end="$(now)"
  echo "$id $(echo "$staged - $start" | bc -l) $(echo "$end - $start" | bc -l) $status"
}

log "job: $N users, NDJSON, passwordHash, chunkSize=$CHUNK_SIZE maxConcurrency=$MAX_CONCURRENCY"
read -r JOB_ID STAGED_S JOB_S JOB_STATUS < <(run_job "$WORK/users.ndjson" "operation=create&chunkSize=$CHUNK_SIZE&maxConcurrency=$MAX_CONCURRENCY")
JOB_JSON="$(curl -sS -H "Authorization: Bearer $TOKEN" "$BASE/batch/users/jobs/$JOB_ID")"
STORED="$(psql -qtA "$DB_URL" -c "SELECT count(*) FROM users WHERE email LIKE '$TAG-%'")"
PEAK_MB="$(grep -oE '[0-9]+M->[0-9]+M' "$WORK/gc.log" | cut -dM -f1 | sort -n | tail -1)"
RATIO="$(echo "$JOB_S / $COPY_S" | bc -l)"
log "job $JOB_ID: $JOB_STATUS, staged in $STAGED_S s, completed in $JOB_S s; $STORED users stored; peak heap ${PEAK_MB} MB"

log "plaintext job: $PLAINTEXT_USERS users"
mkdir -p "$WORK/plain"
python3 bench/jobs/generate.py "$PLAINTEXT_USERS" "plain-$RUN" "$WORK/plain" plaintext
read -r PLAIN_ID PLAIN_STAGED_S PLAIN_S PLAIN_STATUS < <(run_job "$WORK/plain/users.ndjson" "operation=create&chunkSize=100&maxConcurrency=10")
CORES="$(nproc)"
ARGON_SINGLE="$(java -cp "$JAR" bench/jobs/Argon2Rate.java)"
PLAIN_RATE="$(echo "$PLAINTEXT_USERS / $PLAIN_S" | bc -l)"
CEILING="$(echo "$CORES * $ARGON_SINGLE" | bc -l)"
PLAIN_RATIO="$(echo "$PLAIN_RATE / $CEILING" | bc -l)"

printf '\n%-44s %s\n' "figure" "value"
printf '%-44s %s\n' "users" "$N ($BYTES bytes of NDJSON)"
printf '%-44s %.2f s\n' "COPY into copy_users (same indexes)" "$COPY_S"
printf '%-44s %.2f s (upload and staging %.2f s) %s\n' "job, upload to completed" "$JOB_S" "$STAGED_S" "$JOB_STATUS"
printf '%-44s %.2f x (target <= 2.5)\n' "job / COPY" "$RATIO"
printf '%-44s %s MB (-Xmx%s)\n' "peak heap (GC log)" "$PEAK_MB" "$XMX"
printf '%-44s %.1f users/s (%.2f s) %s\n' "plaintext job, $PLAINTEXT_USERS users" "$PLAIN_RATE" "$PLAIN_S" "$PLAIN_STATUS"
printf '%-44s %s x %.1f/s = %.1f/s; ratio %.2f\n' "Argon2id ceiling (cores x 1 thread)" "$CORES" "$ARGON_SINGLE" "$CEILING" "$PLAIN_RATIO"
printf '%-44s %s\n' "load average" "$(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$ROOT/bench/results/jobs-latest.json" <<PY
import json, sys
json.dump({"run": "$RUN", "users": $N, "bytes": $BYTES, "copySeconds": $COPY_S, "jobSeconds": $JOB_S,
  "stagedSeconds": $STAGED_S, "jobStatus": "$JOB_STATUS", "stored": $STORED, "ratio": $RATIO,
  "peakHeapMb": ${PEAK_MB:-0}, "xmx": "$XMX", "chunkSize": $CHUNK_SIZE, "maxConcurrency": $MAX_CONCURRENCY,
  "plaintextUsers": $PLAINTEXT_USERS, "plaintextSeconds": $PLAIN_S, "plaintextStatus": "$PLAIN_STATUS",
  "argon2SingleThread": $ARGON_SINGLE, "cores": $CORES, "plaintextVsCeiling": $PLAIN_RATIO,
  "job": json.loads('''$JOB_JSON''')}, open(sys.argv[1], "w"), indent=2)
PY
