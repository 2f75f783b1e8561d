package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.support.ChildService;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue 12 item 12, as an operator tried it: 8 clients, mixed create / lookup / update / last-login
 * / soft-delete / restore over overlapping users, against the service in its own JVM with {@code
 * -Xmx256m}, for {@code soak.seconds} (the {@code soak} profile: {@code mvn -Psoak verify}).
 * Asserts no 5xx at all, no "Promise already completed" in the service log (vertx-sql-client's pool
 * wait timeout bug), and a heap after a full GC no larger at the end than after warm-up. Skipped
 * unless {@code soak.seconds} is set: it runs for minutes.
 */
@EnabledIfSystemProperty(named = "soak.seconds", matches = "\\d+")
class SoakTest {
  private static final int CLIENTS = 8;
  private static final int SEED_USERS = 2_000;
  private static final long WARM_UP_MS = 20_000;

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final List<String> userIds = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
  private final List<String> serverErrors = new CopyOnWriteArrayList<>();
  private String token;
  private int port;

  @Test
  void eightClientsOfMixedOperationsGetNo5xxAndTheHeapStaysFlat() throws Exception {
    long seconds = Long.getLong("soak.seconds");
    try (ChildService child = ChildService.start("soak", "256m", Map.of())) {
      port = child.port();
      token = TestService.shared().token("soak-test", Scopes.READ, Scopes.WRITE);
      for (int created = 0; created < SEED_USERS; created += 500) {
        userIds.addAll(create(500));
      }
      long warmUpEnd = System.currentTimeMillis() + WARM_UP_MS;
      long end = warmUpEnd + seconds * 1000;
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        running.add(clients.submit(() -> loop(end)));
      }
      while (System.currentTimeMillis() < warmUpEnd) {
        TimeUnit.MILLISECONDS.sleep(warmUpEnd - System.currentTimeMillis() + 1);
      }
      long heapAfterWarmUp = child.heapAfterFullGcMb();
      Map<String, Long> warmUpStatuses = snapshot();
      for (Future<?> loop : running) {
        loop.get(seconds + 120, TimeUnit.SECONDS);
      }
      clients.shutdown();
      long heapAtEnd = child.heapAfterFullGcMb();
      long promiseErrors =
          Files.readAllLines(Path.of("target", "child-soak.log").toAbsolutePath()).stream()
              .filter(line -> line.contains("Promise already completed"))
              .count();
      Map<String, Long> all = snapshot();
      long requests = all.values().stream().mapToLong(Long::longValue).sum();
      System.out.printf(
          "soak: %d s measured after %d s warm-up, %d clients, %d requests (%.0f/s); statuses %s "
              + "(after warm-up: %s); heap after full GC %d MB after warm-up, %d MB at the end; peak seen by the GC "
              + "%d MB; 'Promise already completed' in the log: %d%n",
          seconds,
          WARM_UP_MS / 1000,
          CLIENTS,
          requests,
          requests / (double) (seconds + WARM_UP_MS / 1000),
          all,
          warmUpStatuses,
          heapAfterWarmUp,
          heapAtEnd,
          child.peakHeapMb(),
          promiseErrors);
      assertThat(serverErrors).as("5xx answers").isEmpty();
      assertThat(all.keySet()).allMatch(status -> status.compareTo("500") < 0);
      assertThat(promiseErrors).isZero();
      assertThat(child.isAlive()).isTrue();
      assertThat(heapAtEnd)
          .as("heap after a full GC, MB")
          .isLessThanOrEqualTo(heapAfterWarmUp + 16);
    }
  }

  private Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    statuses.forEach((status, count) -> copy.put(status, count.get()));
    return copy;
  }

  private void loop(long end) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (System.currentTimeMillis() < end) {
      try {
        switch (random.nextInt(10)) {
          case 0 ->
              userIds.addAll(
                  random.nextBoolean() ? create(1 + random.nextInt(50)) : createWithPasswords(3));
          case 1, 2, 3 ->
              call("POST", "/batch/users/lookup", new JsonObject().put("ids", someIds(100)));
          case 4, 5 ->
              call("PATCH", "/batch/users/update", new JsonObject().put("updates", updates(50)));
          case 6, 7 ->
              call(
                  "PATCH",
                  "/batch/users/last-login",
                  new JsonObject().put("userIds", someIds(100)));
          case 8 ->
              call(
                  "DELETE",
                  "/batch/users/soft-delete",
                  new JsonObject().put("userIds", someIds(10)));
          default ->
              call("POST", "/batch/users/restore", new JsonObject().put("userIds", someIds(10)));
        }
      } catch (Exception e) {
        serverErrors.add("no answer: " + e);
      }
    }
  }

  private JsonArray someIds(int max) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    JsonArray ids = new JsonArray();
    int count = 1 + random.nextInt(max);
    for (int i = 0; i < count; i++) {
      ids.add(userIds.get(random.nextInt(userIds.size())));
    }
    return ids;
  }

  private JsonArray updates(int max) {
    JsonArray updates = new JsonArray();
    for (Object id : someIds(max)) {
      updates.add(
          new JsonObject()
              .put("id", id)
              .put("data", new JsonObject().put("name", "soak " + System.nanoTime())));
    }
    return updates;
  }

  private List<String> create(int count) throws Exception {
    JsonObject response =
        call(
            "POST",
            "/batch/users/create",
            TestData.createRequest(TestData.usersWithHash("soak", count), null));
    List<String> ids = new ArrayList<>();
    JsonArray data = response.getJsonArray("data");
    if (data != null) {
      data.forEach(user -> ids.add(((JsonObject) user).getString("id")));
    }
    return ids;
  }

  /** Plaintext passwords: the service hashes them (Argon2id), the slowest chunks there are. */
  private List<String> createWithPasswords(int max) throws Exception {
    JsonArray users = new JsonArray();
    int count = 1 + ThreadLocalRandom.current().nextInt(max);
    for (int i = 0; i < count; i++) {
      users.add(
          new JsonObject()
              .put("email", TestData.email("soak-pw"))
              .put("name", "Soak")
              .put("password", "correct horse battery " + i));
    }
    JsonObject response = call("POST", "/batch/users/create", new JsonObject().put("users", users));
    List<String> ids = new ArrayList<>();
    JsonArray data = response.getJsonArray("data");
    if (data != null) {
      data.forEach(user -> ids.add(((JsonObject) user).getString("id")));
    }
    return ids;
  }

  private JsonObject call(String method, String path, JsonObject body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body.encode()))
            .build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    statuses
        .computeIfAbsent(String.valueOf(response.statusCode()), status -> new AtomicLong())
        .incrementAndGet();
    if (response.statusCode() >= 500) {
      serverErrors.add(method + " " + path + " → " + response.statusCode() + " " + response.body());
    }
    return new JsonObject(response.body());
  }
}
