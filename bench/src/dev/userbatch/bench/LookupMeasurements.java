package dev.userbatch.bench;

import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;

/**
 * Measurement 3: lookups (POST) of 1,000 ids, cold (their cache entries deleted first) and warm, at
 * chunkSize 1000 and at the default, against one MGET of the same 1,000 cache keys over the
 * service's Redis client library.
 */
final class LookupMeasurements {
  private static final int IDS = 1000;
  private static final String PATH = "/batch/users/lookup";

  private LookupMeasurements() {}

  static void run(Session session, List<String> created) throws Exception {
    if (created.size() < IDS) {
      throw new IllegalStateException("no 1,000 created users to look up");
    }
    List<String> ids = List.copyOf(created.subList(0, IDS));
    int reps = session.settings.lookupReps();
    Figures figures = session.figures;
    for (Integer chunk : new Integer[] {1000, null}) {
      String tag = chunk == null ? "Default" : "Chunk" + chunk;
      String label = chunk == null ? "default chunkSize" : "chunkSize " + chunk;
      String body = Payloads.lookup(ids, chunk).encode();
      for (int i = 0; i < 2; i++) { // warm-up
        session.redis.delete(ids);
        session.service.call("POST", PATH, body);
        session.service.call("POST", PATH, body);
      }
      List<Double> cold = new ArrayList<>();
      List<Double> warm = new ArrayList<>();
      for (int rep = 0; rep < reps; rep++) {
        session.redis.delete(ids);
        int before = session.redis.cached(ids);
        Checked c =
            session.expectAll(
                "cold lookup " + label + " rep " + rep,
                session.service.call("POST", PATH, body),
                IDS);
        int after = session.redis.cached(ids);
        Checked w =
            session.expectAll(
                "warm lookup " + label + " rep " + rep,
                session.service.call("POST", PATH, body),
                IDS);
        figures.sample(cold, c, "lookupCold" + tag);
        figures.sample(warm, w, "lookupWarm" + tag);
        if (rep < 3 || rep == reps - 1) {
          Env.log(
              String.format(
                  "  %s rep %d: cold %.1f ms (cached before %d, after %d), warm %.1f ms",
                  label, rep, c.ms(), before, after, w.ms()));
        }
        if (before != 0 || after != IDS) {
          session.problem(
              "lookup " + label + " rep " + rep,
              "cache not as expected: "
                  + before
                  + " keys cached before the cold lookup, "
                  + after
                  + " after it");
          figures.failed("lookupCold" + tag);
        }
      }
      figures.put("lookupCold" + tag, "lookup 1000 ids cold, " + label, "ms", cold);
      figures.put("lookupWarm" + tag, "lookup 1000 ids warm, " + label, "ms", warm);
    }
    mget(session, ids, reps, "mget1000", "raw MGET of the same 1000 keys (Vert.x Redis client)");
  }

  /**
   * The ceiling of a warm lookup: one MGET of the same keys, {@code reps} times after five
   * unmeasured.
   */
  private static void mget(Session session, List<String> ids, int reps, String id, String label)
      throws Exception {
    Request mget = BenchRedis.mget(ids);
    for (int i = 0; i < 5; i++) {
      session.redis.timedMget(mget, ids.size());
    }
    List<Double> times = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      sampleMget(session, mget, ids.size(), times, id, "MGET rep " + rep);
    }
    Env.log("  MGET of " + ids.size() + " keys: " + times + " ms");
    session.figures.put(id, label, "ms", times);
  }

  /** One timed MGET added to {@code samples}, or a failure of figure {@code id}. */
  static void sampleMget(
      Session session, Request mget, int keys, List<Double> samples, String id, String what)
      throws Exception {
    double ms = session.redis.timedMget(mget, keys);
    if (Double.isNaN(ms)) {
      session.problem(what, "not one value per key");
      session.figures.failed(id);
    } else {
      samples.add(ms);
    }
  }
}
