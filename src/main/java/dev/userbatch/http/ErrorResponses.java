package dev.userbatch.http;

import dev.userbatch.batch.RequestException;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that answers a failed HTTP request: a {@link RequestException} as it says (status,
 * headers, body); what Vert.x Web itself refused (404, 405, 413, 400) as the same kind of refusal;
 * anything else as a logged 500 INTERNAL.
 */
final class ErrorResponses {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  static void handle(RoutingContext ctx) {
    send(ctx, ctx.failure() instanceof RequestException refused ? refused : refusalOf(ctx));
  }

  /**
   * For {@code router.errorHandler(400, ErrorResponses::badRequest)}: a request Vert.x Web refuses
   * before any route runs (a path with a bad %-escape such as {@code /batch/%zz}). Without it,
   * Vert.x answers a plain-text "Bad Request" and logs the client's mistake as an ERROR with a
   * stack trace, once per request.
   */
  static void badRequest(RoutingContext ctx) {
    send(
        ctx,
        new RequestException(
            400, "BAD_REQUEST", "Malformed request: the path is not a valid URI path"));
  }

  static void send(RoutingContext ctx, RequestException refused) {
    refused.headers().forEach(ctx.response()::putHeader);
    JsonResponses.send(ctx, refused.status(), refused.body());
  }

  private static RequestException refusalOf(RoutingContext ctx) {
    int status = ctx.statusCode();
    return switch (status) {
      case 413 ->
          new RequestException(
              413, "PAYLOAD_TOO_LARGE", "Request body is larger than the configured limit");
      case 404 ->
          new RequestException(404, "NOT_FOUND", "No such endpoint: " + ctx.request().path());
      case 405 ->
          new RequestException(
              405,
              "METHOD_NOT_ALLOWED",
              "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path());
      case 400 -> new RequestException(400, "BAD_REQUEST", "Malformed request");
      default -> {
        Throwable failure = ctx.failure();
        LOG.atError()
            .addKeyValue("correlationId", ctx.<String>get(CorrelationId.KEY))
            .addKeyValue("method", ctx.request().method().name())
            .addKeyValue("route", ctx.currentRoute() == null ? null : ctx.currentRoute().getPath())
            .addKeyValue(
                "error", failure == null ? "status " + status : failure.getClass().getSimpleName())
            .log("request failed");
        yield RequestException.internal(ctx.get(CorrelationId.KEY));
      }
    };
  }
}
