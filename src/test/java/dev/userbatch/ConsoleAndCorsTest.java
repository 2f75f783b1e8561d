package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the console's files come with their own Content-Security-Policy and carry no inline
 * script; the API refuses cross-origin requests unless CORS_ORIGINS lists the origin.
 */
class ConsoleAndCorsTest extends ApiTest {
  private static final String ALLOWED = "https://console.example.com";
  private static TestService withCors;
  private static WebClient corsClient;

  @BeforeAll
  static void startServiceWithCorsOrigins() {
    withCors =
        TestService.start(
            config ->
                config.withSecurity(
                    config.security().withCorsOrigins(Set.of(ALLOWED, "http://localhost:3000"))));
    corsClient =
        WebClient.create(
            withCors.clientVertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(withCors.port()));
  }

  @AfterAll
  static void stop() {
    corsClient.close();
    withCors.close();
  }

  @Test
  void consolePageHasItsOwnStrictPolicyAndNoInlineScript() {
    HttpResponse<Buffer> redirect =
        sync(service.anonymousHttp.get("/console").followRedirects(false).send());
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.getHeader("Location")).isEqualTo("console/");

    HttpResponse<Buffer> page = sync(service.anonymousHttp.get("/console/").send());
    assertThat(page.statusCode()).as(page.bodyAsString()).isEqualTo(200);
    assertThat(page.getHeader("Content-Type")).startsWith("text/html");
    String csp = page.getHeader("Content-Security-Policy");
    assertThat(csp)
        .contains("default-src 'none'")
        .contains("script-src 'self'")
        .contains("connect-src 'self'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline")
        .doesNotContain("http");
    assertThat(page.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    String html = page.bodyAsString();
    assertThat(html).contains("<script type=\"module\" src=\"app.js\"></script>");
    assertThat(html.replace("<script type=\"module\" src=\"app.js\"></script>", ""))
        .doesNotContain("<script")
        .doesNotContainPattern("\\son[a-z]+\\s*=") // no inline handler attribute (onclick=)
        .doesNotContain("style=")
        .doesNotContain("http://")
        .doesNotContain("https://");

    for (String asset : new String[] {"app.js", "api.js", "view.js", "console.css"}) {
      HttpResponse<Buffer> file = sync(service.anonymousHttp.get("/console/" + asset).send());
      assertThat(file.statusCode()).as(asset).isEqualTo(200);
      assertThat(file.getHeader("Content-Security-Policy")).as(asset).isEqualTo(csp);
      assertThat(file.bodyAsString()).as(asset).doesNotContain("innerHTML").doesNotContain("eval(");
    }
    assertThat(sync(service.anonymousHttp.get("/console/app.js").send()).getHeader("Content-Type"))
        .contains("javascript");
    assertThat(sync(service.anonymousHttp.get("/console/missing.js").send()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void crossOriginRequestsAreRefusedByDefault() {
    HttpResponse<Buffer> refused =
        sync(
            service
                .http
                .get("/batch/users/lookup?ids=" + java.util.UUID.randomUUID())
                .putHeader("Origin", "https://evil.example")
                .send());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("ORIGIN_NOT_ALLOWED");
    assertThat(refused.getHeader("Access-Control-Allow-Origin")).isNull();

    HttpResponse<Buffer> preflight =
        sync(
            service
                .anonymousHttp
                .request(HttpMethod.OPTIONS, "/batch/users/create")
                .putHeader("Origin", "https://evil.example")
                .putHeader("Access-Control-Request-Method", "POST")
                .send());
    assertThat(preflight.statusCode()).isEqualTo(403);
    assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void sameOriginAndOriginlessRequestsPass() {
    String own = "http://127.0.0.1:" + service.port();
    HttpResponse<Buffer> same =
        sync(
            service
                .http
                .get("/batch/users/lookup?ids=" + java.util.UUID.randomUUID())
                .putHeader("Origin", own)
                .send());
    assertThat(same.statusCode()).isEqualTo(200);
    assertThat(same.getHeader("Access-Control-Allow-Origin")).isNull();
    assertThat(sync(get("/batch/users/lookup?ids=" + java.util.UUID.randomUUID())).statusCode())
        .isEqualTo(200);
  }

  @Test
  void listedOriginGetsPreflightAndCorsHeaders() {
    HttpResponse<Buffer> preflight =
        sync(
            corsClient
                .request(HttpMethod.OPTIONS, "/batch/users/create")
                .putHeader("Origin", ALLOWED)
                .putHeader("Access-Control-Request-Method", "POST")
                .putHeader("Access-Control-Request-Headers", "authorization, content-type")
                .send());
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
    assertThat(preflight.getHeader("Access-Control-Allow-Methods")).contains("POST");
    assertThat(preflight.getHeader("Access-Control-Allow-Headers")).contains("Authorization");
    assertThat(preflight.getHeader("Vary")).isEqualTo("Origin");

    HttpResponse<Buffer> call =
        sync(
            corsClient
                .get("/batch/users/lookup?ids=" + java.util.UUID.randomUUID())
                .putHeader("Origin", ALLOWED)
                .putHeader("Authorization", "Bearer " + withCors.token("cors-test", "users:read"))
                .send());
    assertThat(call.statusCode()).isEqualTo(200);
    assertThat(call.getHeader("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
    assertThat(call.getHeader("Access-Control-Expose-Headers")).contains("X-Correlation-Id");

    HttpResponse<Buffer> other =
        sync(
            corsClient
                .get("/health/live")
                .putHeader("Origin", "https://console.example.com.evil.example")
                .send());
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(other.bodyAsString()).getString("message")).contains("CORS_ORIGINS");
  }
}
