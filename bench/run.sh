#!/usr/bin/env bash
# Benchmark of issues 8 and 14: builds the fat jar, starts the service against PostgreSQL and Redis, and
# measures it with the benchmark program in bench/src (compiled here with javac against that jar, into
# bench/work/<run>/classes; it uses the service's own classes: PgUrls, UuidV7, UserCache keys, the
# configuration and vertx-auth-jwt for the token). Then, optionally, the mixed load also runs against a
# baseline jar in the same run, and a 100,000-user create runs against a second service JVM with -Xmx256m.
# Prints a table to stdout; writes bench/results/latest.json and bench/results/latest.svg.
#
# Usage:  bench/run.sh
#   quick:  REPS=1 DURATION=10 WARMUP_ROUNDS=2 BIG_USERS=10000 bench/run.sh
#   full:   ISOLATED_BUILD=1 REPS=5 BASELINE_JAR=/path/to/old-fat.jar bench/run.sh
#           (about 9 minutes on 2 idle cores; 18 minutes at a load average of 15 caused by other work)
#
# Steps (bench/src/dev/userbatch/bench/BenchRunner.java names the classes of each):
#   suite   warm-up; 1 create 10k with passwordHash vs COPY; 2 plaintext create vs Argon2id rate; 3 lookups of
#           1,000 ids vs MGET; issue 14's GET lookups of 300 ids vs MGET and of 1 id vs /health/live over one
#           keep-alive connection; 4 update / last-login / soft delete of 10k
#   mixed   5 the mixed load, in rounds; with BASELINE_JAR, a second service from that jar runs on the same
#           database and Redis, gets the same warm-up, and its rounds alternate with the service's
#   big     6 one create of BIG_USERS users under -Xmx$BIG_XMX
#   report  the table, the targets of issues 8 and 14 (PASS / FAIL / NOT RUN), latest.json and latest.svg
# Absolute figures move with the machine's load (the table prints the load average at each phase); the
# targets are ratios to ceilings measured in the same run, and the baseline's rounds alternate with the
# service's for the same reason.
#
# Environment (all optional):
#   REPS=3            repetitions of each measurement (min/median/max are reported)
#   LOOKUP_REPS=3*REPS repetitions of the (millisecond-scale) lookups and MGETs
#   KEEPALIVE_REPS=4*LOOKUP_REPS repetitions of the keep-alive round trips (300 ids, 1 id, /health/live)
#   WARMUP_ROUNDS=8   10k-user creates (with lookups, updates) of the warm-up, for the service and the baseline
#   REQUEST_TIMEOUT=120 seconds before one measured request counts as failed
#   DURATION=60       seconds of mixed load per service, split into MIXED_ROUNDS=5 rounds (plus one unmeasured
#                     round of up to 10 s each first)
#   CLIENTS=16        concurrent clients of the mixed load
#   BASELINE_JAR      fat jar of an older build: the mixed load runs against it too, with the same settings, and
#                     the report gives the ratio of requests per second (issue 14 wants >= 2). Without it that
#                     target is NOT RUN. The baseline runs from an empty working directory, so it reads its own
#                     conf/application.json from its jar.
#   SKIP_BUILD=1      use the existing target/*-fat.jar instead of running `mvn -B -q -DskipTests package`
#   ISOLATED_BUILD=1  build a copy of the tree under bench/work/<run>/build instead of target/ (for machines
#                     where other builds rewrite target/ at the same time)
#   MVN_ARGS          replaces "-B -q -DskipTests" (e.g. "-B -q -o -Dmaven.test.skip=true" when test sources do not compile)
#   PG_URL, REDIS_URL used by the service and the benchmark; when unset the service picks the local default
#                     servers (postgresql://postgres@127.0.0.1:5432/postgres, redis://127.0.0.1:6379) or,
#                     with EMBEDDED=auto (default), starts embedded ones whose URLs are read from its log
#   FRESH_DB=1        every run starts on an empty database: bench_<run>, created on the server of PG_URL (or
#                     of the local default) before the service starts and dropped at the end (KEEP_DB=1 keeps
#                     it); FRESH_DB=0 uses PG_URL's database as it is. Without PG_URL and without a local
#                     server, the embedded PostgreSQL of the run's new data directory is empty anyway.
#   BIG_USERS=100000  size of the heap-limited create;  BIG_XMX=256m  its heap limit;  BIG_TIMEOUT=300 (s)
#   SERVICE_JAVA_OPTS extra JVM options of the main service JVM (and of the baseline's)
#   RATE_LIMIT_ITEMS_PER_MINUTE  passed to the service (default 10^12: the limiter runs but never refuses)
#   BENCH_TOKEN       bearer token for the API; by default the benchmark signs one with the service's JWT_SECRET
#                     (and JWT_ISSUER / JWT_AUDIENCE) if that is set, else uses the development token the service
#                     writes to DATA_DIR/dev-token
#   STRICT=1          exit 1 if any target is not met (FAIL or NOT RUN)
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
CLASSES="$WORK/classes"
DATA_DIR_BENCH="$WORK/data"   # the service's DATA_DIR (embedded servers, development JWT secret); removed at the end
DATA_DIR_BASELINE="$WORK/data-baseline"
mkdir -p "$WORK" "$DATA_DIR_BENCH" "$ROOT/bench/results"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SERVICE_PID=""
FRESH_DB_SERVER=""
MAIN_PID=""
BASELINE_PID=""
JSTAT_PID=""

stop_jstat() {
  if [[ -n "$JSTAT_PID" ]]; then
    kill "$JSTAT_PID" 2>/dev/null || true
    wait "$JSTAT_PID" 2>/dev/null || true
    JSTAT_PID=""
  fi
}

# stop_pid <pid>: TERM, up to 40 s for a graceful stop, then KILL
stop_pid() {
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 400); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "service $pid did not stop in 40 s; killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

stop_main() { stop_pid "$MAIN_PID"; MAIN_PID=""; }
stop_baseline() { stop_pid "$BASELINE_PID"; BASELINE_PID=""; }

cleanup() {
  stop_jstat
  stop_pid "$SERVICE_PID"   # one still starting
  stop_baseline
  stop_main
  # rows a killed or timed-out run left behind (a big create goes on in the service after the client gives up)
  if [[ -n "${BENCH_PG_URL:-}" && -d "$CLASSES/dev" ]]; then
    PG_URL="$BENCH_PG_URL" REDIS_URL="$BENCH_REDIS_URL" bench cleanup || log "final cleanup failed"
  fi
  if [[ -n "$FRESH_DB_SERVER" && "${KEEP_DB:-0}" != 1 ]]; then
    PG_URL="$FRESH_DB_SERVER" bench drop-db || log "the run's database could not be dropped"
  fi
  rm -rf "$DATA_DIR_BENCH" "$DATA_DIR_BASELINE" "$WORK/service.jar" "$WORK/baseline.jar" "$WORK/baseline-cwd" "$WORK/build"
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

# start_service <name> <jar> <data dir> <working dir> [java options...]: sets SERVICE_PID, SERVICE_LOG, BASE_URL
# (the caller moves SERVICE_PID to MAIN_PID or BASELINE_PID); returns 1 (after showing the log's tail) if the
# service does not become live.
# Extra environment of the service can be given as SERVICE_ENV=(NAME=value ...).
start_service() {
  local name="$1" jar="$2" data_dir="$3" cwd="$4"
  shift 4
  local port
  port="$(free_port)"
  SERVICE_LOG="$WORK/service-$name.log"
  BASE_URL="http://127.0.0.1:$port"
  log "starting service '$name' on port $port (java $* -jar $jar; log $SERVICE_LOG)"
  (cd "$cwd" && exec env "${SERVICE_ENV[@]}" HTTP_PORT="$port" DATA_DIR="$data_dir" EMBEDDED="$EMBEDDED_MODE" \
    MAX_ITEMS_PER_REQUEST=100000 MAX_BODY_BYTES=268435456 \
    RATE_LIMIT_ITEMS_PER_MINUTE="${RATE_LIMIT_ITEMS_PER_MINUTE:-1000000000000}" \
    java "$@" -jar "$jar") >"$SERVICE_LOG" 2>&1 &
  SERVICE_PID=$!
  local deadline=$(( SECONDS + 180 ))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE_URL/health/live" 2>/dev/null || true)" == 200 ]]; do
    if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
      tail -n 40 "$SERVICE_LOG" >&2 || true
      log "service '$name' exited during start-up (log: $SERVICE_LOG)"
      SERVICE_PID=""
      return 1
    fi
    if (( SECONDS > deadline )); then
      tail -n 40 "$SERVICE_LOG" >&2 || true
      log "service '$name' did not answer GET /health/live with 200 within 180 s"
      stop_pid "$SERVICE_PID"
      SERVICE_PID=""
      return 1
    fi
    sleep 0.3
  done
  log "service '$name' is live (pid $SERVICE_PID)"
}
SERVICE_ENV=()

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

# The benchmark program; DATA_DIR is where it finds the service's development token.
bench() {
  DATA_DIR="$DATA_DIR_BENCH" java -cp "$CLASSES:$JAR" dev.userbatch.bench.BenchRunner "$@"
}

log "run $RUN_ID: REPS=$REPS DURATION=$DURATION CLIENTS=$CLIENTS BIG_USERS=$BIG_USERS BIG_XMX=$BIG_XMX (work dir $WORK)"

if [[ -n "${BASELINE_JAR:-}" ]]; then
  [[ -f "$BASELINE_JAR" ]] || die "BASELINE_JAR=$BASELINE_JAR is not a file"
  # a private copy, like the service's own jar below
  cp "$BASELINE_JAR" "$WORK/baseline.jar"
fi

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
log "compiling the benchmark against the jar into $CLASSES"
mkdir -p "$CLASSES"
javac --release 17 -d "$CLASSES" -cp "$JAR" "$ROOT"/bench/src/dev/userbatch/bench/*.java

# --- the run's own empty database (bench/src/dev/userbatch/bench/FreshDatabase.java): earlier runs left
# audit_log, batch_changes and outbox_events rows that made every run start slower than the one before
if [[ "${FRESH_DB:-1}" == 1 ]]; then
  server_url="${PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
  if fresh_url="$(PG_URL="$server_url" bench fresh-db)"; then
    FRESH_DB_SERVER="$server_url"
    export PG_URL="$fresh_url"
    log "the run's own database: ${PG_URL%%\?*} (empty; dropped at the end unless KEEP_DB=1)"
  elif [[ -n "${PG_URL:-}" ]]; then
    die "could not create the run's database on the server of PG_URL (FRESH_DB=0 uses PG_URL as it is)"
  else
    log "no local PostgreSQL: the service starts an embedded one in the run's new (empty) data directory"
  fi
fi

# --- measurements 1-4 and the keep-alive lookups against a service with the default heap
# shellcheck disable=SC2086
start_service main "$JAR" "$DATA_DIR_BENCH" "$ROOT" ${SERVICE_JAVA_OPTS:-} "-Xlog:gc:file=$WORK/gc-main.log" \
  || die "the service did not start"
MAIN_PID="$SERVICE_PID"
SERVICE_PID=""
MAIN_URL="$BASE_URL"
MAIN_LOG="$SERVICE_LOG"
resolve_urls
log "benchmark connects to ${BENCH_PG_URL%%\?*} and $BENCH_REDIS_URL"
BASE_URL="$MAIN_URL" PG_URL="$BENCH_PG_URL" REDIS_URL="$BENCH_REDIS_URL" SERVICE_LOG="$MAIN_LOG" \
  OUT="$WORK/suite.json" bench suite || log "Bench suite exited with status $? (continuing)"

# --- measurement 5, the mixed load; with BASELINE_JAR also against a baseline service on the same database
# and Redis, started only now so that it is not in the background of the suite's measurements
BASELINE_URL=""
BASELINE_LOG=""
if [[ -n "${BASELINE_JAR:-}" ]]; then
  mkdir -p "$DATA_DIR_BASELINE" "$WORK/baseline-cwd"
  # the same development secret, so that the one token is valid for both services
  if [[ -f "$DATA_DIR_BENCH/jwt-secret" ]]; then
    install -m 600 "$DATA_DIR_BENCH/jwt-secret" "$DATA_DIR_BASELINE/jwt-secret"
  fi
  SERVICE_ENV=(PG_URL="$BENCH_PG_URL" REDIS_URL="$BENCH_REDIS_URL")
  # Up to 3 attempts: older jars give Redis 3 s to answer their start-up PING, which a cold JVM misses on a
  # loaded machine (run b9009c40, load average 18).
  baseline_started=0
  for attempt in 1 2 3; do
    # shellcheck disable=SC2086
    if start_service baseline "$WORK/baseline.jar" "$DATA_DIR_BASELINE" "$WORK/baseline-cwd" ${SERVICE_JAVA_OPTS:-} \
        "-Xlog:gc:file=$WORK/gc-baseline.log"; then
      baseline_started=1
      break
    fi
    log "the baseline did not start (attempt $attempt of 3)"
  done
  if (( baseline_started )); then
    BASELINE_PID="$SERVICE_PID"
    SERVICE_PID=""
    BASELINE_URL="$BASE_URL"
    BASELINE_LOG="$SERVICE_LOG"
  else
    log "the baseline did not start: the mixed load runs without it"
  fi
  SERVICE_ENV=()
fi
BASE_URL="$MAIN_URL" BASELINE_URL="$BASELINE_URL" BASELINE_LOG="$BASELINE_LOG" BASELINE_JAR="${BASELINE_JAR:-}" \
  PG_URL="$BENCH_PG_URL" REDIS_URL="$BENCH_REDIS_URL" SERVICE_LOG="$MAIN_LOG" \
  OUT="$WORK/mixed.json" bench mixed || log "Bench mixed exited with status $? (continuing)"
stop_baseline
stop_main

# --- measurement 6: one big create against a service limited to -Xmx$BIG_XMX
start_service big "$JAR" "$DATA_DIR_BENCH" "$ROOT" "-Xmx$BIG_XMX" -XX:+ExitOnOutOfMemoryError \
  "-Xlog:gc:file=$WORK/gc-big.log" || die "the small-heap service did not start"
MAIN_PID="$SERVICE_PID"
SERVICE_PID=""
BIG_SERVICE_LOG="$SERVICE_LOG"
resolve_urls
jstat -gc "$MAIN_PID" 100 >"$WORK/jstat-big.txt" 2>&1 &
JSTAT_PID=$!
BASE_URL="$BASE_URL" PG_URL="$BENCH_PG_URL" REDIS_URL="$BENCH_REDIS_URL" OUT="$WORK/big.json" bench big \
  || log "Bench big exited with status $?"
sleep 0.5
BIG_SERVICE_ALIVE=0
if kill -0 "$MAIN_PID" 2>/dev/null && \
   [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE_URL/health/live" || true)" == 200 ]]; then
  BIG_SERVICE_ALIVE=1
fi
stop_jstat
stop_main

# --- report
SUITE_JSON="$WORK/suite.json" MIXED_JSON="$WORK/mixed.json" BIG_JSON="$WORK/big.json" JSTAT_LOG="$WORK/jstat-big.txt" \
  GC_LOG="$WORK/gc-big.log" BIG_SERVICE_LOG="$BIG_SERVICE_LOG" BIG_SERVICE_ALIVE="$BIG_SERVICE_ALIVE" \
  BIG_XMX="-Xmx$BIG_XMX" RESULTS_DIR="$ROOT/bench/results" bench report
