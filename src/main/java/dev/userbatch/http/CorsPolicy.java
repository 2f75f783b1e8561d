package dev.userbatch.http;

import dev.userbatch.batch.RequestException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-origin requests from browsers: refused ({@code 403 ORIGIN_NOT_ALLOWED}) unless their {@code
 * Origin} is one of CORS_ORIGINS, in which case preflights are answered and responses carry the
 * CORS headers. Requests without {@code Origin} (curl, the CLI, servers) and those of the service's
 * own pages (same origin: the console, Swagger UI) are not concerned. The first handler of the
 * router: a refused request never reaches authentication or a body.
 */
final class CorsPolicy {
  private static final String ALLOWED_HEADERS =
      "Authorization, Content-Type, Idempotency-Key, X-Correlation-Id";
  private static final String EXPOSED_HEADERS =
      "Location, Retry-After, X-Correlation-Id, X-RateLimit-Limit, X-RateLimit-Remaining";
  private static final String ALLOWED_METHODS = "GET, POST, PATCH, DELETE";

  private final Set<String> allowed;

  CorsPolicy(Set<String> allowed) {
    this.allowed = allowed;
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String origin = request.getHeader("Origin");
    if (origin == null || sameOrigin(origin, request.getHeader("Host"))) {
      ctx.next();
      return;
    }
    HttpServerResponse response = ctx.response();
    response.putHeader("Vary", "Origin");
    if (!allowed.contains(origin.toLowerCase(Locale.ROOT))) {
      ctx.fail(
          new RequestException(
              403,
              "ORIGIN_NOT_ALLOWED",
              "Cross-origin requests from " + origin + " are not allowed (see CORS_ORIGINS)"));
      return;
    }
    response.putHeader("Access-Control-Allow-Origin", origin);
    if (request.method() == HttpMethod.OPTIONS
        && request.getHeader("Access-Control-Request-Method") != null) {
      response
          .putHeader("Access-Control-Allow-Methods", ALLOWED_METHODS)
          .putHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS)
          .putHeader("Access-Control-Max-Age", "600")
          .setStatusCode(204)
          .end();
      return;
    }
    response.putHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    ctx.next();
  }

  /**
   * Whether a page of this service made the request: its origin names the host and port the request
   * was sent to. The scheme is left out, so that the console works behind a proxy that ends TLS
   * (one host and port speak one scheme).
   */
  static boolean sameOrigin(String origin, String host) {
    int scheme = origin.indexOf("://");
    return host != null && scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(host);
  }
}
