package dev.userbatch.audit;

import dev.userbatch.batch.BatchOutcome;
import dev.userbatch.batch.Operation;
import dev.userbatch.db.BatchChanges;
import dev.userbatch.user.User;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The audit trail of batch operations in table {@code audit_log}: one row per operation. A write
 * batch's row is opened before the first chunk (together with the batch's outbox event), each write
 * chunk records the ids it changed inside its own transaction ({@link BatchChanges}), and the row
 * is closed with the outcome and those ids. Until it is closed, the ids of a running (or
 * interrupted) batch are in {@code batch_changes}. A lookup's row is written whole when it ends
 * ({@link #recordRead}). Finished rows are published on the event bus at {@value #ADDRESS} for a
 * co-deployed security service.
 */
public final class AuditTrail {
  public static final String ADDRESS = "users.audit";

  /** The audit row, and the batch's outbox event when it will have one ($9: its type, or null). */
  static final String OPEN =
      "WITH audit AS (INSERT INTO audit_log (id, operation, actor, client_ip, user_agent, correlation_id, total, "
          + "dry_run) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id) "
          + "INSERT INTO outbox_events (event_id, type) SELECT id, $9 FROM audit WHERE $9::text IS NOT NULL";

  /**
   * A lookup's whole row at once: a read changes nothing, so there is nothing to recover if it is
   * cut short.
   */
  static final String RECORD_READ =
      "INSERT INTO audit_log (id, operation, actor, client_ip, user_agent, correlation_id, total, dry_run, "
          + "started_at, finished_at, failed, outcome, user_ids, successful) "
          + "VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8, now(), $9, $10, $11, $12) "
          + "RETURNING id, operation, actor, started_at, finished_at, client_ip, user_agent, correlation_id, "
          + "user_ids, total, successful, failed, outcome, dry_run";

  /**
   * Corrects a lookup's row written ahead of the read ({@link ReadAudit}) to what was actually
   * read. started_at stays; finished_at becomes now().
   */
  static final String CORRECT_READ =
      "UPDATE audit_log SET finished_at = now(), failed = $2, outcome = $3, user_ids = $4, successful = $5 "
          + "WHERE id = $1 "
          + "RETURNING id, operation, actor, started_at, finished_at, client_ip, user_agent, correlation_id, "
          + "user_ids, total, successful, failed, outcome, dry_run";

  static final String CLOSE =
      "UPDATE audit_log SET finished_at = now(), failed = $2, outcome = $3, "
          + "user_ids = "
          + BatchChanges.USER_IDS_OF_BATCH.formatted("$1")
          + ", successful = $4 "
          + "WHERE id = $1 "
          + "RETURNING id, operation, actor, started_at, finished_at, client_ip, user_agent, correlation_id, "
          + "user_ids, total, successful, failed, outcome, dry_run";

  private final Vertx vertx;
  private final Pool pool;

  /** Where the rows of lookups go (see {@code Clients.readAuditPool}). */
  private final Pool readPool;

  public AuditTrail(Vertx vertx, Pool pool) {
    this(vertx, pool, pool);
  }

  public AuditTrail(Vertx vertx, Pool pool, Pool readPool) {
    this.vertx = vertx;
    this.pool = pool;
    this.readPool = readPool;
  }

  /**
   * Opens the audit row of a batch; its id is the batch id carried by every chunk. A write batch
   * that is not a dry run also gets its outbox event row (of the operation's event type).
   */
  public Future<UUID> open(Operation operation, AuditContext context, int total, boolean dryRun) {
    UUID id = UUID.randomUUID();
    return pool.preparedQuery(OPEN)
        .execute(
            Tuple.of(
                    id,
                    operation.auditVerb(),
                    context.actor(),
                    context.clientIp(),
                    context.userAgent(),
                    context.correlationId(),
                    total,
                    dryRun)
                .addString(dryRun ? null : operation.eventType().orElse(null)))
        .map(ignored -> id);
  }

  /**
   * Closes the row with the outcome. Lookups change nothing, so their row records here which users
   * were read; a dry run records how many items would have succeeded. Publishes the closed record.
   */
  public Future<JsonObject> close(UUID batchId, BatchOutcome outcome) {
    // A dry run rolls its chunks back, their ids with them: nobody was changed, but successful
    // says what would have succeeded, as the response does.
    return publish(
        pool.preparedQuery(CLOSE)
            .execute(
                Tuple.of(
                    batchId, outcome.failures().size(), result(outcome), outcome.successful())));
  }

  /**
   * Writes the whole row of a finished lookup in one statement, with the ids of the users that were
   * read, and publishes it. Lookups have no row while they run: this saves a round trip on the
   * fastest operation, and a read that is cut short has changed nothing.
   */
  public Future<JsonObject> recordRead(
      UUID batchId, AuditContext context, OffsetDateTime startedAt, BatchOutcome outcome) {
    UUID[] readIds = readIds(outcome);
    return publish(
        readPool
            .preparedQuery(RECORD_READ)
            .execute(
                Tuple.of(
                        batchId,
                        outcome.operation().auditVerb(),
                        context.actor(),
                        context.clientIp(),
                        context.userAgent(),
                        context.correlationId(),
                        outcome.total(),
                        startedAt)
                    .addInteger(outcome.failures().size())
                    .addString(result(outcome))
                    .addArrayOfUUID(readIds)
                    .addInteger(outcome.successful())));
  }

  /**
   * Writes a lookup's row as if every one of {@code ids} will be read, without publishing it: see
   * {@link ReadAudit}, which runs it beside the read and corrects it if the read went otherwise.
   */
  Future<JsonObject> recordExpectedRead(
      UUID batchId,
      AuditContext context,
      OffsetDateTime startedAt,
      String operation,
      int total,
      UUID[] ids) {
    return readPool
        .preparedQuery(RECORD_READ)
        .execute(
            Tuple.of(
                    batchId,
                    operation,
                    context.actor(),
                    context.clientIp(),
                    context.userAgent(),
                    context.correlationId(),
                    total,
                    startedAt)
                .addInteger(0)
                .addString("success")
                .addArrayOfUUID(ids)
                .addInteger(ids.length))
        .map(rows -> toJson(rows.iterator().next()));
  }

  /**
   * Sets a row written by {@link #recordExpectedRead} to what {@code outcome} read, and publishes
   * it.
   */
  Future<JsonObject> correctRead(UUID batchId, BatchOutcome outcome) {
    return publish(
        readPool
            .preparedQuery(CORRECT_READ)
            .execute(
                Tuple.of(batchId, outcome.failures().size(), result(outcome))
                    .addArrayOfUUID(readIds(outcome))
                    .addInteger(outcome.successful())));
  }

  /** The same correction when the read failed as a whole: nobody was read. */
  Future<JsonObject> correctFailedRead(UUID batchId, int total) {
    return publish(
        readPool
            .preparedQuery(CORRECT_READ)
            .execute(Tuple.of(batchId, total, "failed").addArrayOfUUID(new UUID[0]).addInteger(0)));
  }

  /** Publishes a finished record on {@value #ADDRESS}. */
  void publish(JsonObject record) {
    vertx.eventBus().publish(ADDRESS, record);
  }

  /** The ids of the users a lookup read, in response order. */
  static UUID[] readIds(BatchOutcome outcome) {
    return outcome.data().stream().map(User::id).toArray(UUID[]::new);
  }

  static String result(BatchOutcome outcome) {
    int failed = outcome.failures().size();
    return failed == 0 ? "success" : outcome.successful() == 0 ? "failed" : "partial";
  }

  private Future<JsonObject> publish(Future<RowSet<Row>> written) {
    return written.map(
        rows -> {
          JsonObject record = toJson(rows.iterator().next());
          publish(record);
          return record;
        });
  }

  static JsonObject toJson(Row row) {
    JsonArray userIds = new JsonArray();
    for (UUID id : row.getArrayOfUUIDs("user_ids")) {
      userIds.add(id.toString());
    }
    return new JsonObject()
        .put("id", row.getUUID("id").toString())
        .put("operation", row.getString("operation"))
        .put("actor", row.getString("actor"))
        .put("startedAt", row.getOffsetDateTime("started_at").toInstant().toString())
        .put("finishedAt", row.getOffsetDateTime("finished_at").toInstant().toString())
        .put("clientIp", row.getString("client_ip"))
        .put("userAgent", row.getString("user_agent"))
        .put("correlationId", row.getString("correlation_id"))
        .put("userIds", userIds)
        .put("total", row.getInteger("total"))
        .put("successful", row.getInteger("successful"))
        .put("failed", row.getInteger("failed"))
        .put("outcome", row.getString("outcome"))
        .put("dryRun", row.getBoolean("dry_run"));
  }
}
