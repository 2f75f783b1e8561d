package dev.userbatch.runner;

import dev.userbatch.audit.AuditContext;
import dev.userbatch.audit.AuditTrail;
import dev.userbatch.audit.ReadAudit;
import dev.userbatch.batch.BatchOutcome;
import dev.userbatch.batch.BatchResponse;
import dev.userbatch.batch.ChunkHeaders;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.RequestException;
import dev.userbatch.cache.CacheGeneration;
import dev.userbatch.cache.UserCache;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Clients;
import dev.userbatch.idempotency.IdempotencyStore;
import dev.userbatch.metrics.BatchMetrics;
import dev.userbatch.operation.Operations;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one batch request from its JSON envelope to its response, whichever way it arrived (HTTP or
 * event bus): validate the envelope and prepare the items on a worker thread, open the audit row,
 * let the coordinator run the chunks, then record metrics, log and close the audit row.
 */
public final class BatchRunner {
  private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);

  private final Vertx vertx;
  private final Operations operations;
  private final BatchCoordinator coordinator;
  private final AuditTrail audit;
  private final BatchMetrics metrics;
  private final Acceptance acceptance;
  private final IdempotencyStore idempotency;
  private final ReadAudit readAudit;
  private int inFlight;

  public BatchRunner(
      Vertx vertx,
      Operations operations,
      BatchCoordinator coordinator,
      AuditTrail audit,
      BatchMetrics metrics,
      int maxItems,
      int maxAtomicItems,
      IdempotencyStore idempotency) {
    this.acceptance = new Acceptance(vertx, operations, maxItems, maxAtomicItems);
    this.idempotency = idempotency;
    this.vertx = vertx;
    this.operations = operations;
    this.coordinator = coordinator;
    this.audit = audit;
    this.readAudit = new ReadAudit(audit);
    this.metrics = metrics;
  }

  /**
   * The runner of one verticle instance, with everything it needs from the configuration; its cache
   * (on {@code redis}, reading the cluster's {@code cacheGeneration} through {@code pool}) answers
   * single-chunk lookups on the event loop ({@link CachedLookup}).
   */
  public static BatchRunner create(
      Vertx vertx,
      ServiceConfig config,
      Operations operations,
      BatchMetrics metrics,
      Pool pool,
      Redis redis,
      CacheGeneration cacheGeneration) {
    UserCache cache =
        new UserCache(
            vertx,
            redis,
            pool,
            config.cacheTtlSeconds(),
            config.cacheTimeoutMs(),
            metrics,
            cacheGeneration);
    IdempotencyStore idempotency =
        new IdempotencyStore(
            vertx,
            pool,
            config.storage().idempotencyHmacKey(),
            config.idempotencyRetentionHours() * 3600L,
            Math.max(60, config.chunkTimeoutMs() / 1000 * 10));
    return new BatchRunner(
        vertx,
        operations,
        new BatchCoordinator(
            vertx,
            config.chunkTimeoutMs(),
            config.chunkDelivery(),
            metrics::chunkRedelivered,
            cache),
        new AuditTrail(vertx, pool, Clients.readAuditPool(vertx, config, pool)),
        metrics,
        config.maxItemsPerRequest(),
        config.atomicMaxItems(),
        idempotency);
  }

  public IdempotencyStore idempotency() {
    return idempotency;
  }

  /**
   * Runs the batch at most once per idempotency key (write operations; null key: no such
   * guarantee). The result says whether the response is a replay of a stored one.
   */
  public Future<IdempotencyStore.Replayable> run(
      Operation operation, JsonObject envelope, AuditContext context, String idempotencyKey) {
    if (idempotencyKey == null || operation.kind() == Operation.Kind.LOOKUP) {
      return run(operation, envelope, context)
          .map(response -> new IdempotencyStore.Replayable(response, false));
    }
    return idempotency.execute(
        context.actor(),
        idempotencyKey,
        operation.wireName(),
        envelope,
        () -> run(operation, envelope, context));
  }

  /**
   * Runs the batch. The future fails with {@link RequestException} when the envelope is refused as
   * a whole; item failures are part of the response.
   */
  public Future<BatchResponse> run(Operation operation, JsonObject envelope, AuditContext context) {
    inFlight++;
    return execute(operation, envelope, context).onComplete(ignored -> inFlight--);
  }

  /**
   * Completes when no batch of this runner is running any more, or after {@code timeoutMs}: a
   * stopping verticle waits for its batches, which go on even when their caller has gone.
   */
  public Future<Void> drained(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Promise<Void> drained = Promise.promise();
    checkDrained(drained, deadline);
    return drained.future();
  }

  private void checkDrained(Promise<Void> drained, long deadline) {
    if (inFlight == 0 || System.currentTimeMillis() >= deadline) {
      if (inFlight > 0) {
        LOG.warn("{} batch(es) still running at the end of the grace period", inFlight);
      }
      drained.complete();
      return;
    }
    vertx.setTimer(50, timer -> checkDrained(drained, deadline));
  }

  private Future<BatchResponse> execute(
      Operation operation, JsonObject envelope, AuditContext context) {
    long started = System.nanoTime();
    return acceptance
        .accept(operation, envelope)
        .recover(
            err -> {
              if (err instanceof RequestException rejected) {
                BatchEnding.rejected(metrics, operation, context, rejected);
              }
              return Future.failedFuture(err);
            })
        .compose(
            accepted -> {
              // DEBUG: one INFO line per request ("batch finished"); each line costs its request
              // about 0.2 ms
              LOG.atDebug()
                  .addKeyValue("correlationId", context.correlationId())
                  .addKeyValue("operation", operation.wireName())
                  .addKeyValue("items", accepted.batch().inputSize())
                  .addKeyValue("invalid", accepted.batch().failures().size())
                  .addKeyValue("options", accepted.options().toJson().encode())
                  .log("batch started");
              if (operation.kind() == Operation.Kind.LOOKUP) {
                return read(operation, context, accepted, started);
              }
              return audit
                  .open(operation, context, accepted.batch().total(), accepted.options().dryRun())
                  .recover(
                      err -> auditUnavailable(operation, context, err, "The batch was not started"))
                  .compose(
                      batchId ->
                          dispatch(operation, batchId, context, accepted)
                              .compose(
                                  outcome ->
                                      closeAudit(batchId, context, outcome)
                                          .map(
                                              ignored ->
                                                  BatchEnding.finished(
                                                      metrics, context, outcome, started))));
            });
  }

  /**
   * A lookup: no data is answered without its audit row. A lookup of valid ids writes the row while
   * it reads ({@link ReadAudit}); one with invalid ids writes it whole once it is done.
   */
  private Future<BatchResponse> read(
      Operation operation, AuditContext context, Acceptance.Accepted accepted, long started) {
    UUID batchId = UUID.randomUUID();
    OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);
    UUID[] expected = Acceptance.expectedReads(accepted.batch());
    Future<BatchOutcome> read =
        expected == null
            ? dispatch(operation, batchId, context, accepted)
                .compose(
                    outcome ->
                        audit
                            .recordRead(batchId, context, startedAt, outcome)
                            .map(outcome)
                            .recover(err -> Future.failedFuture(new ReadAuditFailed(err))))
            : readAudit.around(
                batchId,
                context,
                startedAt,
                operation.auditVerb(),
                accepted.batch().total(),
                expected,
                () -> dispatch(operation, batchId, context, accepted));
    return read.recover(
            err ->
                err instanceof ReadAudit.Unrecorded || err instanceof ReadAuditFailed
                    ? auditUnavailable(
                        operation, context, err.getCause(), "The users were not returned")
                    : Future.failedFuture(err))
        .map(outcome -> BatchEnding.finished(metrics, context, outcome, started));
  }

  /** The audit row of a lookup written after its read could not be written. */
  private static final class ReadAuditFailed extends RuntimeException {
    ReadAuditFailed(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }

  private Future<BatchOutcome> dispatch(
      Operation operation, UUID batchId, AuditContext context, Acceptance.Accepted accepted) {
    return coordinator.execute(
        operation,
        batchId,
        accepted.batch(),
        accepted.options(),
        Map.of(ChunkHeaders.CORRELATION_ID, String.valueOf(context.correlationId())));
  }

  private <T> Future<T> auditUnavailable(
      Operation operation, AuditContext context, Throwable err, String what) {
    RequestException unavailable =
        new RequestException(
            503,
            ErrorCode.DATABASE_UNAVAILABLE.name(),
            what + ": its audit record could not be written (database unavailable)");
    LOG.atError()
        .addKeyValue("correlationId", context.correlationId())
        .addKeyValue("operation", operation.wireName())
        .addKeyValue("error", err.toString())
        .log("batch refused: audit record could not be written");
    BatchEnding.rejected(metrics, operation, context, unavailable);
    return Future.failedFuture(unavailable);
  }

  /** The changes are committed whatever happens to the audit row's closing: log, do not fail. */
  private Future<Void> closeAudit(UUID batchId, AuditContext context, BatchOutcome outcome) {
    return audit
        .close(batchId, outcome)
        .<Void>mapEmpty()
        .recover(
            err -> {
              LOG.atError()
                  .addKeyValue("correlationId", context.correlationId())
                  .addKeyValue("batchId", batchId)
                  .addKeyValue("error", err.toString())
                  .log("audit record could not be closed");
              return Future.succeededFuture();
            });
  }
}
