package dev.userbatch.runner;

import dev.userbatch.batch.ChunkItem;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserId;
import dev.userbatch.cache.UserCache;
import dev.userbatch.user.User;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A lookup of a single chunk answered from the cache where the request runs, without the hand-off
 * to a chunk worker and back: the Redis client does not block the event loop, and decoding a chunk
 * of cached users costs less than the two thread hand-offs (measured in bench/README.md). Only a
 * chunk whose every id is in the cache (a user or a tombstone) is answered here; a chunk with a
 * miss, or a cache that cannot be read, goes to the worker as before, which reads the cache again
 * and PostgreSQL for the misses. The cache is read as the worker reads it (one MGET, the same
 * generation and tombstone rules, {@link UserCache#getAllIfEveryHit}), and hits are counted only
 * for a chunk answered here, so the cache metrics count each lookup once.
 */
final class CachedLookup {
  private final UserCache cache;

  CachedLookup(UserCache cache) {
    this.cache = cache;
  }

  /** The chunk's result when the cache holds every id; null otherwise (send it to a worker). */
  <T extends ChunkItem> Future<ChunkResult> answer(
      Operation operation, List<PreparedItem<T>> items) {
    if (operation.kind() != Operation.Kind.LOOKUP || items.isEmpty()) {
      return Future.succeededFuture();
    }
    List<UUID> ids = new ArrayList<>(items.size());
    for (PreparedItem<T> item : items) {
      if (!(item.value() instanceof UserId id)) {
        return Future.succeededFuture();
      }
      ids.add(id.id());
    }
    return cache
        .getAllIfEveryHit(ids)
        .map(entries -> entries == null ? null : result(ids, entries));
  }

  private static ChunkResult result(List<UUID> ids, Map<UUID, UserCache.Entry> entries) {
    List<User> data = new ArrayList<>(ids.size());
    List<UUID> missing = new ArrayList<>();
    for (UUID id : ids) {
      UserCache.Entry entry = entries.get(id);
      if (entry.deleted()) {
        missing.add(id);
      } else {
        data.add(entry.user());
      }
    }
    return new ChunkResult(data, List.of(), missing);
  }
}
