package dev.userbatch.bench;

import dev.userbatch.cache.UserCache;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.UUID;

/**
 * One Redis connection (the service's client library) to the service's user cache, keyed as the
 * service keys it.
 */
final class BenchRedis implements AutoCloseable {
  private final RedisConnection redis;

  private BenchRedis(RedisConnection redis) {
    this.redis = redis;
  }

  static BenchRedis connect(Vertx vertx, String url) throws Exception {
    return new BenchRedis(
        Await.result(
            Redis.createClient(vertx, new RedisOptions().setConnectionString(url)).connect()));
  }

  /**
   * The physical ceiling of a cached lookup: one MGET of the users' cache keys. Returns the
   * milliseconds from sending it until the reply is on the event loop, or NaN if the reply does not
   * have one value per key.
   */
  double timedMget(Request mget, int keys) throws Exception {
    long t0 = System.nanoTime();
    return Await.result(
        redis
            .send(mget)
            .map(reply -> reply.size() == keys ? (System.nanoTime() - t0) / 1e6 : Double.NaN));
  }

  static Request mget(List<String> ids) {
    Request mget = Request.cmd(Command.MGET);
    ids.forEach(id -> mget.arg(UserCache.key(UUID.fromString(id))));
    return mget;
  }

  /** Removes the users' cache entries, so the next lookup of them is cold. */
  void delete(List<String> ids) throws Exception {
    Request del = Request.cmd(Command.DEL);
    ids.forEach(id -> del.arg(UserCache.key(UUID.fromString(id))));
    Await.result(redis.send(del));
  }

  /** How many of the users have a cache entry. */
  int cached(List<String> ids) throws Exception {
    Response values = Await.result(redis.send(mget(ids)));
    int found = 0;
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) != null) {
        found++;
      }
    }
    return found;
  }

  @Override
  public void close() {
    redis.close();
  }
}
