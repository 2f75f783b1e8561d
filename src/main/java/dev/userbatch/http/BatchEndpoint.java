package dev.userbatch.http;

import dev.userbatch.audit.AuditContext;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.RequestException;
import dev.userbatch.idempotency.IdempotencyStore;
import dev.userbatch.metrics.BatchMetrics;
import dev.userbatch.runner.Admission;
import dev.userbatch.runner.BatchRunner;
import dev.userbatch.security.BearerAuth;
import dev.userbatch.security.RateLimiter;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.Set;
import java.util.function.Function;

/**
 * The HTTP face of one batch operation: read the envelope (off the event loop), charge the rate
 * limit, run the batch (once per idempotency key), send the response.
 */
final class BatchEndpoint {
  static final String CALLER = "caller";

  private final Vertx vertx;
  private final Operation operation;
  private final BatchRunner runner;
  private final RateLimiter rateLimiter;
  private final BatchMetrics metrics;
  private final Set<String> trustedProxies;
  private final Admission admission;
  private final WorkerExecutor decoders;
  private final int maxItems;
  private final long bodyReadTimeoutMs;
  private final long maxBodyBytes;

  BatchEndpoint(
      Vertx vertx,
      Operation operation,
      BatchRunner runner,
      RateLimiter rateLimiter,
      BatchMetrics metrics,
      Set<String> trustedProxies,
      Admission admission,
      WorkerExecutor decoders,
      int maxItems,
      long bodyReadTimeoutMs,
      long maxBodyBytes) {
    this.bodyReadTimeoutMs = bodyReadTimeoutMs;
    this.maxBodyBytes = maxBodyBytes;
    this.admission = admission;
    this.decoders = decoders;
    this.maxItems = maxItems;
    this.metrics = metrics;
    this.vertx = vertx;
    this.operation = operation;
    this.runner = runner;
    this.rateLimiter = rateLimiter;
    this.trustedProxies = trustedProxies;
  }

  /**
   * The door, before the body is read: a place among the batches in flight, held until the response
   * is over (sent, or the connection gone), or a fast 503 OVERLOADED. A body that has not arrived
   * whole within {@code bodyReadTimeoutMs} costs its connection, so that stalled uploads cannot
   * hold every place. Declared a security-policy handler so that Vert.x Web runs it before the body
   * handler.
   */
  SecurityPolicyHandler admit() {
    return ctx -> {
      // Nothing of the body is read before a place is granted: the body handler resumes the
      // request.
      ctx.request().pause();
      admission
          .enter(announcedBodyBytes(ctx))
          .onSuccess(
              ticket -> {
                long deadline =
                    vertx.setTimer(
                        bodyReadTimeoutMs,
                        id -> {
                          if (!ctx.request().isEnded()) {
                            ctx.response()
                                .reset(); // HTTP/1.x: closes the connection, which ends the context
                          }
                        });
                ctx.addEndHandler(
                    ended -> {
                      vertx.cancelTimer(deadline);
                      ticket.release();
                    });
                if (ctx.response().closed()) {
                  vertx.cancelTimer(deadline);
                  ticket.release();
                  return;
                }
                ctx.next();
                ctx.request().resume(); // a route without a body (GET): nothing to wait for
              })
          .onFailure(
              err -> {
                ctx.request()
                    .resume(); // the refused body is discarded, the connection stays usable
                metrics.batchRejected(operation.wireName());
                ctx.fail(err);
              });
    };
  }

  /**
   * What the body will hold in memory: its Content-Length, or the body limit when it has none
   * (chunked); nothing for a request without a body (GET).
   */
  private long announcedBodyBytes(RoutingContext ctx) {
    if (ctx.request().method() == HttpMethod.GET) {
      return 0;
    }
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      return length == null
          ? maxBodyBytes
          : Math.min(maxBodyBytes, Math.max(0, Long.parseLong(length.trim())));
    } catch (NumberFormatException e) {
      return maxBodyBytes;
    }
  }

  /**
   * Handles a request whose JSON body is the envelope. The strict pass refuses a body with more
   * values than any valid request has before a single object is built; parses run on their own
   * executor, {@code maxDecodesInFlight} at a time.
   */
  void handleBody(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    decoders
        .executeBlocking(() -> StrictJson.parseObject(body, maxItems), false)
        .onSuccess(envelope -> handleEnvelope(ctx, envelope))
        .onFailure(ctx::fail);
  }

  /** Handles a request whose envelope is computed from the request (e.g. the query string). */
  void handleWith(RoutingContext ctx, Function<RoutingContext, JsonObject> envelopeOf) {
    JsonObject envelope;
    try {
      envelope = envelopeOf.apply(ctx);
    } catch (RequestException e) {
      ctx.fail(e);
      return;
    }
    handleEnvelope(ctx, envelope);
  }

  private void handleEnvelope(RoutingContext ctx, JsonObject envelope) {
    BearerAuth.Caller caller = ctx.get(CALLER);
    AuditContext context =
        new AuditContext(
            caller.actor(),
            ClientAddress.of(ctx, trustedProxies),
            ctx.request().getHeader("User-Agent"),
            ctx.get(CorrelationId.KEY));
    rateLimiter
        .check(operation, envelope, caller.actor(), context.clientIp())
        .onFailure(ctx::fail)
        .onSuccess(
            decision -> {
              RateLimitHeaders.put(ctx, decision);
              if (!decision.allowed()) {
                metrics.rateLimited(operation.wireName());
                ctx.fail(decision.refusal(operation));
                return;
              }
              run(ctx, envelope, context);
            });
  }

  private void run(RoutingContext ctx, JsonObject envelope, AuditContext context) {
    runner
        .run(operation, envelope, context, ctx.request().getHeader(IdempotencyStore.HEADER))
        .onSuccess(
            result -> {
              if (result.replayed()) {
                ctx.response().putHeader("Idempotent-Replayed", "true");
              }
              JsonResponses.send(ctx, result.response().status(), result.response().body());
            })
        .onFailure(ctx::fail);
  }
}
