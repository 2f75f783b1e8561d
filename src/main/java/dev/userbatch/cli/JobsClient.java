package dev.userbatch.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The jobs API of the service ({@code /batch/users/jobs}, see jobs-api in the README) over the
 * JDK's HTTP client: uploads are streamed from the file, event streams and failure files are read
 * line by line, never whole.
 */
final class JobsClient {
  static final String JOBS = "/batch/users/jobs";

  private final URI base;
  private final String authorization;
  private final HttpClient http;

  JobsClient(URI base, String token) {
    String url = base.toString();
    this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    this.authorization = "Bearer " + token;
    // HTTP/1.1: the service speaks it; no h2c upgrade attempt on a streamed upload
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /**
   * Streams {@code file} as a new job; {@code uploaded} hears the bytes sent so far. Answers the
   * job record once the service has staged every line.
   */
  JsonObject submit(
      Path file,
      JobFormat format,
      Map<String, String> query,
      String idempotencyKey,
      LongConsumer uploaded)
      throws IOException, InterruptedException, ApiException {
    long size = Files.size(file);
    HttpRequest.BodyPublisher body =
        BodyPublishers.fromPublisher(
            BodyPublishers.ofInputStream(() -> new CountingInputStream(openOrFail(file), uploaded)),
            size);
    HttpRequest.Builder request =
        request(JOBS + "?" + encode(query)).header("Content-Type", format.mediaType()).POST(body);
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return json(http.send(request.build(), BodyHandlers.ofString()), 202);
  }

  JsonObject list(int limit, String before) throws IOException, InterruptedException, ApiException {
    String query = "?limit=" + limit + (before == null ? "" : "&before=" + encodeValue(before));
    return json(http.send(request(JOBS + query).GET().build(), BodyHandlers.ofString()), 200);
  }

  JsonObject get(String id) throws IOException, InterruptedException, ApiException {
    return json(http.send(request(jobPath(id)).GET().build(), BodyHandlers.ofString()), 200);
  }

  JsonObject cancel(String id) throws IOException, InterruptedException, ApiException {
    return json(http.send(request(jobPath(id)).DELETE().build(), BodyHandlers.ofString()), 202);
  }

  /** Follows the job's event stream until the service closes it; {@code sink} hears every event. */
  void events(String id, Consumer<ServerSentEvents.Event> sink)
      throws IOException, InterruptedException, ApiException {
    HttpRequest request =
        request(jobPath(id) + "/events").header("Accept", "text/event-stream").GET().build();
    HttpResponse<Stream<String>> response = http.send(request, BodyHandlers.ofLines());
    try (Stream<String> lines = response.body()) {
      if (response.statusCode() != 200) {
        throw ApiException.of(response.statusCode(), lines.collect(Collectors.joining("\n")));
      }
      ServerSentEvents parser = new ServerSentEvents(sink);
      lines.forEach(parser::line);
      parser.line(""); // a last event without its blank line still counts
    }
  }

  /** The job's failure file (NDJSON), one line at a time, as the service streams it. */
  void failures(String id, Consumer<String> sink)
      throws IOException, InterruptedException, ApiException {
    HttpResponse<Stream<String>> response =
        http.send(request(jobPath(id) + "/failures").GET().build(), BodyHandlers.ofLines());
    try (Stream<String> lines = response.body()) {
      if (response.statusCode() != 200) {
        throw ApiException.of(response.statusCode(), lines.collect(Collectors.joining("\n")));
      }
      lines.filter(line -> !line.isBlank()).forEach(sink);
    }
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(base + pathAndQuery))
        .header("Authorization", authorization);
  }

  private static String jobPath(String id) {
    return JOBS + "/" + encodeValue(id);
  }

  private static JsonObject json(HttpResponse<String> response, int expected) throws ApiException {
    if (response.statusCode() != expected) {
      throw ApiException.of(response.statusCode(), response.body());
    }
    return new JsonObject(response.body());
  }

  private static String encode(Map<String, String> query) {
    return query.entrySet().stream()
        .map(e -> encodeValue(e.getKey()) + "=" + encodeValue(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String encodeValue(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static InputStream openOrFail(Path file) {
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
