package dev.userbatch.worker;

import dev.userbatch.batch.ChunkOutcome;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserId;
import dev.userbatch.cache.UserCache;
import dev.userbatch.user.UserRepository;
import dev.userbatch.user.UserRepository.RestoreCandidate;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Restores one chunk of soft-deleted users in one transaction: lock and check them with one
 * statement, restore the eligible ones with a second.
 */
final class RestoreChunkHandler implements ChunkHandler<UserId> {
  private final UserRepository repository;
  private final UserCache cache;
  private final int windowDays;

  RestoreChunkHandler(UserRepository repository, UserCache cache, int windowDays) {
    this.repository = repository;
    this.cache = cache;
    this.windowDays = windowDays;
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
                .lockForRestore(conn, IdChunks.ids(chunk), windowDays)
                .compose(
                    candidates -> {
                      ChunkOutcome<UserId> outcome = new ChunkOutcome<>(chunk);
                      Map<UUID, RestoreCandidate> found = new HashMap<>();
                      candidates.forEach(candidate -> found.put(candidate.id(), candidate));
                      List<UUID> eligible = new ArrayList<>();
                      Set<String> claimedEmails = new HashSet<>();
                      // In request order, so that of two deleted users with one email the first
                      // listed wins.
                      for (PreparedItem<UserId> item : chunk.items()) {
                        RestoreCandidate candidate = found.get(item.value().id());
                        if (candidate == null) {
                          outcome.fail(item, ErrorCode.USER_NOT_FOUND, "User not found");
                        } else if (!candidate.deleted()) {
                          outcome.fail(item, ErrorCode.NOT_DELETED, "User is not deleted");
                        } else if (candidate.expired()) {
                          outcome.fail(
                              item,
                              ErrorCode.RESTORE_WINDOW_EXPIRED,
                              "User was deleted more than "
                                  + windowDays
                                  + " days ago and can no longer be restored");
                        } else if (candidate.emailTaken()
                            || !claimedEmails.add(candidate.email())) {
                          outcome.fail(
                              item, ErrorCode.EMAIL_IN_USE, "Email already in use by another user");
                        } else {
                          eligible.add(candidate.id());
                        }
                      }
                      if (eligible.isEmpty()) {
                        return Future.succeededFuture(ChunkWrite.of(outcome, List.of()));
                      }
                      // Every item is decided before this point except the eligible ones, which the
                      // restore decides: an eligible user must never be reported as not found.
                      return repository
                          .restore(conn, eligible.toArray(UUID[]::new))
                          .map(
                              users -> {
                                IdChunks.succeedAll(outcome, byId, users);
                                return ChunkWrite.of(outcome, users);
                              });
                    }));
  }
}
