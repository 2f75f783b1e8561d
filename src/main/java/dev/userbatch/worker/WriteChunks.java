package dev.userbatch.worker;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.cache.UserCache;
import dev.userbatch.db.BatchChanges;
import dev.userbatch.db.Transactions;
import dev.userbatch.runner.BatchCoordinator;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The one way a write chunk runs: its work, and the ids it changed (for the batch's audit row and
 * event, see {@link BatchChanges}), in one transaction; then the cache. A dry run always rolls back
 * (and leaves the cache alone); an atomic chunk rolls back when any item failed. Both still answer
 * what the run found.
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

  static Future<ChunkResult> run(
      Pool pool,
      UserCache cache,
      ChunkRequest<?> chunk,
      Deadline deadline,
      Function<SqlConnection, Future<ChunkWrite>> work) {
    BatchOptions options = chunk.options();
    return Transactions.inTransaction(
            pool,
            conn ->
                withinDeadline(work.apply(conn), deadline)
                    .compose(
                        write -> {
                          if (options.dryRun()) {
                            return Future.failedFuture(new RolledBack(write, null));
                          }
                          if (options.atomic() && write.outcome().hasFailures()) {
                            return Future.failedFuture(
                                new RolledBack(write, BatchCoordinator.ATOMIC_NOT_WRITTEN));
                          }
                          return BatchChanges.record(
                                  conn, chunk.batchId(), chunk.chunkNumber(), write.changedIds())
                              .map(write);
                        }))
        .compose(
            write ->
                (write.deletes()
                        ? cache.markDeleted(write.changed())
                        : cache.putAll(write.changed()))
                    .map(ignored -> write.outcome().build()))
        .recover(
            err -> {
              if (err instanceof RolledBack rolledBack) {
                return Future.succeededFuture(
                    rolledBack.reason == null
                        ? rolledBack.write.outcome().build()
                        : rolledBack.write.outcome().buildRolledBack(rolledBack.reason));
              }
              if (err instanceof Transactions.CommitOutcomeUnknown) {
                return cache
                    .invalidateAfterUnknownCommit(chunk.items().size())
                    .transform(ignored -> Future.failedFuture(err));
              }
              return Future.failedFuture(err);
            });
  }
}
