package dev.userbatch.http;

import dev.userbatch.security.RateLimiter.Decision;
import io.vertx.ext.web.RoutingContext;

/** The RateLimit-* headers of every batch response (the 429 refusal included). */
final class RateLimitHeaders {
  private RateLimitHeaders() {}

  static void put(RoutingContext ctx, Decision decision) {
    if (decision.limit() <= 0) {
      return;
    }
    ctx.response()
        .putHeader("RateLimit-Limit", String.valueOf(decision.limit()))
        .putHeader("RateLimit-Remaining", String.valueOf(decision.remaining()))
        .putHeader("RateLimit-Reset", String.valueOf(decision.resetSeconds()));
  }
}
