package dev.userbatch.cache;

import dev.userbatch.metrics.BatchMetrics;
import dev.userbatch.user.User;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis cache of public user views, one round trip per chunk.
 *
 * <p>Entries are stored as {@code <version>|<generation>|<json>} and written by a script that keeps
 * the higher version: a lookup that read a row just before an update committed cannot put the old
 * row back over the update's write-through. A soft delete writes a tombstone with the deleted row's
 * version for the same reason; lookups treat a tombstone as "not found".
 *
 * <p>An entry written under an older generation than the counter {@value CacheGeneration#KEY} is a
 * miss. When a write-through after a committed change fails (Redis down or slow), the entry it
 * should have replaced may be stale: the process stops using the cache until it has bumped the
 * generation, which invalidates every entry at once (see {@link CacheGeneration}). A new process
 * bumps it once before its first cache use, since it cannot vouch for what Redis kept.
 *
 * <p>The cache is an optimisation only: when Redis fails or is slow, reads fall back to PostgreSQL
 * and writes are skipped; the failure is logged and counted, never returned.
 */
public final class UserCache {
  private static final Logger LOG = LoggerFactory.getLogger(UserCache.class);
  public static final String KEY_PREFIX = "user:";

  /**
   * KEYS[1]: the generation counter; KEYS[2..]: the entries; ARGV[1]: ttl seconds; ARGV[2i],
   * ARGV[2i+1]: version and value of KEYS[i+1]. An entry of an older generation is replaced
   * whatever its version.
   */
  static final String PUT_IF_NEWER =
      """
      local ttl = ARGV[1]
      local generation = redis.call('GET', KEYS[1]) or '0'
      for i = 2, #KEYS do
        local key = KEYS[i]
        local version = tonumber(ARGV[2 * i - 2])
        local current = redis.call('GET', key)
        local currentVersion = -1
        if current then
          local v, g = string.match(current, '^(%d+)|(%d+)|')
          if g == generation then currentVersion = tonumber(v) end
        end
        if version >= currentVersion then
          redis.call('SET', key, ARGV[2 * i - 2] .. '|' .. generation .. '|' .. ARGV[2 * i - 1], 'EX', ttl)
        end
      end
      return #KEYS - 1
      """;

  private final Redis redis;
  private final int ttlSeconds;
  private final long timeoutMs;
  private final BatchMetrics metrics;
  private final CacheGeneration generation;

  public UserCache(
      Redis redis,
      int ttlSeconds,
      long timeoutMs,
      BatchMetrics metrics,
      CacheGeneration generation) {
    this.redis = redis;
    this.ttlSeconds = ttlSeconds;
    this.timeoutMs = timeoutMs;
    this.metrics = metrics;
    this.generation = generation;
  }

  public static String key(UUID id) {
    return KEY_PREFIX + id;
  }

  /** What the cache knows about one user: its view, or that it is deleted. */
  public record Entry(User user, boolean deleted) {}

  /** The cached entries among {@code ids}; on a cache failure, an empty map (all misses). */
  public Future<Map<UUID, Entry>> getAll(List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return read(ids)
        .map(
            hits -> {
              metrics.cacheHits(hits.size());
              metrics.cacheMisses(ids.size() - hits.size());
              return hits;
            })
        .recover(
            err -> {
              failed("read", ids.size(), err);
              metrics.cacheMisses(ids.size());
              return Future.succeededFuture(Map.of());
            });
  }

  /**
   * The entries of {@code ids} when every one is cached (counted as hits); otherwise, or when the
   * cache cannot be read, null, and nothing is counted or logged: the caller asks {@link #getAll}
   * next, which does both.
   */
  public Future<Map<UUID, Entry>> getAllIfEveryHit(List<UUID> ids) {
    return read(ids)
        .map(
            hits -> {
              if (hits.size() < ids.size()) {
                return null;
              }
              metrics.cacheHits(hits.size());
              return hits;
            })
        .otherwiseEmpty();
  }

  private Future<Map<UUID, Entry>> read(List<UUID> ids) {
    Request mget = Request.cmd(Command.MGET);
    ids.forEach(id -> mget.arg(key(id)));
    return ensureGeneration()
        .compose(
            ignored ->
                redis.batch(List.of(Request.cmd(Command.GET).arg(CacheGeneration.KEY), mget)))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(
            responses -> {
              String current = responses.get(0) == null ? "0" : responses.get(0).toString();
              Response values = responses.get(1);
              Map<UUID, Entry> hits = new HashMap<>();
              for (int i = 0; i < ids.size(); i++) {
                Response value = values.get(i);
                Entry entry = value == null ? null : decode(value.toBuffer(), current);
                if (entry != null) {
                  hits.put(ids.get(i), entry);
                }
              }
              return hits;
            });
  }

  /**
   * Lookup write-back: caches users just read from PostgreSQL. A failure loses nothing (the entries
   * simply stay missing).
   */
  public Future<Void> fill(List<User> users) {
    return write("fill", users, users.stream().map(User::toJson).toList(), false);
  }

  /**
   * Write-through after a committed change: the users' new views replace older entries. A failure
   * may leave an older entry behind, so it forces a generation bump.
   */
  public Future<Void> putAll(List<User> users) {
    return write("write", users, users.stream().map(User::toJson).toList(), true);
  }

  /** Replaces the entries of deleted users by tombstones carrying the deleted row's version. */
  public Future<Void> markDeleted(List<User> deletedUsers) {
    List<JsonObject> tombstones =
        deletedUsers.stream()
            .map(user -> new JsonObject().put("id", user.id().toString()).put("deleted", true))
            .toList();
    return write("tombstone", deletedUsers, tombstones, true);
  }

  private Future<Void> write(
      String what, List<User> users, List<JsonObject> values, boolean invalidates) {
    if (users.isEmpty()) {
      return Future.succeededFuture();
    }
    Request eval =
        Request.cmd(Command.EVAL).arg(PUT_IF_NEWER).arg(users.size() + 1).arg(CacheGeneration.KEY);
    users.forEach(user -> eval.arg(key(user.id())));
    eval.arg(ttlSeconds);
    for (int i = 0; i < users.size(); i++) {
      eval.arg(users.get(i).version()).arg(values.get(i).toBuffer());
    }
    return ensureGeneration()
        .compose(ignored -> redis.send(eval))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(
            err -> {
              if (invalidates) {
                generation.markBumpPending();
              }
              failed(what, users.size(), err);
              return Future.succeededFuture();
            });
  }

  /**
   * A chunk's COMMIT may or may not have happened: its users' entries may be stale, exactly as
   * after a lost write-through. The generation is bumped now (best effort, so that every instance
   * stops serving the old entries at once); if Redis cannot be reached the bump stays pending and
   * this process does not use the cache until it succeeds.
   */
  public Future<Void> invalidateAfterUnknownCommit(int users) {
    generation.markBumpPending();
    LOG.warn("A chunk of {} users has an unknown commit outcome: invalidating the cache", users);
    return ensureGeneration()
        .recover(
            err -> {
              failed("invalidation", users, err);
              return Future.succeededFuture();
            });
  }

  /**
   * Bumps the generation first if an earlier write-through was lost; fails while that is
   * impossible.
   */
  private Future<Void> ensureGeneration() {
    if (!generation.bumpPending()) {
      return Future.succeededFuture();
    }
    long mark = generation.pendingMark();
    return redis
        .send(Request.cmd(Command.INCR).arg(CacheGeneration.KEY))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(
            response -> {
              generation.bumped(mark);
              LOG.info(
                  "Cache generation bumped to {} (process start or a lost write): older entries are now misses",
                  response);
              return null;
            });
  }

  /** The entry, or null when it belongs to an older generation. */
  static Entry decode(Buffer stored, String currentGeneration) {
    String text = stored.toString();
    int first = text.indexOf('|');
    int second = text.indexOf('|', first + 1);
    if (!text.substring(first + 1, second).equals(currentGeneration)) {
      return null;
    }
    JsonObject json = new JsonObject(text.substring(second + 1));
    return json.getBoolean("deleted", false)
        ? new Entry(null, true)
        : new Entry(User.fromJson(json), false);
  }

  private void failed(String what, int size, Throwable err) {
    metrics.cacheError();
    LOG.warn(
        "Cache {} of {} entries failed, continuing without the cache: {}",
        what,
        size,
        err.toString());
  }
}
