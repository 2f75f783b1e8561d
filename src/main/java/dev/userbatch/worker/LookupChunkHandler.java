package dev.userbatch.worker;

import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.cache.UserCache;
import dev.userbatch.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Cache-aside lookup of one chunk: one MGET, one SELECT for the misses, one scripted write-back
 * of what the SELECT found (a cached tombstone answers "not found" without asking PostgreSQL).
 */
final class LookupChunkHandler implements ChunkHandler {
  private final UserRepository repository;
  private final UserCache cache;

  LookupChunkHandler(UserRepository repository, UserCache cache) {
    this.repository = repository;
    this.cache = cache;
  }

  @Override
  public Future<ChunkResult> process(ChunkRequest chunk, Deadline deadline) {
    ReadItems<UUID> items = ReadItems.ids(chunk);
    List<ItemFailure> unreadable = items.failures();
    List<UUID> ids = items.readable().stream().map(ReadItems.Read::value).toList();
    if (ids.isEmpty()) {
      return Future.succeededFuture(result(ids, Map.of(), unreadable));
    }
    return cache.getAll(ids).compose(entries -> {
      Map<UUID, JsonObject> found = new HashMap<>();
      entries.forEach((id, entry) -> {
        if (!entry.deleted()) {
          found.put(id, entry.user());
        }
      });
      UUID[] misses = ids.stream().filter(id -> !entries.containsKey(id)).toArray(UUID[]::new);
      if (misses.length == 0) {
        return Future.succeededFuture(result(ids, found, unreadable));
      }
      return repository.findActiveByIds(misses).compose(loaded -> {
        loaded.forEach(user -> found.put(UUID.fromString(user.getString("id")), user));
        return cache.fill(loaded).map(ignored -> result(ids, found, unreadable));
      });
    });
  }

  private static ChunkResult result(List<UUID> ids, Map<UUID, JsonObject> found, List<ItemFailure> unreadable) {
    JsonArray data = new JsonArray();
    JsonArray missing = new JsonArray();
    for (UUID id : ids) {
      JsonObject user = found.get(id);
      if (user != null) {
        data.add(user);
      } else {
        missing.add(id.toString());
      }
    }
    return new ChunkResult(data, unreadable, missing);
  }
}
