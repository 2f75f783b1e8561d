package dev.userbatch.worker;

import dev.userbatch.batch.ChunkOutcome;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserId;
import dev.userbatch.cache.UserCache;
import dev.userbatch.user.UserRepository;
import io.vertx.core.Future;
import java.util.Map;
import java.util.UUID;

/** Soft-deletes one chunk with one statement and replaces the cache entries by tombstones. */
final class SoftDeleteChunkHandler implements ChunkHandler<UserId> {
  private final UserRepository repository;
  private final UserCache cache;

  SoftDeleteChunkHandler(UserRepository repository, UserCache cache) {
    this.repository = repository;
    this.cache = cache;
  }

  @Override
  public Class<UserId> itemType() {
    return UserId.class;
  }

  @Override
  public Future<ChunkResult> process(ChunkRequest<UserId> chunk, Deadline deadline) {
    Map<UUID, PreparedItem<UserId>> byId = IdChunks.byId(chunk);
    return WriteChunks.run(
        repository.pool(),
        cache,
        chunk,
        deadline,
        conn ->
            repository
                .softDelete(conn, IdChunks.ids(chunk))
                .map(
                    result -> {
                      ChunkOutcome<UserId> outcome = new ChunkOutcome<>(chunk);
                      IdChunks.succeedAll(outcome, byId, result.deleted());
                      for (UUID id : result.alreadyDeleted()) {
                        outcome.fail(
                            byId.get(id), ErrorCode.ALREADY_DELETED, "User is already deleted");
                      }
                      IdChunks.failUndecided(
                          chunk, outcome, ErrorCode.USER_NOT_FOUND, "User not found");
                      return new ChunkWrite(outcome, result.deleted(), true);
                    }));
  }
}
