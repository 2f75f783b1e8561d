package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.PrometheusText;
import dev.userbatch.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code /health/live} and {@code /health/ready} in the vertx-health-check JSON format; readiness
 * fails when PostgreSQL goes away while liveness does not.
 */
class HealthTest extends ApiTest {

  private static Map<String, JsonObject> checks(JsonObject body) {
    Map<String, JsonObject> checks = new HashMap<>();
    JsonArray list = body.getJsonArray("checks");
    for (Object check : list) {
      checks.put(((JsonObject) check).getString("id"), (JsonObject) check);
    }
    return checks;
  }

  private static JsonObject json(HttpResponse<Buffer> response) {
    assertThat(response.getHeader("content-type")).startsWith("application/json");
    return response.bodyAsJsonObject();
  }

  @Test
  void liveAnswersUp() {
    HttpResponse<Buffer> response = sync(service.anonymousHttp.get("/health/live").send());
    assertThat(response.statusCode()).as("no credentials needed").isEqualTo(200);
    JsonObject body = json(response);
    assertThat(body.getString("status")).isEqualTo("UP");
    assertThat(body.getString("outcome")).isEqualTo("UP");
  }

  @Test
  void readyChecksPostgresWorkersAndRedis() {
    HttpResponse<Buffer> response = sync(service.anonymousHttp.get("/health/ready").send());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject body = json(response);
    assertThat(body.getString("status")).isEqualTo("UP");
    Map<String, JsonObject> checks = checks(body);
    assertThat(checks).containsKeys("postgres", "workers", "redis");
    checks
        .values()
        .forEach(check -> assertThat(check.getString("status")).as(check.encode()).isEqualTo("UP"));
    assertThat(checks.get("redis").getJsonObject("data").getBoolean("available")).isTrue();
  }

  @Test
  void readinessStaysUpAndQuickWhileTheWorkersAreBusyHashingPasswords() throws Exception {
    JsonArray users = new JsonArray();
    String run = UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < 48; i++) {
      users.add(
          new JsonObject()
              .put("email", "health-busy-" + run + "-" + i + "@example.com")
              .put("name", "Busy " + i)
              .put("password", "plaintext-password-" + i));
    }
    Future<HttpResponse<Buffer>> batch =
        service
            .http
            .post("/batch/users/create")
            .sendJsonObject(
                new JsonObject()
                    .put("users", users)
                    .put(
                        "options", new JsonObject().put("chunkSize", 12).put("maxConcurrency", 4)));
    // Probes from the start until the batch is answered: whatever the timing, they cover its
    // hashing.
    List<String> probes = new ArrayList<>();
    do {
      long started = System.nanoTime();
      HttpResponse<Buffer> ready = sync(service.anonymousHttp.get("/health/ready").send());
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      probes.add(ready.statusCode() + " in " + tookMs + " ms: " + ready.bodyAsString());
      assertThat(ready.statusCode()).as(probes.toString()).isEqualTo(200);
      assertThat(tookMs)
          .as("a probe answers within a probe's usual 1 s timeout: " + probes)
          .isLessThan(1000);
    } while (!batch.isComplete());
    assertThat(sync(batch).statusCode()).isEqualTo(200);
    assertThat(probes)
        .as("probes answered while the 48 passwords were hashed")
        .hasSizeGreaterThan(1);
  }

  @Test
  void readinessFailsWhenTheDatabaseIsUnreachableAndLivenessDoesNot() throws Exception {
    EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
    TestService own = null;
    try {
      String pgUrl = "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
      own =
          TestService.start(config -> config.withEndpoints(pgUrl, service.app.config().redisUrl()));

      HttpResponse<Buffer> ready = sync(own.anonymousHttp.get("/health/ready").send());
      assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(200);
      assertThat(checks(json(ready)).get("postgres").getString("status")).isEqualTo("UP");

      postgres.close();

      HttpResponse<Buffer> notReady = sync(own.anonymousHttp.get("/health/ready").send());
      assertThat(notReady.statusCode()).as(notReady.bodyAsString()).isEqualTo(503);
      JsonObject body = json(notReady);
      assertThat(body.getString("status")).isEqualTo("DOWN");
      Map<String, JsonObject> checks = checks(body);
      assertThat(checks.get("postgres").getString("status")).isEqualTo("DOWN");
      assertThat(checks.get("workers").getString("status")).isEqualTo("UP");
      assertThat(checks.get("redis").getString("status")).isEqualTo("UP");

      HttpResponse<Buffer> live = sync(own.anonymousHttp.get("/health/live").send());
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(json(live).getString("status")).isEqualTo("UP");

      // the instance's own /metrics (not the shared instance's) shows the failed probe
      PrometheusText metrics =
          PrometheusText.parse(sync(own.http.get("/metrics").send()).bodyAsString());
      assertThat(
              metrics.value(
                  "vertx_http_server_requests_total",
                  Map.of("method", "GET", "code", "503", "route", "/health/ready")))
          .isEqualTo(1.0);
      assertThat(
              metrics.value(
                  "vertx_http_server_requests_total",
                  Map.of("method", "GET", "code", "200", "route", "/health/ready")))
          .isEqualTo(1.0);
      assertThat(metrics.hasMetricStartingWith("jvm_memory_used_bytes")).isTrue();
    } finally {
      if (own != null) {
        own.close();
      }
      postgres.close();
    }
  }
}
