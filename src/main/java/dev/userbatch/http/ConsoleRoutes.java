package dev.userbatch.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * {@code GET /console}: the jobs console, a static page (HTML, CSS, JavaScript from {@value
 * #WEBROOT} on the classpath) that calls the jobs API with the token the operator pastes. No
 * authentication for the files themselves; every response carries the page's own
 * Content-Security-Policy: scripts and styles only from this service, no inline script, requests
 * only to this service, no framing.
 */
final class ConsoleRoutes {
  static final String WEBROOT = "console";
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
          + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private ConsoleRoutes() {}

  static void mount(Router router) {
    router.get("/console").handler(ConsoleRoutes::toDirectory);
    router
        .get("/console/*")
        .handler(ConsoleRoutes::headers)
        .handler(
            StaticHandler.create(WEBROOT)
                .setDirectoryListing(false)
                .setIndexPage("index.html")
                .setCachingEnabled(false)
                .setDefaultContentEncoding("UTF-8"));
  }

  /**
   * {@code /console} → {@code /console/}, so that the page's relative links (app.js,
   * ../batch/users/jobs) resolve; the route also matches {@code /console/}, which goes on.
   */
  private static void toDirectory(RoutingContext ctx) {
    if (ctx.request().path().endsWith("/")) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(302).putHeader("Location", "console/").end();
  }

  private static void headers(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-cache");
    ctx.next();
  }
}
