package dev.userbatch.bench;

import io.vertx.core.Vertx;
import java.util.List;

/**
 * Removes what a run leaves in the service's database and cache: its users (email prefix) and its
 * COPY table.
 */
final class Leftovers {
  private static final int KEYS_PER_DEL = 1000;

  private Leftovers() {}

  /**
   * Deletes every user (and cache entry) whose email starts with {@code prefix}; returns how many
   * rows went.
   */
  static long users(BenchDb db, BenchRedis redis, String prefix) throws Exception {
    List<String> ids = db.deleteUsers(prefix);
    for (int from = 0; from < ids.size(); from += KEYS_PER_DEL) {
      redis.delete(ids.subList(from, Math.min(ids.size(), from + KEYS_PER_DEL)));
    }
    return ids.size();
  }

  /**
   * Everything of run RUN_ID: run by bench/run.sh on exit, also after a killed or timed-out run.
   */
  static void ofRun(Settings settings) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (BenchDb db = BenchDb.connect(settings.pgUrl());
        BenchRedis redis = BenchRedis.connect(vertx, settings.redisUrl())) {
      long rows = users(db, redis, settings.prefix());
      db.exec("DROP TABLE IF EXISTS " + settings.copyTable());
      Env.log("cleanup of run " + settings.run() + ": " + rows + " leftover rows deleted");
    } finally {
      vertx.close();
    }
  }
}
