package dev.userbatch.worker;

import dev.userbatch.batch.ChunkOutcome;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.cache.UserCache;
import dev.userbatch.user.UserRepository;
import io.vertx.core.Future;

import java.util.Map;
import java.util.UUID;

/** Records "now" as the last login of one chunk of active users, with one statement. */
final class LastLoginChunkHandler implements ChunkHandler {
  private final UserRepository repository;
  private final UserCache cache;

  LastLoginChunkHandler(UserRepository repository, UserCache cache) {
    this.repository = repository;
    this.cache = cache;
  }

  @Override
  public Future<ChunkResult> process(ChunkRequest chunk, Deadline deadline) {
    ReadItems<UUID> items = ReadItems.ids(chunk);
    if (items.noneReadable()) {
      return Future.succeededFuture(items.outcome().build());
    }
    Map<UUID, PreparedItem> byId = IdChunks.byId(items);
    return WriteChunks.run(repository.pool(), cache, chunk, deadline, conn ->
        repository.recordLastLogin(conn, IdChunks.ids(items)).map(updated -> {
          ChunkOutcome outcome = items.outcome();
          IdChunks.succeedAll(outcome, byId, updated);
          IdChunks.failUndecided(chunk, outcome, ErrorCode.USER_NOT_FOUND, "User not found");
          return ChunkWrite.of(outcome, updated);
        }));
  }
}
