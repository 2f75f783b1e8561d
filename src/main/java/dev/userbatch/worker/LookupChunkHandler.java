package dev.userbatch.worker;

import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.UserId;
import dev.userbatch.cache.UserCache;
import dev.userbatch.user.User;
import dev.userbatch.user.UserRepository;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Cache-aside lookup of one chunk: one MGET, one SELECT for the misses, one scripted write-back of
 * what the SELECT found (a cached tombstone answers "not found" without asking PostgreSQL), all
 * with the cache generation observed before the SELECT.
 */
final class LookupChunkHandler implements ChunkHandler<UserId> {
  private final UserRepository repository;
  private final UserCache cache;

  LookupChunkHandler(UserRepository repository, UserCache cache) {
    this.repository = repository;
    this.cache = cache;
  }

  @Override
  public Class<UserId> itemType() {
    return UserId.class;
  }

  @Override
  public Future<ChunkResult> process(ChunkRequest<UserId> chunk, Deadline deadline) {
    List<UUID> ids = chunk.items().stream().map(item -> item.value().id()).toList();
    return cache.observe().compose(observed -> lookup(ids, observed));
  }

  private Future<ChunkResult> lookup(List<UUID> ids, long observed) {
    return cache
        .getAll(ids, observed)
        .compose(
            entries -> {
              Map<UUID, User> found = new HashMap<>();
              entries.forEach(
                  (id, entry) -> {
                    if (!entry.deleted()) {
                      found.put(id, entry.user());
                    }
                  });
              UUID[] misses =
                  ids.stream().filter(id -> !entries.containsKey(id)).toArray(UUID[]::new);
              if (misses.length == 0) {
                return Future.succeededFuture(result(ids, found));
              }
              return repository
                  .findActiveByIds(misses)
                  .compose(
                      loaded -> {
                        loaded.forEach(user -> found.put(user.id(), user));
                        return cache.fill(loaded, observed).map(ignored -> result(ids, found));
                      });
            });
  }

  private static ChunkResult result(List<UUID> ids, Map<UUID, User> found) {
    List<User> data = new ArrayList<>(found.size());
    List<UUID> missing = new ArrayList<>();
    for (UUID id : ids) {
      User user = found.get(id);
      if (user != null) {
        data.add(user);
      } else {
        missing.add(id);
      }
    }
    return new ChunkResult(data, List.of(), missing);
  }
}
