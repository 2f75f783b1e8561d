package dev.userbatch.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges the suite's, the mixed load's and the big create's JSON with the heap samples, checks the
 * targets of issues 8 and 14, prints the table to stdout and writes RESULTS_DIR/latest.json and
 * latest.svg.
 */
final class BenchReport {
  private final JsonObject suite;
  private final JsonObject figures;
  private final ReportTable table = new ReportTable();
  private final List<Check> checks = new ArrayList<>();

  private BenchReport(JsonObject suite) {
    this.suite = suite;
    this.figures = suite.getJsonObject("figures", new JsonObject());
  }

  /** Returns the exit status: 1 under STRICT=1 when a target is not met. */
  static int run() throws IOException {
    JsonObject suite = read("SUITE_JSON");
    JsonObject mixed = read("MIXED_JSON");
    JsonObject big = read("BIG_JSON");
    JsonObject heap = HeapSamples.read();
    mergeMixed(suite, mixed);
    BenchReport report = new BenchReport(suite);
    report.issue8(big, heap);
    report.issue14();
    return report.publish(big, heap, Path.of(Env.text("RESULTS_DIR", "bench/results")));
  }

  private static JsonObject read(String variable) throws IOException {
    Path file = Path.of(Env.text(variable, "bench/work/missing.json"));
    return Files.isRegularFile(file) ? new JsonObject(Files.readString(file)) : new JsonObject();
  }

  /**
   * The mixed load ran as its own process after the suite: one document, as if the suite had run
   * it.
   */
  private static void mergeMixed(JsonObject suite, JsonObject mixed) {
    if (mixed.containsKey("mixed")) {
      suite.put("mixed", mixed.getJsonObject("mixed"));
    }
    JsonArray problems = suite.getJsonArray("problems", new JsonArray()).copy();
    problems.addAll(mixed.getJsonArray("problems", new JsonArray()));
    JsonObject loads =
        suite
            .getJsonObject("loadAverageAtPhaseStart", new JsonObject())
            .copy()
            .mergeIn(mixed.getJsonObject("loadAverageAtPhaseStart", new JsonObject()));
    suite.put("problems", problems).put("loadAverageAtPhaseStart", loads);
    for (String field : new String[] {"cleanedRows", "loadAverageAtEnd", "finishedAt"}) {
      if (mixed.containsKey(field)) {
        suite.put(field, mixed.getValue(field));
      }
    }
  }

  /**
   * The median, or NaN when the figure is missing or any of its repetitions failed (then no check
   * can pass).
   */
  private double med(String id) {
    JsonObject f = figures.getJsonObject(id);
    if (f == null || f.getDouble("median") == null) {
      return Double.NaN;
    }
    return f.getInteger("failed", 0) > 0 ? Double.NaN : f.getDouble("median");
  }

  private String spread(String id) {
    JsonObject f = figures.getJsonObject(id);
    if (f == null || f.getDouble("median") == null) {
      return f != null && f.getInteger("failed", 0) > 0
          ? "all " + f.getInteger("failed") + " failed"
          : "n/a";
    }
    int failed = f.getInteger("failed", 0);
    return fmt(f.getDouble("median"))
        + " "
        + f.getString("unit")
        + " ["
        + fmt(f.getDouble("min"))
        + "-"
        + fmt(f.getDouble("max"))
        + "]"
        + (failed > 0 ? " (" + failed + " failed)" : "");
  }

  private Check add(Check check) {
    checks.add(check);
    return check;
  }

  private static String fmt(double v) {
    return Format.number(v);
  }

  private void issue8(JsonObject big, JsonObject heap) {
    int cores = cores();
    // 1. create with hash vs COPY
    double copy = med("copy10k");
    for (String[] v :
        new String[][] {
          {"create10kHashChunk500", "create 10k passwordHash, chunkSize 500"},
          {"create10kHashDefault", "create 10k passwordHash, default chunkSize"}
        }) {
      Check c =
          add(Check.ratio(v[0] + "VsCopy", 8, v[1] + " / COPY", med(v[0]) / copy, "<=", 3, null));
      table.row(v[1], spread(v[0]), "COPY " + fmt(copy) + " ms", c);
    }
    table.row("COPY 10k identical rows, same indexes", spread("copy10k"), "", "", "", "");

    // 2. plaintext
    double single = med("argon2SingleThread");
    double ceiling = cores * single;
    double achieved = med("createPlaintextRate");
    Check pc =
        add(
            Check.ratio(
                "plaintextVsArgon2",
                8,
                "plaintext create rate / (cores x 1-thread Argon2id)",
                achieved / ceiling,
                ">=",
                0.85,
                null));
    table.row(
        "create 1000 plaintext, default options",
        spread("createPlaintext1000") + " = " + fmt(achieved) + " users/s",
        cores + " x " + fmt(single) + "/s = " + fmt(ceiling) + "/s",
        pc);
    table.row("Argon2id single thread (bench JVM)", spread("argon2SingleThread"), "", "", "", "");
    table.row(
        "Argon2id " + cores + " threads (bench JVM), info",
        spread("argon2AllCores"),
        cores + " x 1-thread",
        fmt(med("argon2AllCores") / ceiling),
        "",
        "");
    long plainBlocked = suite.getLong("plaintextBlockedWarnings", -1L);
    Check bc =
        add(
            Check.flag(
                "plaintextBlockedWarnings",
                8,
                "no blocked-thread warnings during plaintext creates",
                plainBlocked == 0,
                plainBlocked
                    + " warnings ("
                    + suite.getLong("plaintextBlockedWarningsEventLoop", -1L)
                    + " event loop)"));
    table.row(
        "blocked-thread warnings, plaintext phase",
        String.valueOf(plainBlocked),
        "",
        "",
        "= 0",
        bc.result());

    // 3. lookups
    double mget = med("mget1000");
    for (String tag : new String[] {"Chunk1000", "Default"}) {
      String label = tag.equals("Default") ? "default chunkSize" : "chunkSize 1000";
      double cold = med("lookupCold" + tag);
      double warm = med("lookupWarm" + tag);
      Check cc =
          add(
              Check.ratio(
                  "lookupCold" + tag + "VsWarm",
                  8,
                  "lookup cold / warm, " + label,
                  cold / warm,
                  "<=",
                  3,
                  null));
      table.row(
          "lookup 1000 cold, " + label,
          spread("lookupCold" + tag),
          "warm " + fmt(warm) + " ms",
          cc);
      Check wc =
          add(
              Check.ratio(
                  "lookupWarm" + tag + "VsMget",
                  8,
                  "lookup warm / MGET, " + label,
                  warm / mget,
                  "<=",
                  2,
                  null));
      table.row(
          "lookup 1000 warm, " + label,
          spread("lookupWarm" + tag),
          "MGET " + fmt(mget) + " ms",
          wc);
    }
    table.row("raw MGET 1000 keys (Vert.x Redis)", spread("mget1000"), "", "", "", "");

    // 4. id operations
    for (String[] v :
        new String[][] {
          {"update10k", "update names, 10k users"},
          {"lastLogin10k", "last-login, 10k users"},
          {"softDelete10k", "soft delete, 10k users"}
        }) {
      table.row(v[1], spread(v[0]), "COPY " + fmt(copy) + " ms", fmt(med(v[0]) / copy), "", "");
    }

    // 5. mixed load
    JsonObject mixed = suite.getJsonObject("mixed");
    if (mixed != null) {
      table.row(
          "mixed load: "
              + mixed.getInteger("clients")
              + " clients, "
              + fmt(mixed.getDouble("durationSeconds"))
              + " s"
              + " in "
              + mixed.getInteger("rounds", 1)
              + " rounds",
          fmt(mixed.getDouble("requestsPerSecond"))
              + " req/s, "
              + fmt(mixed.getDouble("itemsPerSecond"))
              + " items/s",
          "",
          "",
          "",
          "");
      double p50 = mixed.getDouble("p50");
      double p99 = mixed.getDouble("p99");
      Check lc =
          add(Check.ratio("mixedP99VsP50", 8, "mixed load p99 / p50", p99 / p50, "<", 10, null));
      table.row(
          "mixed load latency p50 / p99",
          fmt(p50) + " / " + fmt(p99) + " ms",
          "p50 " + fmt(p50) + " ms",
          lc);
      long errors = mixed.getLong("errors");
      Check ec =
          add(
              Check.flag(
                  "mixedErrors",
                  8,
                  "mixed load: zero errors",
                  errors == 0,
                  errors + " errors in " + mixed.getInteger("requests") + " requests"));
      table.row(
          "mixed load errors",
          errors + " of " + mixed.getInteger("requests"),
          "",
          "",
          "= 0",
          ec.result());
      table.row(
          "blocked-thread warnings, mixed load",
          String.valueOf(mixed.getLong("blockedWarnings")),
          "",
          "",
          "",
          "");
    } else {
      add(Check.flag("mixedErrors", 8, "mixed load: zero errors", false, "mixed load did not run"));
      table.row("mixed load", "did not run", "", "", "", "FAIL");
    }

    // 6. big create under a small heap
    String xmx = Env.text("BIG_XMX", "-Xmx256m");
    boolean bigOk =
        big.getBoolean("success", false)
            && heap.getBoolean("serviceAliveAfter", true)
            && !heap.getBoolean("outOfMemory", false);
    String bigValue =
        big.isEmpty()
            ? "did not run"
            : (bigOk
                    ? "OK"
                    : "FAILED ("
                        + (big.getInteger("status", -1) < 0
                            ? "no response"
                            : "HTTP " + big.getInteger("status"))
                        + (heap.getBoolean("outOfMemory", false)
                            ? ", service died of OutOfMemoryError"
                            : "")
                        + ")")
                + " in "
                + fmt(big.getDouble("ms", Double.NaN) / 1000)
                + " s, peak heap "
                + fmt(heap.getDouble("peakMB", Double.NaN))
                + " MB, max after GC "
                + fmt(heap.getDouble("gcAfterPeakMB", Double.NaN))
                + " MB, "
                + heap.getInteger("fullGcs", 0)
                + " full GCs";
    Check hc =
        add(
            Check.flag(
                "big100kUnder256m",
                8,
                "create " + big.getInteger("users", 100_000) + " users succeeds with " + xmx,
                bigOk,
                bigValue
                    + (big.getString("problem") == null ? "" : "; " + big.getString("problem"))));
    table.row(
        "create " + big.getInteger("users", 100_000) + " passwordHash, " + xmx,
        bigValue,
        "heap max " + fmt(heap.getDouble("capacityMB", Double.NaN)) + " MB",
        "",
        "succeeds",
        hc.result());
  }

  private void issue14() {
    table.section("-- issue 14 targets (ratios of medians measured in this run)");
    double mget300 = med("mget300");
    double get300 = med("lookupWarm300Get");
    table.row(
        "lookup 300 warm, GET, keep-alive",
        spread("lookupWarm300Get"),
        "MGET 300 " + fmt(mget300) + " ms",
        add(
            Check.ratio(
                "i14Lookup300VsMget",
                14,
                "#14 GET lookup 300 warm / MGET 300",
                get300 / mget300,
                "<=",
                4,
                null)));
    Check absolute =
        add(
            Check.ratio(
                "i14Lookup300Ms",
                14,
                "#14 GET lookup 300 warm, median in ms",
                get300,
                "<=",
                3.3,
                null));
    table.row(
        "lookup 300 warm, GET, keep-alive: median",
        fmt(get300) + " ms",
        "",
        "",
        "<= 3.3 ms",
        absolute.result());
    table.row("raw MGET 300 keys (Vert.x Redis)", spread("mget300"), "", "", "", "");
    double warm1000 = med("lookupWarmDefault");
    double mget1000 = med("mget1000");
    table.row(
        "lookup 1000 warm, default chunkSize",
        spread("lookupWarmDefault"),
        "MGET " + fmt(mget1000) + " ms",
        add(
            Check.ratio(
                "i14Lookup1000VsMget",
                14,
                "#14 lookup 1000 warm / MGET 1000",
                warm1000 / mget1000,
                "<=",
                3,
                null)));
    double one = med("lookupWarm1Get");
    double live = med("healthLive");
    table.row(
        "lookup 1 id warm, GET, keep-alive",
        spread("lookupWarm1Get"),
        "/health/live " + fmt(live) + " ms",
        add(
            Check.ratio(
                "i14Lookup1VsLive",
                14,
                "#14 GET lookup 1 warm / GET /health/live",
                one / live,
                "<=",
                5,
                null)));
    table.row("GET /health/live, same connection", spread("healthLive"), "", "", "", "");
    mixedVsBaseline();
    double copy = med("copy10k");
    table.row(
        "create 10k passwordHash, chunkSize 500",
        spread("create10kHashChunk500"),
        "COPY " + fmt(copy) + " ms",
        add(
            Check.ratio(
                "i14Create10kChunk500VsCopy",
                14,
                "#14 create 10k passwordHash chunkSize 500 / COPY",
                med("create10kHashChunk500") / copy,
                "<=",
                3,
                null)));
    table.row(
        "create 10k passwordHash, default chunkSize",
        spread("create10kHashDefault"),
        "COPY " + fmt(copy) + " ms",
        add(
            Check.ratio(
                "i14Create10kDefaultVsCopy",
                14,
                "#14 create 10k passwordHash default / COPY",
                med("create10kHashDefault") / copy,
                "<=",
                4,
                null)));
  }

  /**
   * Requests per second of the service over the baseline's, median of the rounds' ratios; also
   * p99/p50 and errors.
   */
  private void mixedVsBaseline() {
    JsonObject mixed = suite.getJsonObject("mixed", new JsonObject());
    JsonObject baseline = mixed.getJsonObject("baseline");
    JsonObject vs = mixed.getJsonObject("vsBaseline");
    Check check =
        Check.ratio(
            "i14MixedVsBaseline",
            14,
            "#14 mixed load req/s / baseline's (median of rounds)",
            vs == null ? Double.NaN : vs.getDouble("medianRatio", Double.NaN),
            ">=",
            2,
            null);
    String target = ">= 2, p99/p50 < 10, 0 errors";
    if (vs == null) {
      check =
          add(
              check.notRun(
                  mixed.isEmpty()
                      ? "the mixed load did not run"
                      : "no baseline ran (BASELINE_JAR unset, or its service did not start)"));
      table.row("mixed load vs baseline", check.detail(), "", "", target, check.result());
      return;
    }
    double p99OverP50 = mixed.getDouble("p99") / mixed.getDouble("p50");
    long errors = mixed.getLong("errors");
    String detail =
        "round ratios "
            + vs.getJsonArray("roundRatios").encode()
            + "; p99/p50 "
            + fmt(p99OverP50)
            + ", "
            + errors
            + " errors; baseline "
            + baseline.getString("jar", baseline.getString("url"));
    check = add(check.requiring(p99OverP50 < 10 && errors == 0, detail));
    table.row(
        "mixed load vs baseline, " + vs.getJsonArray("roundRatios").size() + " rounds each",
        fmt(mixed.getDouble("requestsPerSecond"))
            + " req/s, p99/p50 "
            + fmt(p99OverP50)
            + ", "
            + errors
            + " errors",
        "baseline " + fmt(baseline.getDouble("requestsPerSecond")) + " req/s",
        fmt(check.ratio()),
        target,
        check.result());
    table.row(
        "mixed load, baseline: p50 / p99, errors",
        fmt(baseline.getDouble("p50"))
            + " / "
            + fmt(baseline.getDouble("p99"))
            + " ms, "
            + baseline.getLong("errors")
            + " errors of "
            + baseline.getInteger("requests"),
        "",
        "",
        "",
        "");
  }

  private int cores() {
    return suite.getInteger(
        "cores", suite.getJsonObject("machine", new JsonObject()).getInteger("cores", 1));
  }

  private int publish(JsonObject big, JsonObject heap, Path resultsDir) throws IOException {
    JsonObject config = suite.getJsonObject("config", new JsonObject());
    JsonObject mixed = suite.getJsonObject("mixed", new JsonObject());
    String rendered = table.render();
    System.out.println();
    System.out.println(
        "user-batch-service benchmark, run "
            + suite.getString("run")
            + ", "
            + suite.getString("startedAt")
            + ", "
            + cores()
            + " cores, REPS="
            + config.getInteger("reps")
            + ", LOOKUP_REPS="
            + config.getInteger("lookupReps")
            + ", KEEPALIVE_REPS="
            + config.getInteger("keepAliveReps")
            + ", mixed load "
            + config.getInteger("durationSeconds")
            + " s x "
            + config.getInteger("clients")
            + " clients in "
            + config.getInteger("mixedRounds")
            + " rounds"
            + (mixed.containsKey("baseline")
                ? ", alternating with the baseline "
                    + mixed.getJsonObject("baseline").getString("jar")
                : "")
            + "; values are median [min-max]; ratios use medians");
    System.out.println(
        "load average (1/5/15 min) at the start of each phase: "
            + suite
                .getJsonObject("loadAverageAtPhaseStart", new JsonObject())
                .encode()
                .replace("\"", "")
            + ", at the end: "
            + suite.getString("loadAverageAtEnd", "n/a")
            + " (on "
            + cores()
            + " cores; it includes this run's own service, client and database)");
    System.out.println(
        "database "
            + suite.getString("database", "n/a")
            + " at the start: "
            + suite.getLong("usersRowsAtStart", -1L)
            + " users, "
            + suite.getLong("auditRowsAtStart", -1L)
            + " audit rows (bench/run.sh gives each run a new database unless FRESH_DB=0)");
    System.out.println(rendered);
    System.out.println("targets: " + summary(8) + " (issue 8); " + summary(14) + " (issue 14)");
    JsonArray problems = suite.getJsonArray("problems", new JsonArray());
    if (!problems.isEmpty()) {
      System.out.println("problems during the run:");
      problems.forEach(p -> System.out.println("  - " + p));
    }
    JsonArray checksJson = new JsonArray();
    checks.forEach(c -> checksJson.add(c.toJson()));
    JsonObject latest =
        suite
            .copy()
            .put("big", big)
            .put("bigHeap", heap)
            .put("checks", checksJson)
            .put("table", rendered);
    Files.createDirectories(resultsDir);
    Files.writeString(resultsDir.resolve("latest.json"), latest.encodePrettily());
    Files.writeString(resultsDir.resolve("latest.svg"), ReportSvg.render(suite, checks));
    Env.log(
        "wrote " + resultsDir.resolve("latest.json") + " and " + resultsDir.resolve("latest.svg"));
    boolean allPass = checks.stream().allMatch(Check::pass);
    return Env.text("STRICT", "0").equals("1") && !allPass ? 1 : 0;
  }

  private String summary(int issue) {
    List<Check> of = checks.stream().filter(c -> c.issue() == issue).toList();
    long passed = of.stream().filter(Check::pass).count();
    long notRun = of.stream().filter(c -> c.status() == Check.Status.NOT_RUN).count();
    return passed + " of " + of.size() + " PASS" + (notRun > 0 ? ", " + notRun + " NOT RUN" : "");
  }
}
