package dev.userbatch.worker;

import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.cache.UserCache;
import dev.userbatch.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
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
    List<UUID> ids = new ArrayList<>(chunk.items().size());
    for (PreparedItem item : chunk.items()) {
      ids.add(UUID.fromString((String) item.value()));
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
        return Future.succeededFuture(result(ids, found));
      }
      return repository.findActiveByIds(misses).compose(loaded -> {
        loaded.forEach(user -> found.put(UUID.fromString(user.getString("id")), user));
        return cache.fill(loaded).map(ignored -> result(ids, found));
      });
    });
  }

  private static ChunkResult result(List<UUID> ids, Map<UUID, JsonObject> found) {
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
    return new ChunkResult(data, List.of(), missing);
  }
}
