package dev.userbatch.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Blocking HTTP/1.1 calls to one service (java.net.http): the batch requests of every measurement,
 * from as many threads as the mixed load has clients. Times are taken around the whole exchange,
 * body included.
 */
final class ServiceHttp {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final String base;
  private final String authorization;
  private final Duration timeout;

  ServiceHttp(String base, String authorization, Duration timeout) {
    this.base = base;
    this.authorization = authorization;
    this.timeout = timeout;
  }

  String base() {
    return base;
  }

  boolean live() {
    return call("GET", "/health/live", null, Duration.ofSeconds(10)).status() == 200;
  }

  Reply call(String method, String path, String body) {
    return call(method, path, body, timeout);
  }

  Reply call(String method, String path, String body, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (body != null) {
      request
          .header("content-type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpRequest built = request.build();
    long t0 = System.nanoTime();
    try {
      HttpResponse<String> response =
          http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Reply(
          response.statusCode(), response.body(), (System.nanoTime() - t0) / 1e6, null);
    } catch (IOException e) {
      return new Reply(
          -1,
          null,
          (System.nanoTime() - t0) / 1e6,
          e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(-1, null, (System.nanoTime() - t0) / 1e6, "interrupted");
    }
  }
}
