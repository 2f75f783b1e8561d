#!/usr/bin/env bash
# Where the time of a warm 1-id and 300-id GET lookup goes, stage by stage (issue 14, item 1).
#   git apply bench/probe/lookup-stages.patch && mvn -B -q -o -DskipTests package && git checkout src/main/java
#   (and remove src/main/java/dev/userbatch/batch/Probe.java), then:
#   PG_URL=... REDIS_URL=... bench/probe/run.sh target/user-batch-service-0.1.0-SNAPSHOT-fat.jar [N=300]
# The patch logs one line per request with the time (µs since the first handler) at which it reached
# each stage; marks are kept per correlation id, so stages on other threads (worker, audit) are included.
# Extra environment (e.g. READ_AUDIT_SYNCHRONOUS_COMMIT=false) is passed to the service.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JAR="$(realpath "$1")"
N="${2:-300}"
WORK="$(mktemp -d)"
PORT=$(( 20000 + RANDOM % 40000 ))
(cd "$WORK" && HTTP_PORT="$PORT" DATA_DIR="$WORK/data" RATE_LIMIT_ITEMS_PER_MINUTE=1000000000000 \
  exec java -jar "$JAR") >"$WORK/service.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 120); do curl -sf "localhost:$PORT/health/live" >/dev/null && break; sleep 1; done
echo "client medians: $(python3 "$HERE/lookup-client.py" "$PORT" "$WORK/data/dev-token" "$N")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$HERE/stages.py" "$WORK/service.log"
