package dev.userbatch.bench;

import java.util.Locale;

/**
 * The benchmark's entry point; bench/run.sh builds the service, starts and stops its processes, and
 * runs this once per step:
 *
 * <pre>
 *   suite    measurements 1-4 and the keep-alive lookups against BASE_URL, writes OUT
 *   mixed    the mixed load against BASE_URL (and BASELINE_URL, if set), writes OUT, removes the run's users
 *   big      one create of BIG_USERS users against the small-heap service, writes OUT
 *   report   merges SUITE_JSON, MIXED_JSON, BIG_JSON and the heap samples; prints the table, writes
 *            RESULTS_DIR/latest.json and latest.svg; exit status 1 under STRICT=1 if a target is not met
 *   cleanup  removes whatever run RUN_ID left behind
 *   fresh-db creates the run's own database bench_RUN_ID on the server of PG_URL, prints its URL
 *   drop-db  drops it (PG_URL: another database of that server)
 * </pre>
 */
public final class BenchRunner {
  private BenchRunner() {}

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    String mode = args.length == 0 ? "" : args[0];
    switch (mode) {
      case "suite" -> BenchSuite.run(Settings.fromEnv());
      case "mixed" -> MixedLoad.run(Settings.fromEnv());
      case "big" -> BigCreate.run(Settings.fromEnv());
      case "report" -> System.exit(BenchReport.run());
      case "fresh-db" -> FreshDatabase.create(Settings.fromEnv());
      case "drop-db" -> FreshDatabase.drop(Settings.fromEnv());
      case "cleanup" -> {
        if (Env.text("RUN_ID", null) == null) {
          throw new IllegalArgumentException("RUN_ID must be set to the run's id");
        }
        Leftovers.ofRun(Settings.fromEnv());
      }
      default -> {
        System.err.println(
            "usage: java -cp <bench classes>:<fat jar> dev.userbatch.bench.BenchRunner "
                + "suite|mixed|big|report|cleanup|fresh-db|drop-db");
        System.exit(2);
      }
    }
  }
}
