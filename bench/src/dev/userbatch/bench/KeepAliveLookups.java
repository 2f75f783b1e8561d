package dev.userbatch.bench;

import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 14's small lookups, each over one keep-alive connection and interleaved with its ceiling so
 * that both see the same moment of a shared machine: GET lookups of 300 warm ids against one MGET
 * of their 300 cache keys, and GET lookups of one warm id against the service's own {@code
 * /health/live} on the same connection.
 */
final class KeepAliveLookups {
  static final int MANY = 300;
  private static final int UNMEASURED = 20;

  private KeepAliveLookups() {}

  static void run(Session session, List<String> created) throws Exception {
    if (created.size() < 1000 + MANY + 1) {
      throw new IllegalStateException("not enough created users for the keep-alive lookups");
    }
    // users the 1,000-id lookups did not touch
    List<String> many = List.copyOf(created.subList(1000, 1000 + MANY));
    String one = created.get(1000 + MANY);
    String manyPath = Payloads.lookupQuery(many);
    String onePath = Payloads.lookupQuery(List.of(one));
    Request mget = BenchRedis.mget(many);
    int reps = session.settings.keepAliveReps();
    Figures figures = session.figures;
    List<Double> manyMs = new ArrayList<>();
    List<Double> mgetMs = new ArrayList<>();
    List<Double> oneMs = new ArrayList<>();
    List<Double> liveMs = new ArrayList<>();
    try (KeepAliveConnection connection =
        KeepAliveConnection.open(
            session.vertx, session.settings.baseUrl(), session.authorization)) {
      for (int i = 0; i < UNMEASURED; i++) {
        connection.get(manyPath);
        connection.get(onePath);
        connection.get("/health/live");
        session.redis.timedMget(mget, MANY);
      }
      int cached = session.redis.cached(many) + session.redis.cached(List.of(one));
      if (cached != MANY + 1) {
        session.problem(
            "keep-alive lookups",
            "only " + cached + " of " + (MANY + 1) + " users cached after the warm-up");
        figures.failed("lookupWarm300Get");
        figures.failed("lookupWarm1Get");
      }
      for (int rep = 0; rep < reps; rep++) {
        figures.sample(
            manyMs,
            session.expectAll("GET lookup 300 rep " + rep, connection.get(manyPath), MANY),
            "lookupWarm300Get");
        LookupMeasurements.sampleMget(
            session, mget, MANY, mgetMs, "mget300", "MGET 300 rep " + rep);
        Reply live = connection.get("/health/live");
        if (live.status() == 200) {
          liveMs.add(live.ms());
        } else {
          session.problem(
              "GET /health/live rep " + rep,
              live.error() != null ? live.error() : "HTTP " + live.status());
          figures.failed("healthLive");
        }
        figures.sample(
            oneMs,
            session.expectAll("GET lookup 1 rep " + rep, connection.get(onePath), 1),
            "lookupWarm1Get");
      }
    }
    figures.put(
        "lookupWarm300Get", "GET lookup of 300 warm ids, one keep-alive connection", "ms", manyMs);
    figures.put("mget300", "raw MGET of the same 300 keys (Vert.x Redis client)", "ms", mgetMs);
    figures.put(
        "lookupWarm1Get", "GET lookup of 1 warm id, one keep-alive connection", "ms", oneMs);
    figures.put("healthLive", "GET /health/live on the same connection", "ms", liveMs);
    Env.log(
        String.format(
            "  medians: GET 300 %.2f ms, MGET 300 %.2f ms, GET 1 %.2f ms, /health/live %.2f ms (%d reps)",
            Stats.median(manyMs),
            Stats.median(mgetMs),
            Stats.median(oneMs),
            Stats.median(liveMs),
            reps));
  }
}
