package dev.userbatch;

import static dev.userbatch.support.FaultSupport.await;
import static dev.userbatch.support.FaultSupport.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.CuttableProxy;
import dev.userbatch.support.FaultSupport;
import dev.userbatch.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 11b: /health/ready explains a failure with a fixed reason, never the exception
 * text.
 */
class ReadinessReasonTest {

  @Test
  void aFailedCheckShowsAStableReasonAndNoExceptionText() {
    TestService shared = TestService.shared();
    PgConnectOptions pg = PgConnectOptions.fromUri(shared.app.config().pgUrl());
    URI redis = URI.create(shared.app.config().redisUrl());
    CuttableProxy proxy = new CuttableProxy(pg.getHost(), pg.getPort());
    CuttableProxy redisProxy = new CuttableProxy(redis.getHost(), redis.getPort());
    String proxiedUrl =
        "postgresql://" + pg.getUser() + "@127.0.0.1:" + proxy.port() + "/" + pg.getDatabase();
    TestService service =
        FaultSupport.startService(
            Map.of(), proxiedUrl, "redis://127.0.0.1:" + redisProxy.port() + redis.getPath());
    int deadRedisPort = redisProxy.port();
    try {
      // Both go away: their ports now refuse connections.
      proxy.close();
      redisProxy.close();
      HttpResponse<Buffer>[] last = new HttpResponse[1];
      assertThat(
              waitFor(
                  20_000,
                  () -> {
                    last[0] = await(service.anonymousHttp.get("/health/ready").send(), 10);
                    return last[0].statusCode() == 503;
                  }))
          .as("readiness fails once PostgreSQL is gone")
          .isTrue();
      String body = last[0].bodyAsString();
      JsonObject checks = new JsonObject();
      last[0]
          .bodyAsJsonObject()
          .getJsonArray("checks")
          .forEach(c -> checks.put(((JsonObject) c).getString("id"), c));
      assertThat(checks.getJsonObject("postgres").getString("status")).isEqualTo("DOWN");
      // Both ports refuse connections at once: the failures are errors, not timeouts.
      assertThat(checks.getJsonObject("postgres").getJsonObject("data"))
          .isEqualTo(new JsonObject().put("error", "database unavailable"));
      assertThat(checks.getJsonObject("redis").getJsonObject("data"))
          .isEqualTo(
              new JsonObject()
                  .put("error", "redis unavailable")
                  .put("available", false)
                  .put("degraded", "lookups are served from PostgreSQL"));
      assertThat(body)
          .as(body)
          .doesNotContain(String.valueOf(proxy.port()))
          .doesNotContain(String.valueOf(deadRedisPort))
          .doesNotContain("127.0.0.1")
          .doesNotContain("Exception")
          .doesNotContainIgnoringCase("refused")
          .doesNotContain("postgres@");
    } finally {
      service.close();
    }
  }
}
