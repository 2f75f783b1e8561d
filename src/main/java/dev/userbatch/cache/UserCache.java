package dev.userbatch.cache;

import dev.userbatch.metrics.BatchMetrics;
import dev.userbatch.user.User;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.SqlClient;
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
 * <p>Every read and write goes with a generation {@linkplain #observe() observed} before the data
 * was read from PostgreSQL or committed: an entry of an older generation than the reader's is a
 * miss. A write-through lost after a commit bumps the cluster's generation in PostgreSQL before the
 * chunk answers (see {@link CacheGeneration}), so that no node serves the entry it failed to
 * replace.
 *
 * <p>The cache is an optimisation only: when Redis fails or is slow, reads fall back to PostgreSQL
 * and writes are skipped; the failure is logged and counted, never returned.
 */
public final class UserCache {
  private static final Logger LOG = LoggerFactory.getLogger(UserCache.class);
  public static final String KEY_PREFIX = "user:";

  /** The generation of a cache that must not be used now (the generation could not be read). */
  public static final long UNUSABLE = -1;

  private final Vertx vertx;
  private final Redis redis;
  private final SqlClient generationClient;
  private final int ttlSeconds;
  private final long timeoutMs;
  private final BatchMetrics metrics;
  private final CacheGeneration generation;

  public UserCache(
      Vertx vertx,
      Redis redis,
      SqlClient generationClient,
      int ttlSeconds,
      long timeoutMs,
      BatchMetrics metrics,
      CacheGeneration generation) {
    this.vertx = vertx;
    this.redis = redis;
    this.generationClient = generationClient;
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

  /**
   * The generation to read with and to tag later writes with; observe it before reading the data
   * (or opening the transaction) that will be written. {@link #UNUSABLE} when it cannot be known
   * (then reads miss and writes are skipped), or while a bump this process owes has not been made.
   */
  public Future<Long> observe() {
    return observe(true);
  }

  /**
   * {@link #observe()} before a write chunk's transaction: waits as long as PostgreSQL takes (the
   * transaction would wait as long), since a generation not known in time means a skipped
   * write-through, hence a bump and a 1 s wait, while a lookup merely reads PostgreSQL instead.
   */
  public Future<Long> observeBeforeWrite() {
    return observe(false);
  }

  private Future<Long> observe(boolean withCacheTimeout) {
    Future<Long> observed =
        generation
            .settlePending(generationClient)
            .compose(ignored -> generation.observe(generationClient));
    return (withCacheTimeout ? observed.timeout(timeoutMs, TimeUnit.MILLISECONDS) : observed)
        .recover(
            err -> {
              failed("generation read", 0, err);
              return Future.succeededFuture(UNUSABLE);
            });
  }

  /** The cached entries among {@code ids}; on a cache failure, an empty map (all misses). */
  public Future<Map<UUID, Entry>> getAll(List<UUID> ids, long observed) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    if (observed == UNUSABLE) {
      metrics.cacheMisses(ids.size());
      return Future.succeededFuture(Map.of());
    }
    return read(ids, observed)
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
   * The entries of {@code ids} when every one is cached under the current generation (counted as
   * hits); otherwise, or when the cache cannot be read, null, and nothing is counted or logged: the
   * caller asks {@link #getAll} next (through a worker), which does both.
   */
  public Future<Map<UUID, Entry>> getAllIfEveryHit(List<UUID> ids) {
    return observe()
        .compose(
            observed ->
                observed == UNUSABLE
                    ? Future.<Map<UUID, Entry>>succeededFuture()
                    : read(ids, observed))
        .map(
            hits -> {
              if (hits == null || hits.size() < ids.size()) {
                return null;
              }
              metrics.cacheHits(hits.size());
              return hits;
            })
        .otherwiseEmpty();
  }

  /** One MGET; entries older than the {@code observed} generation are left out (misses). */
  private Future<Map<UUID, Entry>> read(List<UUID> ids, long observed) {
    Request mget = Request.cmd(Command.MGET);
    ids.forEach(id -> mget.arg(key(id)));
    return redis
        .send(mget)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(
            values -> {
              Map<UUID, Entry> hits = new HashMap<>();
              for (int i = 0; i < ids.size(); i++) {
                Response value = values.get(i);
                Entry entry =
                    value == null ? null : StoredEntries.decode(value.toBuffer(), observed);
                if (entry != null) {
                  hits.put(ids.get(i), entry);
                }
              }
              return hits;
            });
  }

  /**
   * Lookup write-back: caches users read from PostgreSQL after {@code observed} was observed. A
   * failure loses nothing (the entries simply stay missing).
   */
  public Future<Void> fill(List<User> users, long observed) {
    return write("fill", users, users.stream().map(User::toJson).toList(), false, observed);
  }

  /**
   * Write-through after a committed change whose transaction opened after {@code observed} was
   * observed: the users' new views replace older entries. A failure may leave an older entry
   * behind, so it bumps the generation before completing.
   */
  public Future<Void> putAll(List<User> users, long observed) {
    return write("write", users, users.stream().map(User::toJson).toList(), true, observed);
  }

  /** Replaces the entries of deleted users by tombstones carrying the deleted row's version. */
  public Future<Void> markDeleted(List<User> deletedUsers, long observed) {
    List<JsonObject> tombstones =
        deletedUsers.stream()
            .map(user -> new JsonObject().put("id", user.id().toString()).put("deleted", true))
            .toList();
    return write("tombstone", deletedUsers, tombstones, true, observed);
  }

  private Future<Void> write(
      String what, List<User> users, List<JsonObject> values, boolean invalidates, long observed) {
    if (users.isEmpty()) {
      return Future.succeededFuture();
    }
    if (observed == UNUSABLE) {
      return invalidates ? invalidate(what + " skipped", users.size()) : Future.succeededFuture();
    }
    Request eval = Request.cmd(Command.EVAL).arg(StoredEntries.PUT_IF_NEWER).arg(users.size());
    users.forEach(user -> eval.arg(key(user.id())));
    eval.arg(ttlSeconds).arg(observed);
    for (int i = 0; i < users.size(); i++) {
      eval.arg(users.get(i).version()).arg(values.get(i).toBuffer());
    }
    return redis
        .send(eval)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(
            err -> {
              failed(what, users.size(), err);
              return invalidates
                  ? invalidate(what + " lost", users.size())
                  : Future.succeededFuture();
            });
  }

  /**
   * A chunk's COMMIT may or may not have happened: its users' entries may be stale, exactly as
   * after a lost write-through.
   */
  public Future<Void> invalidateAfterUnknownCommit(int users) {
    return invalidate("unknown commit outcome", users);
  }

  /**
   * A chunk key that had committed was delivered again: the delivery that committed it may have
   * died before its write-through.
   */
  public Future<Void> invalidateAfterReplay(int users) {
    return invalidate("chunk replayed", users);
  }

  /**
   * Bumps the cluster's generation and waits until no node can still serve an entry from before it;
   * when the bump fails, this process keeps it pending (and does not use the cache until made).
   */
  private Future<Void> invalidate(String why, int users) {
    LOG.warn(
        "Cache entries of {} users may be stale ({}): bumping the cache generation", users, why);
    return generation
        .bumpAndSettle(vertx, generationClient)
        .recover(
            err -> {
              LOG.error(
                  "The cache generation could not be bumped ({}): this node stops using the cache "
                      + "until it can; other nodes may serve the older entries meanwhile",
                  err.toString());
              return Future.succeededFuture();
            });
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
