package dev.userbatch.cache;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Redis cache of public user views, one round trip per chunk (MGET, or a pipelined batch of
 * writes). The cache is an optimisation only: when Redis fails or is slow, reads fall back to
 * PostgreSQL and writes are skipped; the failure is logged and counted, never returned.
 */
public final class UserCache {
  private static final Logger LOG = LoggerFactory.getLogger(UserCache.class);
  public static final String KEY_PREFIX = "user:";
  private static final AtomicLong ERRORS = new AtomicLong();

  private final Redis redis;
  private final int ttlSeconds;
  private final long timeoutMs;

  public UserCache(Redis redis, int ttlSeconds, long timeoutMs) {
    this.redis = redis;
    this.ttlSeconds = ttlSeconds;
    this.timeoutMs = timeoutMs;
  }

  public static String key(UUID id) {
    return KEY_PREFIX + id;
  }

  /** Cache failures since start, across all instances in this JVM. */
  public static long errorCount() {
    return ERRORS.get();
  }

  /** The cached users among {@code ids}; on a cache failure, an empty map (all misses). */
  public Future<Map<UUID, JsonObject>> getAll(List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Request mget = Request.cmd(Command.MGET);
    ids.forEach(id -> mget.arg(key(id)));
    return redis.send(mget)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(response -> {
          Map<UUID, JsonObject> hits = new HashMap<>();
          for (int i = 0; i < ids.size(); i++) {
            Response value = response.get(i);
            if (value != null) {
              hits.put(ids.get(i), new JsonObject(value.toBuffer()));
            }
          }
          return hits;
        })
        .recover(err -> {
          failed("read", ids.size(), err);
          return Future.succeededFuture(Map.of());
        });
  }

  /** Writes the users with the configured TTL in one pipelined batch. */
  public Future<Void> putAll(List<JsonObject> users) {
    if (users.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Request> writes = new ArrayList<>(users.size());
    for (JsonObject user : users) {
      writes.add(Request.cmd(Command.SET)
          .arg(KEY_PREFIX + user.getString("id"))
          .arg(user.toBuffer())
          .arg("EX")
          .arg(ttlSeconds));
    }
    return batch("write", writes);
  }

  /** Removes the users' entries in one command. */
  public Future<Void> removeAll(List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    Request del = Request.cmd(Command.DEL);
    ids.forEach(id -> del.arg(key(id)));
    return batch("remove", List.of(del));
  }

  private Future<Void> batch(String what, List<Request> requests) {
    return redis.batch(requests)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(err -> {
          failed(what, requests.size(), err);
          return Future.succeededFuture();
        });
  }

  private void failed(String what, int size, Throwable err) {
    ERRORS.incrementAndGet();
    LOG.warn("Cache {} of {} entries failed, continuing without the cache: {}", what, size, err.toString());
  }
}
