package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.support.ChildService;
import dev.userbatch.support.TestService;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 3: hostile bodies of 15 MB, each millions of JSON values, sent 8 at once to a
 * service whose heap is 256 MB. The service runs in a JVM of its own (tests share one JVM, so a
 * heap limit can only be tested in another process); an exhausted heap ends that process ({@code
 * ExitOnOutOfMemoryError}), which the test sees as lost connections and a dead process.
 */
class MemoryBoundTest {
  private static final int BODY_BYTES = 15 * 1024 * 1024;
  private static ChildService child;
  private static HttpClient client;
  private static String token;

  @BeforeAll
  static void start() {
    child = ChildService.start("memory", "256m", Map.of());
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    token = TestService.shared().token("memory-test", Scopes.READ, Scopes.WRITE);
  }

  @AfterAll
  static void stop() {
    if (child != null) {
      child.close();
    }
  }

  @Test
  void eightConcurrentHostileBodiesAreRefusedWithinTheHeapAndTheServiceThenServes()
      throws Exception {
    long baselineMb = child.heapAfterFullGcMb();
    byte[] emptyObjects = array("{\"ids\":[", "{}", "]}"); // 5 million objects
    byte[] numbers = array("{\"users\":[", "0", "]}"); // 7.5 million numbers
    byte[] wideInner =
        array("{\"users\":[{\"email\":[", "1", "]}]}"); // one item, one huge inner array
    byte[] deepAndWide =
        array("{\"users\":[", "[[[[[[[[[[[[0]]]]]]]]]]]]", "]}"); // 13 values per element
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      responses.add(send("POST", "/batch/users/lookup", emptyObjects));
      responses.add(send("POST", "/batch/users/create", numbers));
      responses.add(send("POST", "/batch/users/create", wideInner));
      responses.add(send("POST", "/batch/users/create", deepAndWide));
    }
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> pending : responses) {
      HttpResponse<String> response;
      try {
        response = pending.get(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError(
            "a hostile request got no answer ("
                + e
                + "); child alive: "
                + child.isAlive()
                + "; child log:\n"
                + child.logTail(),
            e);
      }
      statuses.add(response.statusCode());
      JsonObject body = new JsonObject(response.body());
      assertThat(response.statusCode()).as(response.body()).isIn(413, 503);
      if (response.statusCode() == 413) {
        assertThat(body.getString("code")).isIn("TOO_MANY_ITEMS", "TOO_MANY_VALUES");
      } else {
        assertThat(body.getString("code")).isEqualTo("OVERLOADED");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
      }
    }
    assertThat(child.isAlive()).as("the service survived; log:\n%s", child.logTail()).isTrue();
    // The strict pass refused at least one of them (the rest may have been turned away at the
    // door).
    assertThat(statuses).contains(413);
    // Nothing of the refused requests stays behind.
    long afterMb = child.heapAfterFullGcMb();
    System.out.printf(
        "hostile bodies: statuses %s; heap after full GC %d MB before, %d MB after; peak seen by the GC %d MB%n",
        statuses, baselineMb, afterMb, child.peakHeapMb());
    assertThat(afterMb).isLessThan(baselineMb + 32);

    HttpResponse<String> normal =
        send("GET", "/batch/users/lookup?ids=" + UUID.randomUUID(), null).get(30, TimeUnit.SECONDS);
    assertThat(normal.statusCode()).as(normal.body()).isEqualTo(200);
    assertThat(new JsonObject(normal.body()).getJsonArray("missing")).hasSize(1);
  }

  /** {@code head + element,element,... + tail}, about {@link #BODY_BYTES} long. */
  private static byte[] array(String head, String element, String tail) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(BODY_BYTES + 64);
    out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    byte[] separated = ("," + element).getBytes(StandardCharsets.UTF_8);
    out.writeBytes(element.getBytes(StandardCharsets.UTF_8));
    while (out.size() + separated.length + tail.length() < BODY_BYTES) {
      out.writeBytes(separated);
    }
    out.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static CompletableFuture<HttpResponse<String>> send(
      String method, String path, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + child.port() + path))
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json");
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
