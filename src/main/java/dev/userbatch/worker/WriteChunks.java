package dev.userbatch.worker;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.cache.UserCache;
import dev.userbatch.db.Transactions;
import dev.userbatch.runner.BatchCoordinator;
import dev.userbatch.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The one way a write chunk runs: its work, and its completion record (the ids it changed, for the
 * batch's audit row and event, and its per-item result, see {@link ChunkCompletions}), in one
 * transaction; then the cache. A delivery of a chunk key that already committed answers the
 * recorded result and applies nothing. A dry run always rolls back (and leaves the cache alone); an
 * atomic chunk rolls back when any item failed. Both still answer what the run found.
 *
 * <p>When the COMMIT's outcome is unknown the chunk may have changed its users without their cache
 * entries being replaced: the cache is invalidated as after a lost write-through before the chunk
 * fails (COMMIT_UNKNOWN), so a user deleted by it is never served from the cache afterwards.
 */
final class WriteChunks {
  private WriteChunks() {}

  /** Carries the chunk's findings out of a transaction that must not commit. */
  private static final class RolledBack extends RuntimeException {
    final transient ChunkWrite write;
    final String reason;

    RolledBack(ChunkWrite write, String reason) {
      super("rolled back", null, false, false);
      this.write = write;
      this.reason = reason;
    }
  }

  /**
   * Fails the transaction's work at the deadline, so that the transaction rolls back instead of
   * committing.
   */
  private static <T> Future<T> withinDeadline(Future<T> work, Deadline deadline) {
    long remaining = deadline.remainingMs();
    if (remaining <= 0) {
      return Future.failedFuture(new Deadline.Exceeded());
    }
    return work.timeout(remaining, TimeUnit.MILLISECONDS)
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof TimeoutException ? new Deadline.Exceeded() : err));
  }

  /** An earlier delivery of the chunk's key committed: its recorded result, not a second run. */
  private static final class AlreadyCommitted extends RuntimeException {
    final transient ChunkResult recorded;

    AlreadyCommitted(ChunkResult recorded) {
      super("already committed", null, false, false);
      this.recorded = recorded;
    }
  }

  /** A committed chunk: its changes for the cache, and the reply recorded with it. */
  private record Committed(ChunkWrite write, ChunkResult result) {}

  static Future<ChunkResult> run(
      Pool pool,
      UserCache cache,
      ChunkRequest<?> chunk,
      Deadline deadline,
      Function<SqlConnection, Future<ChunkWrite>> work) {
    BatchOptions options = chunk.options();
    ChunkCompletions completions = new ChunkCompletions(new UserRepository(pool));
    // A unique violation may be an earlier delivery of this chunk that committed meanwhile (its
    // users, or its completion record): the retry looks for its record first.
    AtomicBoolean lookForRecord = new AtomicBoolean();
    // Observed before the transaction opens: what it commits is newer than this generation.
    return cache
        .observeBeforeWrite()
        .compose(
            observed ->
                Transactions.inTransaction(
                        pool,
                        conn ->
                            (lookForRecord.get()
                                    ? completions.recorded(conn, chunk)
                                    : Future.<ChunkResult>succeededFuture())
                                .compose(
                                    recorded ->
                                        recorded != null
                                            ? Future.<Committed>failedFuture(
                                                new AlreadyCommitted(recorded))
                                            : withinDeadline(work.apply(conn), deadline)
                                                .compose(
                                                    write -> finish(conn, chunk, options, write)))
                                .onFailure(
                                    err -> {
                                      if (SystemErrors.isUniqueViolation(err)) {
                                        lookForRecord.set(true);
                                      }
                                    }))
                    .compose(
                        committed ->
                            (committed.write().deletes()
                                    ? cache.markDeleted(committed.write().changed(), observed)
                                    : cache.putAll(committed.write().changed(), observed))
                                .map(ignored -> committed.result()))
                    .recover(
                        err -> {
                          if (err instanceof AlreadyCommitted already) {
                            return repairCache(cache, already.recorded);
                          }
                          if (err instanceof RolledBack rolledBack) {
                            return Future.succeededFuture(
                                rolledBack.reason == null
                                    ? rolledBack.write.outcome().build()
                                    : rolledBack
                                        .write
                                        .outcome()
                                        .buildRolledBack(rolledBack.reason));
                          }
                          if (err instanceof Transactions.CommitOutcomeUnknown) {
                            return cache
                                .invalidateAfterUnknownCommit(chunk.items().size())
                                .transform(ignored -> Future.failedFuture(err));
                          }
                          return Future.failedFuture(err);
                        }));
  }

  /**
   * Inside the transaction: roll back a dry run or a failed atomic chunk, else record the chunk.
   */
  private static Future<Committed> finish(
      SqlConnection conn, ChunkRequest<?> chunk, BatchOptions options, ChunkWrite write) {
    if (options.dryRun()) {
      return Future.failedFuture(new RolledBack(write, null));
    }
    if (options.atomic() && write.outcome().hasFailures()) {
      return Future.failedFuture(new RolledBack(write, BatchCoordinator.ATOMIC_NOT_WRITTEN));
    }
    ChunkResult result = write.outcome().build();
    return ChunkCompletions.record(conn, chunk, write.changedIds(), result)
        .map(new Committed(write, result));
  }

  /**
   * The delivery that committed may have died before its write-through: the cache generation is
   * bumped, as after a lost write (replays are rare; a write-through of the users read now could
   * carry no generation observed before their commit).
   */
  static Future<ChunkResult> repairCache(UserCache cache, ChunkResult recorded) {
    return cache.invalidateAfterReplay(recorded.data().size()).map(recorded);
  }
}
