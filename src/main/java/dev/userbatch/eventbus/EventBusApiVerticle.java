package dev.userbatch.eventbus;

import dev.userbatch.audit.AuditContext;
import dev.userbatch.batch.Admission;
import dev.userbatch.batch.BatchOperation;
import dev.userbatch.batch.BatchRunner;
import dev.userbatch.batch.RequestException;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Clients;
import dev.userbatch.metrics.BatchMetrics;
import dev.userbatch.operation.Operations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The event-bus API: {@code users.batch.<operation>} takes the same JSON as the HTTP body and
 * replies with the same result JSON (header {@code status} carries the HTTP-equivalent status).
 * A refused request is a failed reply whose code is that status and whose message is the JSON
 * error body ({@code code}, {@code message}, {@code errors}). Headers: {@code correlationId},
 * {@code actor}, {@code idempotencyKey}.
 */
public final class EventBusApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventBusApiVerticle.class);
  public static final String PREFIX = "users.batch.";
  public static final String CORRELATION_ID = "correlationId";
  public static final String ACTOR = "actor";
  public static final String IDEMPOTENCY_KEY = "idempotencyKey";
  public static final String STATUS = "status";

  private final ServiceConfig config;
  private final Operations operations;
  private final BatchMetrics metrics;
  private Pool pool;
  private BatchRunner runner;
  private Admission admission;

  public EventBusApiVerticle(ServiceConfig config, Operations operations, BatchMetrics metrics) {
    this.config = config;
    this.operations = operations;
    this.metrics = metrics;
  }

  public static String address(BatchOperation operation) {
    return PREFIX + operation.name();
  }

  @Override
  public Future<?> start() {
    pool = Clients.requestPool(vertx, config);
    runner = BatchRunner.create(vertx, config, operations.validator(), metrics, pool);
    admission = Admission.of(vertx, config.capacity());
    List<Future<Void>> registrations = new ArrayList<>();
    for (BatchOperation operation : operations.all()) {
      registrations.add(vertx.eventBus().<Object>consumer(address(operation), message -> handle(runner, operation, message))
          .completion());
    }
    return Future.all(registrations);
  }

  private void handle(BatchRunner runner, BatchOperation operation, Message<Object> message) {
    if (!(message.body() instanceof JsonObject envelope)) {
      fail(message, new RequestException(400, "INVALID_JSON", "The message body must be a JSON object"));
      return;
    }
    String correlationId = message.headers().get(CORRELATION_ID);
    AuditContext context = new AuditContext(message.headers().get(ACTOR), null, "event-bus",
        correlationId != null ? correlationId : UUID.randomUUID().toString());
    // The same door as HTTP: a batch of either API counts against maxBatchesInFlight.
    admission.enter()
        .compose(ticket -> runner.run(operation, envelope, context, message.headers().get(IDEMPOTENCY_KEY))
            .onComplete(done -> ticket.release()))
        .onSuccess(result -> message.reply(result.response().body(), new DeliveryOptions()
            .addHeader(STATUS, String.valueOf(result.response().status()))
            .addHeader(CORRELATION_ID, context.correlationId())
            .addHeader("replayed", String.valueOf(result.replayed()))))
        .onFailure(err -> {
          if (err instanceof RequestException rejected) {
            fail(message, rejected);
          } else {
            LOG.atError().addKeyValue("correlationId", context.correlationId()).setCause(err)
                .log("event-bus batch failed");
            message.fail(500, new JsonObject().put("success", false).put("code", "INTERNAL")
                .put("message", "Internal error; the server log has the details under correlation id "
                    + context.correlationId()).encode());
          }
        });
  }

  private static void fail(Message<Object> message, RequestException rejected) {
    JsonArray errors = new JsonArray();
    rejected.errors().forEach(e -> errors.add(e.toJson()));
    message.fail(rejected.status(), new JsonObject().put("success", false).put("code", rejected.code())
        .put("message", rejected.getMessage()).put("errors", errors).encode());
  }

  /** Batches in flight are finished (within the grace period) before the pool closes. */
  @Override
  public Future<?> stop() {
    return runner.drained(config.shutdownTimeoutMs()).eventually(() -> pool.close());
  }
}
