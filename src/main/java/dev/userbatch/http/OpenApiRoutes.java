package dev.userbatch.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** /openapi.json and /docs (Swagger UI). Placeholder until the document builder lands. */
final class OpenApiRoutes {
  private OpenApiRoutes() {
  }

  static void mount(Vertx vertx, Router router) {
    router.get("/openapi.json").handler(ctx -> ctx.response().setStatusCode(501).end());
  }
}
