package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM during a batch: the service (a real separate JVM running Main) stops accepting new
 * requests, answers the one in flight with every item accounted for, leaves no partial chunk, and
 * exits within its grace period.
 */
class GracefulShutdownTest extends ApiTest {
  private static final int USERS = 4_000;
  private static final int CHUNK = 100;
  private static final long GRACE_MS = 60_000;

  @Test
  void sigtermDuringABatchAnswersItAndExits() throws Exception {
    int port = TestService.freePort();
    Path dataDir = Files.createTempDirectory("shutdown-test");
    Path log = dataDir.resolve("service.log");
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "dev.userbatch.Main");
    builder
        .environment()
        .putAll(
            Map.of(
                "HTTP_PORT", String.valueOf(port),
                "PG_URL", service.app.config().pgUrl(),
                "REDIS_URL", service.app.config().redisUrl(),
                "DATA_DIR", dataDir.toString(),
                "JWT_SECRET", TestService.JWT_SECRET,
                "SHUTDOWN_TIMEOUT_MS", String.valueOf(GRACE_MS),
                "LOG_FORMAT", "text"));
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    try {
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(2))
              .build();
      String base = "http://127.0.0.1:" + port;
      awaitLive(http, base, process, log);

      JsonArray users = TestData.usersWithHash("sigterm", USERS);
      String token = service.token("shutdown-test", "users:read", "users:write");
      JsonObject body =
          TestData.createRequest(
              users, new JsonObject().put("chunkSize", CHUNK).put("maxConcurrency", 1));
      CompletableFuture<HttpResponse<String>> inFlight =
          http.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/batch/users/create"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + token)
                  .timeout(Duration.ofSeconds(90))
                  .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      awaitFirstChunks(users);
      long signalled = System.nanoTime();
      process.destroy(); // SIGTERM
      assertThat(refusesNewRequests(http, base, 10_000))
          .as("no new requests once shutting down")
          .isTrue();

      HttpResponse<String> response = inFlight.get(90, TimeUnit.SECONDS);
      // The grace period is far longer than the batch needs: every chunk runs to its end.
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonObject json = new JsonObject(response.body());
      JsonObject stats = json.getJsonObject("stats");
      assertThat(stats.getInteger("total")).isEqualTo(USERS);
      assertThat(stats.getInteger("successful")).isEqualTo(USERS);

      assertThat(process.waitFor(GRACE_MS + 15_000, TimeUnit.MILLISECONDS))
          .as("exited within the grace period")
          .isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - signalled))
          .isLessThan(Duration.ofMillis(GRACE_MS + 15_000));
      assertThat(Files.readString(log)).contains("Shutting down").contains("Stopped");

      // No partial chunk: each chunk of 100 consecutive users is in the database entirely or not at
      // all.
      String[] emails =
          users.stream().map(u -> ((JsonObject) u).getString("email")).toArray(String[]::new);
      List<Long> perChunk =
          sync(
                  sql(
                      "SELECT count(*) FROM unnest($1::text[]) WITH ORDINALITY AS e(email, n) "
                          + "JOIN users u ON u.email = e.email GROUP BY (e.n - 1) / "
                          + CHUNK
                          + " ORDER BY (e.n - 1) / "
                          + CHUNK,
                      (Object) emails))
              .stream()
              .map(row -> row.getLong(0))
              .toList();
      assertThat(perChunk).hasSize(USERS / CHUNK).allMatch(count -> count == CHUNK);
      long created = perChunk.stream().mapToLong(Long::longValue).sum();
      assertThat(created).isEqualTo(stats.getInteger("successful").longValue());
    } finally {
      process.destroyForcibly();
    }
  }

  private void awaitLive(HttpClient http, String base, Process process, Path log) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      assertThat(process.isAlive()).as("service process died: %s", Files.readString(log)).isTrue();
      try {
        if (http.send(
                    HttpRequest.newBuilder(URI.create(base + "/health/live")).GET().build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "service did not start: " + Files.readString(new File(log.toString()).toPath()));
  }

  /** Polls until a new request is refused (the connection fails), or {@code millis} have passed. */
  private static boolean refusesNewRequests(HttpClient http, String base, long millis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      try {
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/health/live"))
                .timeout(Duration.ofSeconds(3))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.discarding());
      } catch (java.io.IOException refused) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  /**
   * Waits until the batch is under way (its first users exist), so that SIGTERM lands mid-batch.
   */
  private void awaitFirstChunks(JsonArray users) throws Exception {
    String first = users.getJsonObject(0).getString("email");
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      if (sync(sql("SELECT count(*) FROM users WHERE email = $1", first))
              .iterator()
              .next()
              .getLong(0)
          > 0) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the batch did not start");
  }
}
