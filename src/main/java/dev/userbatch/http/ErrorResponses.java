package dev.userbatch.http;

import dev.userbatch.batch.Admission;
import dev.userbatch.batch.RequestException;
import dev.userbatch.security.BearerAuth;
import dev.userbatch.security.RateLimiter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns a failed request into a status code and a JSON error body. */
final class ErrorResponses {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {
  }

  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof Admission.Overloaded overloaded) {
      ctx.response().putHeader("Retry-After", String.valueOf(overloaded.retryAfterSeconds()));
    }
    if (failure instanceof RateLimiter.RateLimitUnavailable) {
      ctx.response().putHeader("Retry-After", String.valueOf(RateLimiter.RateLimitUnavailable.RETRY_AFTER_SECONDS));
    }
    if (failure instanceof RequestException rejected) {
      JsonArray errors = new JsonArray();
      rejected.errors().forEach(e -> errors.add(e.toJson()));
      JsonObject body = body(rejected.code(), rejected.getMessage());
      if (!errors.isEmpty()) {
        body.put("errors", errors);
      }
      send(ctx, rejected.status(), body);
      return;
    }
    if (failure instanceof BearerAuth.Refused refused) {
      ctx.response().putHeader("WWW-Authenticate", refused.challenge());
      send(ctx, refused.status(), body(refused.code(), refused.getMessage()));
      return;
    }
    int status = ctx.statusCode();
    switch (status) {
      case 413 -> send(ctx, 413, body("PAYLOAD_TOO_LARGE", "Request body is larger than the configured limit"));
      case 404 -> send(ctx, 404, body("NOT_FOUND", "No such endpoint: " + ctx.request().path()));
      case 405 -> send(ctx, 405, body("METHOD_NOT_ALLOWED",
          "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path()));
      case 400 -> send(ctx, 400, body("BAD_REQUEST", "Malformed request"));
      default -> {
        LOG.atError()
            .addKeyValue("correlationId", ctx.<String>get(CorrelationId.KEY))
            .addKeyValue("method", ctx.request().method().name())
            .addKeyValue("route", ctx.currentRoute() == null ? null : ctx.currentRoute().getPath())
            .addKeyValue("error", failure == null ? "status " + status : failure.getClass().getSimpleName())
            .log("request failed");
        send(ctx, 500, body("INTERNAL", "Internal error; the server log has the details under correlation id "
            + ctx.get(CorrelationId.KEY)));
      }
    }
  }

  /**
   * For {@code router.errorHandler(400, ErrorResponses::badRequest)}: a request Vert.x Web refuses
   * before any route runs (a path with a bad %-escape such as {@code /batch/%zz}). Without it,
   * Vert.x answers a plain-text "Bad Request" and logs the client's mistake as an ERROR with a
   * stack trace, once per request.
   */
  static void badRequest(RoutingContext ctx) {
    send(ctx, 400, body("BAD_REQUEST", "Malformed request: the path is not a valid URI path"));
  }

  private static JsonObject body(String code, String message) {
    return new JsonObject().put("success", false).put("code", code).put("message", message);
  }

  static void send(RoutingContext ctx, int status, JsonObject body) {
    JsonResponses.send(ctx, status, body);
  }
}
