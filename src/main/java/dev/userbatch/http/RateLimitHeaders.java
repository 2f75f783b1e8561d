package dev.userbatch.http;

import dev.userbatch.operation.Operation;
import dev.userbatch.security.RateLimiter.Decision;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The RateLimit-* headers of every batch response, and the 429 answer. */
final class RateLimitHeaders {
  private RateLimitHeaders() {
  }

  static void put(RoutingContext ctx, Decision decision) {
    if (decision.limit() <= 0) {
      return;
    }
    ctx.response()
        .putHeader("RateLimit-Limit", String.valueOf(decision.limit()))
        .putHeader("RateLimit-Remaining", String.valueOf(decision.remaining()))
        .putHeader("RateLimit-Reset", String.valueOf(decision.resetSeconds()));
  }

  static void refuse(RoutingContext ctx, Operation operation, Decision decision) {
    ctx.response().putHeader("Retry-After", String.valueOf(Math.max(1, decision.resetSeconds())));
    ErrorResponses.send(ctx, 429, new JsonObject().put("success", false).put("code", "RATE_LIMITED")
        .put("message", decision.refusalMessage(operation)));
  }
}
