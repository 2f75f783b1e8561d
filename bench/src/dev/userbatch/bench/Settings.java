package dev.userbatch.bench;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * What one benchmark process measures and against what; see the header of bench/run.sh.
 *
 * @param baselineUrl a second service (BASELINE_JAR) for the mixed-load comparison, or null
 * @param lookupReps lookups and MGETs take milliseconds, so they are repeated more often for a
 *     stable median
 * @param keepAliveReps the sub-millisecond round trips over one keep-alive connection, more often
 *     still
 * @param requestTimeout every measured request takes seconds at most; a hung service must not stall
 *     the run
 */
record Settings(
    String run,
    String baseUrl,
    String baselineUrl,
    String pgUrl,
    String redisUrl,
    int reps,
    int lookupReps,
    int keepAliveReps,
    int warmUpRounds,
    int durationSeconds,
    int clients,
    int mixedRounds,
    Duration requestTimeout,
    Path serviceLog,
    Path baselineLog,
    Path out) {

  static Settings fromEnv() {
    int reps = Env.integer("REPS", 3);
    int lookupReps = Env.integer("LOOKUP_REPS", 3 * reps);
    String run = Env.text("RUN_ID", String.format("%08x", new SecureRandom().nextInt()));
    if (!run.matches("[0-9a-z]+")) {
      throw new IllegalArgumentException(
          "RUN_ID must be lower-case letters and digits: it names a table");
    }
    String baselineLog = Env.text("BASELINE_LOG", null);
    return new Settings(
        run,
        Env.text("BASE_URL", "http://127.0.0.1:8080"),
        Env.text("BASELINE_URL", null),
        Env.text("PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        Env.text("REDIS_URL", "redis://127.0.0.1:6379"),
        reps,
        lookupReps,
        Env.integer("KEEPALIVE_REPS", 4 * lookupReps),
        Env.integer("WARMUP_ROUNDS", 8),
        Env.integer("DURATION", 60),
        Env.integer("CLIENTS", 16),
        Math.max(1, Env.integer("MIXED_ROUNDS", 5)),
        Duration.ofSeconds(Env.integer("REQUEST_TIMEOUT", 120)),
        Path.of(Env.text("SERVICE_LOG", "bench/work/service.log")),
        baselineLog == null ? null : Path.of(baselineLog),
        Path.of(Env.text("OUT", "bench/work/out.json")));
  }

  /** Every row and cache entry of this run has an email starting with this. */
  String prefix() {
    return "bench-" + run + "-";
  }

  /** The table that COPY fills, like users (same indexes). */
  String copyTable() {
    return "bench_users_copy_" + run;
  }
}
