package dev.userbatch.audit;

import dev.userbatch.batch.BatchOutcome;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A lookup's audit row written while the users are read, instead of after: the row is inserted as
 * if every expected user will be read and nothing will fail, and corrected by one UPDATE in the
 * rare case the read went otherwise (a user missing or deleted, a chunk failed). No user is
 * returned before the row that names them is committed, as before; a warm lookup no longer waits
 * for the read and then for the commit, but for the slower of the two.
 *
 * <p>The row exists from the INSERT on, so a process that dies after it (or a correction that
 * fails) leaves a row naming users that the caller may never have received: it records an attempt
 * to read them. A row written after the read had the same gap between its commit and the response.
 */
public final class ReadAudit {
  private final AuditTrail audit;

  public ReadAudit(AuditTrail audit) {
    this.audit = audit;
  }

  /** The row could not be written or corrected: the users must not be returned. */
  public static final class Unrecorded extends RuntimeException {
    Unrecorded(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }

  /**
   * Runs {@code read} while writing its row for {@code expected} (the ids it should return, in
   * response order). Fails with {@link Unrecorded} when the row could not be written as the read
   * went; the row is published on {@value AuditTrail#ADDRESS} once it is final.
   */
  public Future<BatchOutcome> around(
      UUID batchId,
      AuditContext context,
      OffsetDateTime startedAt,
      String operation,
      int total,
      UUID[] expected,
      Supplier<Future<BatchOutcome>> read) {
    Future<JsonObject> written =
        audit.recordExpectedRead(batchId, context, startedAt, operation, total, expected);
    Future<BatchOutcome> done = read.get();
    return Future.join(written, done)
        .transform(
            ignored -> {
              if (written.failed()) {
                return Future.failedFuture(new Unrecorded(written.cause()));
              }
              if (done.failed()) {
                return audit
                    .correctFailedRead(batchId, total)
                    .transform(corrected -> Future.failedFuture(done.cause()));
              }
              BatchOutcome outcome = done.result();
              if (asExpected(outcome, expected)) {
                audit.publish(written.result());
                return Future.succeededFuture(outcome);
              }
              return audit
                  .correctRead(batchId, outcome)
                  .transform(
                      corrected ->
                          corrected.failed()
                              ? Future.failedFuture(new Unrecorded(corrected.cause()))
                              : Future.succeededFuture(outcome));
            });
  }

  /**
   * Every expected user read, in order, and nothing failed: the row written ahead is the right one.
   */
  static boolean asExpected(BatchOutcome outcome, UUID[] expected) {
    if (!outcome.failures().isEmpty() || outcome.data().size() != expected.length) {
      return false;
    }
    UUID[] read = AuditTrail.readIds(outcome);
    for (int i = 0; i < expected.length; i++) {
      if (!expected[i].equals(read[i])) {
        return false;
      }
    }
    return true;
  }
}
