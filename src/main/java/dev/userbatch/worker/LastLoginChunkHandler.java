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

/** Records "now" as the last login of one chunk of active users, with one statement. */
final class LastLoginChunkHandler implements ChunkHandler<UserId> {
  private final UserRepository repository;
  private final UserCache cache;

  LastLoginChunkHandler(UserRepository repository, UserCache cache) {
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
                .recordLastLogin(conn, IdChunks.ids(chunk))
                .map(
                    updated -> {
                      ChunkOutcome<UserId> outcome = new ChunkOutcome<>(chunk);
                      IdChunks.succeedAll(outcome, byId, updated);
                      IdChunks.failUndecided(
                          chunk, outcome, ErrorCode.USER_NOT_FOUND, "User not found");
                      return ChunkWrite.of(outcome, updated);
                    }));
  }
}
