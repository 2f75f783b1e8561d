package dev.userbatch.cache;

import dev.userbatch.metrics.BatchMetrics;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Redis cache of public user views, one round trip per chunk.
 *
 * <p>Entries are stored as {@code <version>|<json>} and written by a script that keeps the higher
 * version: a lookup that read a row just before an update committed cannot put the old row back
 * over the update's write-through. A soft delete writes a tombstone with the deleted row's version
 * for the same reason; lookups treat a tombstone as "not found".
 *
 * <p>The cache is an optimisation only: when Redis fails or is slow, reads fall back to
 * PostgreSQL and writes are skipped; the failure is logged and counted, never returned.
 */
public final class UserCache {
  private static final Logger LOG = LoggerFactory.getLogger(UserCache.class);
  public static final String KEY_PREFIX = "user:";

  /** KEYS: the entries; ARGV[1]: ttl seconds; ARGV[2i], ARGV[2i+1]: version and value of KEYS[i]. */
  static final String PUT_IF_NEWER = """
      local ttl = ARGV[1]
      for i, key in ipairs(KEYS) do
        local version = tonumber(ARGV[2 * i])
        local current = redis.call('GET', key)
        local currentVersion = current and tonumber(string.match(current, '^(%d+)|')) or -1
        if version >= currentVersion then
          redis.call('SET', key, ARGV[2 * i] .. '|' .. ARGV[2 * i + 1], 'EX', ttl)
        end
      end
      return #KEYS
      """;

  private final Redis redis;
  private final int ttlSeconds;
  private final long timeoutMs;
  private final BatchMetrics metrics;

  public UserCache(Redis redis, int ttlSeconds, long timeoutMs, BatchMetrics metrics) {
    this.redis = redis;
    this.ttlSeconds = ttlSeconds;
    this.timeoutMs = timeoutMs;
    this.metrics = metrics;
  }

  public static String key(UUID id) {
    return KEY_PREFIX + id;
  }

  /** What the cache knows about one user: its view, or that it is deleted. */
  public record Entry(JsonObject user, boolean deleted) {
  }

  /** The cached entries among {@code ids}; on a cache failure, an empty map (all misses). */
  public Future<Map<UUID, Entry>> getAll(List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Request mget = Request.cmd(Command.MGET);
    ids.forEach(id -> mget.arg(key(id)));
    return redis.send(mget)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(response -> {
          Map<UUID, Entry> hits = new HashMap<>();
          for (int i = 0; i < ids.size(); i++) {
            Response value = response.get(i);
            if (value != null) {
              hits.put(ids.get(i), decode(value.toBuffer()));
            }
          }
          metrics.cacheHits(hits.size());
          metrics.cacheMisses(ids.size() - hits.size());
          return hits;
        })
        .recover(err -> {
          failed("read", ids.size(), err);
          metrics.cacheMisses(ids.size());
          return Future.succeededFuture(Map.of());
        });
  }

  /** Writes the users (with their version) unless the cache already holds a newer version. */
  public Future<Void> putAll(List<JsonObject> users) {
    if (users.isEmpty()) {
      return Future.succeededFuture();
    }
    Request eval = script(users.size());
    users.forEach(user -> eval.arg(key(UUID.fromString(user.getString("id")))));
    eval.arg(ttlSeconds);
    users.forEach(user -> eval.arg(user.getInteger("version")).arg(user.toBuffer()));
    return run("write", users.size(), eval);
  }

  /** Replaces the entries of deleted users by tombstones carrying the deleted row's version. */
  public Future<Void> markDeleted(List<JsonObject> deletedUsers) {
    if (deletedUsers.isEmpty()) {
      return Future.succeededFuture();
    }
    Request eval = script(deletedUsers.size());
    deletedUsers.forEach(user -> eval.arg(key(UUID.fromString(user.getString("id")))));
    eval.arg(ttlSeconds);
    deletedUsers.forEach(user -> eval.arg(user.getInteger("version"))
        .arg(new JsonObject().put("id", user.getString("id")).put("deleted", true).toBuffer()));
    return run("tombstone", deletedUsers.size(), eval);
  }

  private static Request script(int keys) {
    return Request.cmd(Command.EVAL).arg(PUT_IF_NEWER).arg(keys);
  }

  private Future<Void> run(String what, int size, Request request) {
    return redis.send(request)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(err -> {
          failed(what, size, err);
          return Future.succeededFuture();
        });
  }

  static Entry decode(Buffer stored) {
    String text = stored.toString();
    int bar = text.indexOf('|');
    JsonObject json = new JsonObject(text.substring(bar + 1));
    return json.getBoolean("deleted", false) ? new Entry(null, true) : new Entry(json, false);
  }

  private void failed(String what, int size, Throwable err) {
    metrics.cacheError();
    LOG.warn("Cache {} of {} entries failed, continuing without the cache: {}", what, size, err.toString());
  }
}
