package dev.userbatch.job;

import dev.userbatch.batch.Scopes;
import dev.userbatch.support.TestService;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Drives jobs on a service in a JVM of its own (support.ChildService) over plain HTTP: an upload
 * generated as it is sent (never held whole), and the job's record.
 */
final class ChildJobs {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String token =
      "Bearer " + TestService.shared().token("jobs-child-test", Scopes.READ, Scopes.WRITE);

  /** {@code count} create lines with an imported hash, emails {@code <tag>-<i>@example.com}. */
  static InputStream users(String tag, int count) {
    return new InputStream() {
      private int next;
      private byte[] line = new byte[0];
      private int at;

      @Override
      public int read() {
        if (at == line.length) {
          if (next == count) {
            return -1;
          }
          line =
              ("{\"email\":\""
                      + tag
                      + "-"
                      + next
                      + "@example.com\",\"name\":\"User "
                      + next
                      + "\",\"passwordHash\":\""
                      + JobSupport.HASH
                      + "\"}\n")
                  .getBytes(StandardCharsets.UTF_8);
          next++;
          at = 0;
        }
        return line[at++] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        int n = 0;
        while (n < len) {
          int c = read();
          if (c < 0) {
            return n == 0 ? -1 : n;
          }
          b[off + n++] = (byte) c;
        }
        return n;
      }
    };
  }

  JsonObject upload(int port, String query, InputStream body) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/batch/users/jobs?" + query))
            .header("Authorization", token)
            .header("Content-Type", "application/x-ndjson")
            .timeout(Duration.ofMinutes(10))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
            .build();
    HttpResponse<String> response = send(request);
    if (response.statusCode() != 202) {
      throw new AssertionError("upload: " + response.statusCode() + " " + response.body());
    }
    return new JsonObject(response.body());
  }

  JsonObject job(int port, String id) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/batch/users/jobs/" + id))
            .header("Authorization", token)
            .timeout(Duration.ofSeconds(30))
            .build();
    return new JsonObject(send(request).body());
  }

  /** Waits for a final status; null if the time ran out. */
  JsonObject awaitFinal(int port, String id, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      JsonObject job = job(port, id);
      String status = job.getString("status");
      if (!status.equals("queued") && !status.equals("running")) {
        return job;
      }
      JobSupport.sleep(250);
    }
    return null;
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
