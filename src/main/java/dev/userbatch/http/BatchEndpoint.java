package dev.userbatch.http;

import dev.userbatch.audit.AuditContext;
import dev.userbatch.batch.BatchOperation;
import dev.userbatch.batch.BatchRunner;
import dev.userbatch.batch.RequestException;
import dev.userbatch.idempotency.IdempotencyStore;
import dev.userbatch.metrics.BatchMetrics;
import dev.userbatch.security.BearerAuth;
import dev.userbatch.security.RateLimiter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;
import java.util.function.Function;

/**
 * The HTTP face of one batch operation: read the envelope (off the event loop), charge the rate
 * limit, run the batch (once per idempotency key), send the response.
 */
final class BatchEndpoint {
  static final String CALLER = "caller";

  private final Vertx vertx;
  private final BatchOperation operation;
  private final BatchRunner runner;
  private final RateLimiter rateLimiter;
  private final BatchMetrics metrics;
  private final Set<String> trustedProxies;

  BatchEndpoint(Vertx vertx, BatchOperation operation, BatchRunner runner, RateLimiter rateLimiter,
                BatchMetrics metrics, Set<String> trustedProxies) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.operation = operation;
    this.runner = runner;
    this.rateLimiter = rateLimiter;
    this.trustedProxies = trustedProxies;
  }

  /** Handles a request whose JSON body is the envelope. */
  void handleBody(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    vertx.executeBlocking(() -> StrictJson.parseObject(body), false)
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
    AuditContext context = new AuditContext(caller.actor(), ClientAddress.of(ctx, trustedProxies),
        ctx.request().getHeader("User-Agent"), ctx.get(CorrelationId.KEY));
    rateLimiter.check(operation, envelope, caller.actor(), context.clientIp())
        .onFailure(ctx::fail)
        .onSuccess(decision -> {
          RateLimitHeaders.put(ctx, decision);
          if (!decision.allowed()) {
            metrics.rateLimited(operation.name());
            RateLimitHeaders.refuse(ctx, operation.name(), decision);
            return;
          }
          run(ctx, envelope, context);
        });
  }

  private void run(RoutingContext ctx, JsonObject envelope, AuditContext context) {
    runner.run(operation, envelope, context, ctx.request().getHeader(IdempotencyStore.HEADER))
        .onSuccess(result -> {
          if (result.replayed()) {
            ctx.response().putHeader("Idempotent-Replayed", "true");
          }
          ErrorResponses.send(ctx, result.response().status(), result.response().body());
        })
        .onFailure(ctx::fail);
  }
}
