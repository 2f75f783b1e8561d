package dev.userbatch.busapi;

import dev.userbatch.audit.AuditContext;
import dev.userbatch.audit.CorrelationIds;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.RequestException;
import dev.userbatch.cache.CacheGeneration;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Clients;
import dev.userbatch.metrics.BatchMetrics;
import dev.userbatch.operation.Operations;
import dev.userbatch.runner.Admission;
import dev.userbatch.runner.BatchRunner;
import dev.userbatch.security.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-bus API: {@code users.batch.<operation>} takes the same JSON as the HTTP body and
 * replies with the same result JSON (header {@code status} carries the HTTP-equivalent status). A
 * refused request is a failed reply whose code is that status and whose message is the JSON error
 * body ({@code code}, {@code message}, {@code errors}). Headers: {@code correlationId}, {@code
 * actor}, {@code idempotencyKey}, {@code clientIp} (set by the TCP bridge). Requests are charged to
 * the same rate limits as HTTP ones, by actor and (when known) client address; a refused one fails
 * with 429 and code {@code RATE_LIMITED}. In-process callers get their failed items back as sent;
 * frames from the TCP bridge ({@code via} header) get them redacted, as over HTTP.
 */
public final class EventBusApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventBusApiVerticle.class);
  public static final String CORRELATION_ID = "correlationId";
  public static final String ACTOR = "actor";

  /** Set by the TCP bridge to the client's address: the rate limit's per-IP budget. */
  public static final String CLIENT_IP = "clientIp";

  public static final String IDEMPOTENCY_KEY = "idempotencyKey";
  public static final String STATUS = "status";

  /** Set by the TCP bridge on every frame it passes on: the caller is in another process. */
  public static final String VIA = "via";

  private final ServiceConfig config;
  private final Operations operations;
  private final BatchMetrics metrics;
  private Pool pool;
  private Redis redis;
  private BatchRunner runner;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private RateLimiter rateLimiter;
  private Admission admission;

  private final CacheGeneration cacheGeneration;

  public EventBusApiVerticle(
      ServiceConfig config,
      Operations operations,
      BatchMetrics metrics,
      CacheGeneration cacheGeneration) {
    this.cacheGeneration = cacheGeneration;
    this.config = config;
    this.operations = operations;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = Clients.requestPool(vertx, config);
    redis = Clients.redis(vertx, config);
    runner = BatchRunner.create(vertx, config, operations, metrics, pool, redis, cacheGeneration);
    rateLimiter = new RateLimiter(redis, config, metrics);
    admission = Admission.of(vertx, config.capacity());
    List<Future<Void>> registrations = new ArrayList<>();
    for (Operation operation : Operation.values()) {
      MessageConsumer<Object> consumer =
          vertx
              .eventBus()
              .consumer(operation.apiAddress(), message -> handle(runner, operation, message));
      consumers.add(consumer);
      registrations.add(consumer.completion());
    }
    return Future.all(registrations);
  }

  private void handle(BatchRunner runner, Operation operation, Message<Object> message) {
    if (!(message.body() instanceof JsonObject envelope)) {
      fail(
          message,
          new RequestException(400, "INVALID_JSON", "The message body must be a JSON object"));
      return;
    }
    String correlationId = message.headers().get(CORRELATION_ID);
    AuditContext context =
        new AuditContext(
            message.headers().get(ACTOR),
            message.headers().get(CLIENT_IP),
            "event-bus",
            CorrelationIds.orNew(correlationId));
    // The rate limit first, then the same door as HTTP: a batch of either API counts against
    // maxBatchesInFlight.
    chargeRateLimit(operation, envelope, context)
        .compose(charged -> admission.enter(0)) // the envelope is already in memory
        .compose(
            ticket ->
                runner
                    .run(operation, envelope, context, message.headers().get(IDEMPOTENCY_KEY))
                    .onComplete(done -> ticket.release()))
        .onSuccess(
            result ->
                message.reply(
                    responseBody(message, operation, envelope, result.response().body()),
                    new DeliveryOptions()
                        .addHeader(STATUS, String.valueOf(result.response().status()))
                        .addHeader(CORRELATION_ID, context.correlationId())
                        .addHeader("replayed", String.valueOf(result.replayed()))))
        .onFailure(
            err -> {
              if (err instanceof RequestException rejected) {
                fail(message, rejected);
              } else {
                LOG.atError()
                    .addKeyValue("correlationId", context.correlationId())
                    .setCause(err)
                    .log("event-bus batch failed");
                fail(message, RequestException.internal(context.correlationId()));
              }
            });
  }

  /** Charges the request to the rate limit; fails with the 429 (or 503) refusal. */
  private Future<Void> chargeRateLimit(
      Operation operation, JsonObject envelope, AuditContext context) {
    String actor = context.actor() != null ? context.actor() : "event-bus";
    // A limiter that cannot be asked already fails with the 503 refusal (a RequestException).
    return rateLimiter
        .check(operation, envelope, actor, context.clientIp())
        .compose(
            decision -> {
              if (decision.allowed()) {
                return Future.succeededFuture();
              }
              metrics.rateLimited(operation.wireName());
              return Future.failedFuture(decision.refusal(operation));
            });
  }

  /**
   * In-process callers get their own failed items back as sent ({@link CallerItems}); callers
   * through the bridge get the redacted response, as over HTTP.
   */
  private static JsonObject responseBody(
      Message<Object> message, Operation operation, JsonObject envelope, JsonObject body) {
    return message.headers().contains(VIA)
        ? body
        : CallerItems.restore(body, envelope.getJsonArray(operation.itemsField()));
  }

  private static void fail(Message<Object> message, RequestException rejected) {
    message.fail(rejected.status(), rejected.eventBusBody().encode());
  }

  /**
   * Stops accepting first (a request sent from now on fails with NO_HANDLERS, instead of being
   * taken while the service goes away), then finishes the batches in flight (within the grace
   * period), then closes the pool. Vert.x would unregister the consumers itself only after this.
   */
  @Override
  public Future<?> stop() {
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList())
        .eventually(() -> runner.drained(config.shutdownTimeoutMs()))
        .eventually(() -> pool.close())
        .eventually(redis::close);
  }
}
