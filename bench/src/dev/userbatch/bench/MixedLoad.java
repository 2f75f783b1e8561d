package dev.userbatch.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Measurement 5: sustained mixed load of CLIENTS clients for DURATION seconds, in MIXED_ROUNDS
 * rounds. With a baseline service (BASELINE_URL, started by run.sh from BASELINE_JAR on the same
 * database and Redis), its rounds alternate with the service's, in the order new-baseline,
 * baseline-new, ..., so that both see the same shared machine; the ratio of requests per second is
 * taken round by round and its median reported. Each service first gets one unmeasured round. Runs
 * as its own process after the suite (run.sh starts the baseline in between), and removes the run's
 * users at the end.
 */
final class MixedLoad {
  private final Session session;
  private final Settings settings;

  private MixedLoad(Session session) {
    this.session = session;
    this.settings = session.settings;
  }

  static void run(Settings settings) throws Exception {
    try (Session session = Session.open(settings)) {
      JsonObject result = new JsonObject();
      try {
        new MixedLoad(session).measure(result);
      } finally {
        try {
          result.put("cleanedRows", session.deleteRunUsers());
        } catch (Exception e) {
          session.problems.add("cleanup: " + e);
        }
        result
            .put("problems", session.problems)
            .put("loadAverageAtPhaseStart", session.loadAtPhaseStart)
            .put("loadAverageAtEnd", Session.loadAverage())
            .put("finishedAt", Instant.now().toString());
        Session.write(settings.out(), result);
      }
    }
  }

  private void measure(JsonObject result) throws Exception {
    List<String> pool =
        new ArrayList<>(session.db.activeIds(settings.prefix() + CreateMeasurements.DEFAULT_TAG));
    if (pool.size() < settings.clients() * 10) {
      session.problem(
          "mixed load", "not enough created users for the mixed load (" + pool.size() + ")");
      return;
    }
    Collections.shuffle(pool, new Random());
    ServiceHttp baseline =
        settings.baselineUrl() == null
            ? null
            : new ServiceHttp(
                settings.baselineUrl(), session.authorization, settings.requestTimeout());
    if (baseline != null) {
      session.phase("baseline warm-up", () -> WarmUp.run(session, baseline, "bwarm"));
    }
    session.phase("mixed", () -> rounds(pool, baseline, result));
  }

  private void rounds(List<String> pool, ServiceHttp baseline, JsonObject result) throws Exception {
    double roundSeconds = (double) settings.durationSeconds() / settings.mixedRounds();
    String prefix = settings.prefix();
    int clients = settings.clients();
    ServiceLog.Blocked blocked0 = ServiceLog.blocked(settings.serviceLog());
    ServiceLog.Blocked baselineBlocked0 = ServiceLog.blocked(settings.baselineLog());
    LoadRound.run(session.service, prefix, pool, clients, Math.min(10, roundSeconds), "mixNw");
    if (baseline != null) {
      LoadRound.run(baseline, prefix, pool, clients, Math.min(10, roundSeconds), "mixBw");
    }
    List<LoadRound.Result> service = new ArrayList<>();
    List<LoadRound.Result> base = new ArrayList<>();
    for (int r = 0; r < settings.mixedRounds(); r++) {
      boolean serviceFirst = r % 2 == 0;
      if (serviceFirst) {
        service.add(
            LoadRound.run(session.service, prefix, pool, clients, roundSeconds, "mixN" + r));
      }
      if (baseline != null) {
        base.add(LoadRound.run(baseline, prefix, pool, clients, roundSeconds, "mixB" + r));
      }
      if (!serviceFirst) {
        service.add(
            LoadRound.run(session.service, prefix, pool, clients, roundSeconds, "mixN" + r));
      }
      Env.log(
          String.format(
              "  round %d: %.1f req/s%s",
              r,
              service.get(r).requestsPerSecond(),
              baseline == null
                  ? ""
                  : String.format(", baseline %.1f req/s", base.get(r).requestsPerSecond())));
    }
    JsonObject mixed =
        totals(service, ServiceLog.blocked(settings.serviceLog()).since(blocked0))
            .put("clients", clients)
            .put("rounds", settings.mixedRounds())
            .put("roundSeconds", Stats.round(roundSeconds))
            .put("mix", LoadRound.MIX);
    if (baseline != null) {
      List<Double> ratios = new ArrayList<>();
      for (int r = 0; r < service.size(); r++) {
        ratios.add(service.get(r).requestsPerSecond() / base.get(r).requestsPerSecond());
      }
      mixed.put(
          "baseline",
          totals(base, ServiceLog.blocked(settings.baselineLog()).since(baselineBlocked0))
              .put("url", settings.baselineUrl())
              .put("jar", Env.text("BASELINE_JAR", null)));
      mixed.put(
          "vsBaseline",
          new JsonObject()
              .put("roundRatios", Stats.rounded(ratios))
              .put("medianRatio", Stats.round(Stats.median(ratios))));
    }
    result.put("mixed", mixed);
    Env.log("  mixed: " + mixed.encode());
  }

  /**
   * One service's rounds together: latency percentiles over every request, rates over the rounds'
   * time.
   */
  private static JsonObject totals(List<LoadRound.Result> rounds, ServiceLog.Blocked blocked) {
    double seconds = 0;
    long items = 0;
    long errors = 0;
    List<String> errorSamples = new ArrayList<>();
    List<Double> all = new ArrayList<>();
    List<Double> perRound = new ArrayList<>();
    JsonObject perOperation = new JsonObject();
    for (int op = 0; op < LoadRound.OPERATIONS.length; op++) {
      List<Double> latencies = new ArrayList<>();
      for (LoadRound.Result round : rounds) {
        latencies.addAll(round.latencies().get(op));
      }
      all.addAll(latencies);
      perOperation.put(
          LoadRound.OPERATIONS[op],
          new JsonObject()
              .put("requests", latencies.size())
              .put("p50", Stats.round(Stats.percentile(latencies, 50)))
              .put("p99", Stats.round(Stats.percentile(latencies, 99)))
              .put("max", Stats.round(Stats.max(latencies))));
    }
    for (LoadRound.Result round : rounds) {
      seconds += round.seconds();
      items += round.items();
      errors += round.errors();
      perRound.add(round.requestsPerSecond());
      round.errorSamples().stream().limit(10 - errorSamples.size()).forEach(errorSamples::add);
    }
    return new JsonObject()
        .put("durationSeconds", Stats.round(seconds))
        .put("requests", all.size())
        .put("requestsPerSecond", Stats.round(all.size() / seconds))
        .put("roundRequestsPerSecond", Stats.rounded(perRound))
        .put("itemsPerSecond", Stats.round(items / seconds))
        .put("p50", Stats.round(Stats.percentile(all, 50)))
        .put("p99", Stats.round(Stats.percentile(all, 99)))
        .put("max", Stats.round(Stats.max(all)))
        .put("errors", errors)
        .put("errorSamples", new JsonArray(errorSamples))
        .put("blockedWarnings", blocked.total())
        .put("blockedWarningsEventLoop", blocked.eventLoop())
        .put("perOperation", perOperation);
  }
}
