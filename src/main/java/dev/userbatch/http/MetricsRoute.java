package dev.userbatch.http;

import dev.userbatch.batch.RequestException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** {@code GET /metrics}: the Prometheus text of the registry, open unless METRICS_TOKEN is set. */
final class MetricsRoute {
  private MetricsRoute() {}

  static void mount(Router router, String metricsToken, PrometheusMeterRegistry registry) {
    router
        .get("/metrics")
        .handler(ctx -> access(ctx, metricsToken))
        .handler(PrometheusScrapingHandler.create(registry));
  }

  private static void access(RoutingContext ctx, String token) {
    String given = ctx.request().getHeader("Authorization");
    if (token == null
        || (given != null
            && MessageDigest.isEqual(
                given.getBytes(StandardCharsets.UTF_8),
                ("Bearer " + token).getBytes(StandardCharsets.UTF_8)))) {
      ctx.next();
      return;
    }
    ErrorResponses.send(
        ctx,
        new RequestException(
                401, "UNAUTHORIZED", "/metrics requires Authorization: Bearer <METRICS_TOKEN>")
            .withHeader(RequestException.WWW_AUTHENTICATE, "Bearer realm=\"metrics\""));
  }
}
