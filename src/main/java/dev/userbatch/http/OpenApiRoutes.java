package dev.userbatch.http;

import dev.userbatch.validation.SchemaValidator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * {@code GET /openapi.json}: the hand-written {@value #DOCUMENT} from the classpath, read once and
 * served as it is. {@code GET /schemas/<file>}: the JSON Schema files that validate requests, which
 * the document (and each other) refer to by relative URL, so that Swagger UI and clients resolve
 * them from this service. {@code GET /docs}: Swagger UI from the org.webjars:swagger-ui jar on the
 * classpath, so it works from the fat jar without internet. No authentication.
 *
 * <p>{@link #requireDocumented} refuses to start a router that serves a route the document lacks,
 * so that a new endpoint cannot go undocumented (every test then fails, OpenApiTest says why).
 */
final class OpenApiRoutes {
  static final String DOCUMENT = "openapi.json";
  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  private static final String KNOWN_VERSION = "5.32.6";

  private OpenApiRoutes() {}

  /** Read once per JVM: they depend only on the classpath. */
  private static final class Loaded {
    static final Buffer DOCUMENT = read(OpenApiRoutes.DOCUMENT);
    static final JsonObject PARSED =
        new JsonObject(DOCUMENT); // fails start-up loudly when it is not a JSON object
    static final Map<String, Buffer> SCHEMAS =
        SchemaValidator.SCHEMAS.stream()
            .collect(Collectors.toUnmodifiableMap(file -> file, file -> read("schemas/" + file)));
    static final String SWAGGER_UI_ROOT = WEBJAR + swaggerUiVersion();
  }

  static void mount(Vertx vertx, Router router) {
    Buffer document = Loaded.DOCUMENT;
    router
        .get("/openapi.json")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", "application/json")
                    .putHeader("cache-control", "no-cache")
                    .end(document));
    router.get("/schemas/:file").handler(OpenApiRoutes::schema);
    router.get("/docs").handler(OpenApiRoutes::index);
    router.get("/docs/").handler(OpenApiRoutes::index);
    router
        .get("/docs/swagger-initializer.js")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", "text/javascript; charset=utf-8")
                    .putHeader("cache-control", "no-cache")
                    .end(INITIALIZER));
    router
        .get("/docs/*")
        .handler(
            StaticHandler.create(Loaded.SWAGGER_UI_ROOT)
                .setDirectoryListing(false)
                .setIndexPage("index.html"));
  }

  /**
   * Throws when {@code router} serves a route that {@value #DOCUMENT} lacks. Call it once every
   * route is added: the check is cheap, and a route is code, so the gap shows on the first start.
   */
  static void requireDocumented(Router router) {
    List<String> undocumented = RouteCoverage.undocumentedRoutes(Loaded.PARSED, router.getRoutes());
    if (!undocumented.isEmpty()) {
      throw new IllegalStateException(
          "src/main/resources/"
              + DOCUMENT
              + " does not document the routes "
              + undocumented
              + ": add them to its paths");
    }
  }

  /** Only the files the validator reads: a name is looked up, never turned into a path. */
  private static void schema(RoutingContext ctx) {
    Buffer file = Loaded.SCHEMAS.get(ctx.pathParam("file"));
    if (file == null) {
      ctx.next(); // 404 NOT_FOUND, like any unknown path
      return;
    }
    ctx.response()
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-cache")
        .end(file);
  }

  private static Buffer read(String resource) {
    try (InputStream in = OpenApiRoutes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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

  private static final String INDEX =
      """
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

  /**
   * Points Swagger UI at ../openapi.json relative to this script, so it also works behind a path
   * prefix.
   */
  private static final String INITIALIZER =
      """
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
    try (InputStream in =
        loader.getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        version = properties.getProperty("version", KNOWN_VERSION);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (loader.getResource(WEBJAR + version + "/swagger-ui-bundle.js") == null) {
      throw new IllegalStateException(
          "Swagger UI files not found on the classpath under "
              + WEBJAR
              + version
              + " (org.webjars:swagger-ui)");
    }
    return version;
  }
}
