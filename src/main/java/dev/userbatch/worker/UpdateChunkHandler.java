package dev.userbatch.worker;

import dev.userbatch.batch.ChunkOutcome;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserUpdate;
import dev.userbatch.cache.UserCache;
import dev.userbatch.user.User;
import dev.userbatch.user.UserRepository;
import dev.userbatch.user.UserRepository.LockedUser;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Updates one chunk in one transaction: lock the chunk's users and the holders of the wanted emails
 * (in id order), decide every item in memory ({@link UpdateDecision}), then apply all accepted
 * changes with one statement (two when users of the chunk swap emails).
 */
final class UpdateChunkHandler implements ChunkHandler<UserUpdate> {
  private final UserRepository repository;
  private final UserCache cache;

  UpdateChunkHandler(UserRepository repository, UserCache cache) {
    this.repository = repository;
    this.cache = cache;
  }

  @Override
  public Class<UserUpdate> itemType() {
    return UserUpdate.class;
  }

  @Override
  public Future<ChunkResult> process(ChunkRequest<UserUpdate> chunk, Deadline deadline) {
    UUID[] ids = chunk.items().stream().map(item -> item.value().id()).toArray(UUID[]::new);
    String[] wanted =
        chunk.items().stream()
            .map(item -> item.value().email())
            .filter(e -> e != null)
            .toArray(String[]::new);
    return WriteChunks.run(
        repository.pool(),
        cache,
        chunk,
        deadline,
        conn ->
            repository
                .lockForUpdate(conn, ids, wanted)
                .compose(locked -> apply(conn, chunk, locked)));
  }

  private Future<ChunkWrite> apply(
      SqlConnection conn, ChunkRequest<UserUpdate> chunk, List<LockedUser> locked) {
    ChunkOutcome<UserUpdate> outcome = new ChunkOutcome<>(chunk);
    UpdateDecision decision = UpdateDecision.decide(chunk.items(), locked, outcome);
    if (decision.accepted().isEmpty()) {
      return Future.succeededFuture(ChunkWrite.of(outcome, List.of()));
    }
    UUID[] parked = decision.parked();
    Future<Void> park =
        parked.length == 0 ? Future.succeededFuture() : repository.parkEmails(conn, parked);
    return park.compose(
            v -> repository.applyUpdates(conn, decision.ids(), decision.names(), decision.emails()))
        .map(
            updated -> {
              Map<UUID, PreparedItem<UserUpdate>> byId = new HashMap<>();
              decision.accepted().forEach(item -> byId.put(item.value().id(), item));
              for (User user : updated) {
                outcome.succeed(byId.get(user.id()), user);
              }
              return ChunkWrite.of(outcome, updated);
            });
  }
}
