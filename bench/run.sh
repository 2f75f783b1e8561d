#!/usr/bin/env bash
# Benchmark of issue 8: builds the fat jar, starts the service against PostgreSQL and Redis, runs
# bench/Bench.java, then measures a 100,000-user create against a second service JVM with -Xmx256m.
# Prints a table to stdout; writes bench/results/latest.json and bench/results/latest.svg.
#
# Usage:  bench/run.sh
# Environment (all optional):
#   REPS=3            repetitions of each measurement (min/median/max are reported)
#   LOOKUP_REPS=3*REPS repetitions of the (millisecond-scale) lookups and MGETs
#   REQUEST_TIMEOUT=120 seconds before one measured request counts as failed
#   DURATION=60       seconds of sustained mixed load
#   CLIENTS=16        concurrent clients of the mixed load
#   SKIP_BUILD=1      use the existing target/*-fat.jar instead of running `mvn -B -q -DskipTests package`
#   ISOLATED_BUILD=1  build a copy of the tree under bench/work/<run>/build instead of target/ (for machines
#                     where other builds rewrite target/ at the same time)
#   MVN_ARGS          replaces "-B -q -DskipTests" (e.g. "-B -q -o -Dmaven.test.skip=true" when test sources do not compile)
#   PG_URL, REDIS_URL used by the service and the benchmark; when unset the service picks the local default
#                     servers (postgresql://postgres@127.0.0.1:5432/postgres, redis://127.0.0.1:6379) or,
#                     with EMBEDDED=auto (default), starts embedded ones whose URLs are read from its log
#   BIG_USERS=100000  size of the heap-limited create;  BIG_XMX=256m  its heap limit;  BIG_TIMEOUT=300 (s)
#   SERVICE_JAVA_OPTS extra JVM options of the main service JVM
#   RATE_LIMIT_ITEMS_PER_MINUTE  passed to the service (default 10^12: the limiter runs but never refuses)
#   BENCH_TOKEN       bearer token for the API; by default the benchmark signs one with JWT_SECRET if that is
#                     set, else uses the development token the service writes to DATA_DIR/dev-token
#   STRICT=1          exit 1 if any target fails
# Progress goes to stderr; service logs, GC logs and jstat samples stay in bench/work/<run>/ (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export REPS="${REPS:-3}"
export DURATION="${DURATION:-60}"
export CLIENTS="${CLIENTS:-16}"
export BIG_USERS="${BIG_USERS:-100000}"
export BIG_XMX="${BIG_XMX:-256m}"
export BIG_TIMEOUT="${BIG_TIMEOUT:-300}"
EMBEDDED_MODE="${EMBEDDED:-auto}"
DEFAULT_MVN_ARGS="-B -q -DskipTests"
BUILT_JAR="$ROOT/target/user-batch-service-0.1.0-SNAPSHOT-fat.jar"
RUN_ID="$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
export RUN_ID
WORK="$ROOT/bench/work/$RUN_ID"
DATA_DIR_BENCH="$WORK/data"   # the service's DATA_DIR (embedded servers, development JWT secret); removed at the end
mkdir -p "$WORK" "$DATA_DIR_BENCH" "$ROOT/bench/results"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SERVICE_PID=""
JSTAT_PID=""

stop_jstat() {
  if [[ -n "$JSTAT_PID" ]]; then
    kill "$JSTAT_PID" 2>/dev/null || true
    wait "$JSTAT_PID" 2>/dev/null || true
    JSTAT_PID=""
  fi
}

stop_service() {
  if [[ -n "$SERVICE_PID" ]]; then
    if kill -0 "$SERVICE_PID" 2>/dev/null; then
      kill "$SERVICE_PID" 2>/dev/null || true
      for _ in $(seq 1 400); do
        kill -0 "$SERVICE_PID" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$SERVICE_PID" 2>/dev/null; then
        log "service $SERVICE_PID did not stop in 40 s; killing it"
        kill -9 "$SERVICE_PID" 2>/dev/null || true
      fi
    fi
    wait "$SERVICE_PID" 2>/dev/null || true
    SERVICE_PID=""
  fi
}

cleanup() {
  stop_jstat
  stop_service
  # rows a killed or timed-out run left behind (a big create goes on in the service after the client gives up)
  if [[ -n "${BENCH_PG_URL:-}" && -f "${JAR:-}" ]]; then
    PG_URL="$BENCH_PG_URL" REDIS_URL="$BENCH_REDIS_URL" bench cleanup || log "final cleanup failed"
  fi
  rm -rf "$DATA_DIR_BENCH" "$WORK/service.jar" "$WORK/build"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free port found"
}

# start_service <name> [java options...]: sets SERVICE_PID, SERVICE_LOG, BASE_URL
start_service() {
  local name="$1"
  shift
  local port
  port="$(free_port)"
  SERVICE_LOG="$WORK/service-$name.log"
  BASE_URL="http://127.0.0.1:$port"
  log "starting service '$name' on port $port (java $* -jar ...; log $SERVICE_LOG)"
  HTTP_PORT="$port" DATA_DIR="$DATA_DIR_BENCH" EMBEDDED="$EMBEDDED_MODE" \
    MAX_ITEMS_PER_REQUEST=100000 MAX_BODY_BYTES=268435456 \
    RATE_LIMIT_ITEMS_PER_MINUTE="${RATE_LIMIT_ITEMS_PER_MINUTE:-1000000000000}" \
    java "$@" -jar "$JAR" >"$SERVICE_LOG" 2>&1 &
  SERVICE_PID=$!
  local deadline=$(( SECONDS + 180 ))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE_URL/health/live" 2>/dev/null || true)" == 200 ]]; do
    if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
      tail -n 40 "$SERVICE_LOG" >&2 || true
      SERVICE_PID=""
      die "service '$name' exited during start-up (log: $SERVICE_LOG)"
    fi
    if (( SECONDS > deadline )); then
      tail -n 40 "$SERVICE_LOG" >&2 || true
      die "service '$name' did not answer GET /health/live with 200 within 180 s"
    fi
    sleep 0.3
  done
  log "service '$name' is live (pid $SERVICE_PID)"
}

# embedded_url <message prefix>: the URL logged after it (plain or JSON log lines, where '/' may appear as '\/')
embedded_url() {
  grep -o "$1 [^ \"]*" "$SERVICE_LOG" 2>/dev/null | tail -n 1 | awk '{print $NF}' | sed 's#\\/#/#g' || true
}

# The PG/Redis URLs the benchmark itself connects to: explicit ones, else embedded ones from the log, else local.
resolve_urls() {
  local embedded
  if [[ -z "${PG_URL:-}" ]]; then
    embedded="$(embedded_url 'Embedded PostgreSQL ready at')"
    BENCH_PG_URL="${embedded:-postgresql://postgres@127.0.0.1:5432/postgres}"
  else
    BENCH_PG_URL="$PG_URL"
  fi
  if [[ -z "${REDIS_URL:-}" ]]; then
    embedded="$(embedded_url 'Embedded Redis ready at')"
    BENCH_REDIS_URL="${embedded:-redis://127.0.0.1:6379}"
  else
    BENCH_REDIS_URL="$REDIS_URL"
  fi
}

bench() {
  TOKEN_FILE="$DATA_DIR_BENCH/dev-token" java -cp "$JAR" "$ROOT/bench/Bench.java" "$@"
}

log "run $RUN_ID: REPS=$REPS DURATION=$DURATION CLIENTS=$CLIENTS BIG_USERS=$BIG_USERS BIG_XMX=$BIG_XMX (work dir $WORK)"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  if [[ "${ISOLATED_BUILD:-0}" == 1 ]]; then
    # Build a snapshot of the tree in bench/work/<run>/build, untouched by other builds of target/.
    log "building the fat jar in $WORK/build (mvn ${MVN_ARGS:-$DEFAULT_MVN_ARGS} package)"
    mkdir -p "$WORK/build"
    tar -C "$ROOT" --exclude=./target --exclude=./bench --exclude=./.git --exclude=./data -cf - . | tar -C "$WORK/build" -xf -
    # shellcheck disable=SC2086
    (cd "$WORK/build" && mvn ${MVN_ARGS:-$DEFAULT_MVN_ARGS} package >&2)
    BUILT_JAR="$WORK/build/target/$(basename "$BUILT_JAR")"
  else
    log "building the fat jar (mvn ${MVN_ARGS:-$DEFAULT_MVN_ARGS} package)"
    # shellcheck disable=SC2086
    mvn ${MVN_ARGS:-$DEFAULT_MVN_ARGS} package >&2
  fi
fi
[[ -f "$BUILT_JAR" ]] || die "$BUILT_JAR is missing (build it, or unset SKIP_BUILD)"
# Run from a private copy: a concurrent `mvn package` rewriting target/ under a running JVM makes it fail
# with NoClassDefFoundError in the middle of the benchmark.
JAR="$WORK/service.jar"
cp "$BUILT_JAR" "$JAR"
if command -v unzip >/dev/null && ! unzip -qql "$JAR" >/dev/null 2>&1; then
  die "$BUILT_JAR is not a readable jar (is another build writing target/ right now?); run again"
fi

# --- measurements 1-5 against a service with the default heap
# shellcheck disable=SC2086
start_service main ${SERVICE_JAVA_OPTS:-} "-Xlog:gc:file=$WORK/gc-main.log"
resolve_urls
log "benchmark connects to ${BENCH_PG_URL%%\?*} and $BENCH_REDIS_URL"
BASE_URL="$BASE_URL" PG_URL="$BENCH_PG_URL" REDIS_URL="$BENCH_REDIS_URL" SERVICE_LOG="$SERVICE_LOG" \
  OUT="$WORK/suite.json" bench suite || log "Bench suite exited with status $? (continuing to the report)"
stop_service

# --- measurement 6: one big create against a service limited to -Xmx$BIG_XMX
start_service big "-Xmx$BIG_XMX" -XX:+ExitOnOutOfMemoryError "-Xlog:gc:file=$WORK/gc-big.log"
BIG_SERVICE_LOG="$SERVICE_LOG"
resolve_urls
jstat -gc "$SERVICE_PID" 100 >"$WORK/jstat-big.txt" 2>&1 &
JSTAT_PID=$!
BASE_URL="$BASE_URL" PG_URL="$BENCH_PG_URL" REDIS_URL="$BENCH_REDIS_URL" OUT="$WORK/big.json" bench big \
  || log "Bench big exited with status $?"
sleep 0.5
BIG_SERVICE_ALIVE=0
if kill -0 "$SERVICE_PID" 2>/dev/null && \
   [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE_URL/health/live" || true)" == 200 ]]; then
  BIG_SERVICE_ALIVE=1
fi
stop_jstat
stop_service

# --- report
SUITE_JSON="$WORK/suite.json" BIG_JSON="$WORK/big.json" JSTAT_LOG="$WORK/jstat-big.txt" GC_LOG="$WORK/gc-big.log" \
  BIG_SERVICE_LOG="$BIG_SERVICE_LOG" BIG_SERVICE_ALIVE="$BIG_SERVICE_ALIVE" BIG_XMX="-Xmx$BIG_XMX" \
  RESULTS_DIR="$ROOT/bench/results" bench report
