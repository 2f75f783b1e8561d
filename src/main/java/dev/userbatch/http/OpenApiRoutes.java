package dev.userbatch.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * {@code GET /openapi.json} (the {@link OpenApiDocument}) and {@code GET /docs} (Swagger UI from the
 * org.webjars:swagger-ui jar on the classpath, so it works from the fat jar without internet).
 * No authentication.
 *
 * <p>When the document is first requested, the router's routes are compared with the document:
 * a served route that the document lacks is logged as an error and listed in the document under
 * {@value OpenApiDocument#UNDOCUMENTED_ROUTES}, so that a new endpoint cannot go undocumented
 * unnoticed (OpenApiTest fails). This happens at request time because routes are still being
 * added after {@link #mount} returns.
 */
final class OpenApiRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(OpenApiRoutes.class);
  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  private static final String KNOWN_VERSION = "5.32.6";

  private OpenApiRoutes() {
  }

  /** Built once per JVM: the document depends only on the classpath. */
  private static final class Built {
    static final JsonObject DOCUMENT = OpenApiDocument.build();
    static final String SWAGGER_UI_ROOT = WEBJAR + swaggerUiVersion();
  }

  static void mount(Vertx vertx, Router router) {
    JsonObject document = Built.DOCUMENT; // fails start-up loudly if a schema file cannot be documented
    router.get("/openapi.json").handler(new DocumentHandler(router, document));
    router.get("/docs").handler(OpenApiRoutes::index);
    router.get("/docs/").handler(OpenApiRoutes::index);
    router.get("/docs/swagger-initializer.js").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/javascript; charset=utf-8")
        .putHeader("cache-control", "no-cache")
        .end(INITIALIZER));
    router.get("/docs/*").handler(StaticHandler.create(Built.SWAGGER_UI_ROOT)
        .setDirectoryListing(false)
        .setIndexPage("index.html"));
  }

  /** Serves the document; computes it (with the route check) on first use, for this router. */
  private static final class DocumentHandler implements Handler<RoutingContext> {
    private final Router router;
    private final JsonObject document;
    private volatile Buffer body;

    DocumentHandler(Router router, JsonObject document) {
      this.router = router;
      this.document = document;
    }

    @Override
    public void handle(RoutingContext ctx) {
      Buffer served = body;
      if (served == null) {
        JsonObject checked = document.copy();
        List<String> undocumented = OpenApiDocument.undocumentedRoutes(checked, router.getRoutes());
        if (!undocumented.isEmpty()) {
          LOG.error("OpenAPI document is missing routes the router serves: {} (add them to OpenApiDocument)",
              undocumented);
          checked.put(OpenApiDocument.UNDOCUMENTED_ROUTES, new JsonArray(List.copyOf(undocumented)));
        }
        served = checked.toBuffer();
        body = served;
      }
      ctx.response()
          .putHeader("content-type", "application/json")
          .putHeader("cache-control", "no-cache")
          .end(served);
    }
  }

  /**
   * The webjar's index.html works at /docs/ but not at /docs (its links are relative), so the page
   * is served here with links that work from both; it loads our initializer, not the webjar's.
   */
  private static void index(RoutingContext ctx) {
    String base = ctx.request().path().endsWith("/") ? "" : "docs/";
    ctx.response()
        .putHeader("content-type", "text/html; charset=utf-8")
        .putHeader("cache-control", "no-cache")
        .end(INDEX.replace("{base}", base));
  }

  private static final String INDEX = """
      <!DOCTYPE html>
      <html lang="en">
        <head>
          <meta charset="UTF-8">
          <title>user-batch-service API</title>
          <link rel="stylesheet" type="text/css" href="{base}swagger-ui.css" />
          <link rel="stylesheet" type="text/css" href="{base}index.css" />
          <link rel="icon" type="image/png" href="{base}favicon-32x32.png" sizes="32x32" />
          <link rel="icon" type="image/png" href="{base}favicon-16x16.png" sizes="16x16" />
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="{base}swagger-ui-bundle.js" charset="UTF-8"></script>
          <script src="{base}swagger-ui-standalone-preset.js" charset="UTF-8"></script>
          <script src="{base}swagger-initializer.js" charset="UTF-8"></script>
        </body>
      </html>
      """;

  /** Points Swagger UI at ../openapi.json relative to this script, so it also works behind a path prefix. */
  private static final String INITIALIZER = """
      (function () {
        var script = document.currentScript;
        var spec = new URL("../openapi.json", script ? script.src : window.location.href).href;
        window.onload = function () {
          window.ui = SwaggerUIBundle({
            url: spec,
            dom_id: "#swagger-ui",
            deepLinking: true,
            presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
            plugins: [SwaggerUIBundle.plugins.DownloadUrl],
            layout: "StandaloneLayout"
          });
        };
      })();
      """;

  /**
   * The version directory of the swagger-ui webjar, read from its Maven metadata (so a pom bump
   * needs no code change); {@value #KNOWN_VERSION} when the metadata was stripped from the jar.
   */
  private static String swaggerUiVersion() {
    ClassLoader loader = OpenApiRoutes.class.getClassLoader();
    String version = KNOWN_VERSION;
    try (InputStream in = loader.getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        version = properties.getProperty("version", KNOWN_VERSION);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (loader.getResource(WEBJAR + version + "/swagger-ui-bundle.js") == null) {
      throw new IllegalStateException("Swagger UI files not found on the classpath under " + WEBJAR + version
          + " (org.webjars:swagger-ui)");
    }
    return version;
  }
}
