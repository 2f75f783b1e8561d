package dev.userbatch.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service as an operator runs it: {@code java -jar} of the fat jar (system property {@code
 * fatJar}, set by the {@code cluster} profile) in a JVM of its own, configured by environment
 * variables, on the shared test service's PostgreSQL and Redis. Its output goes to {@code
 * target/cluster-it/<name>.log}.
 */
public final class JarNode implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;
  private final long startedAtNanos;
  private long startUpMs = -1;

  private JarNode(String name, Process process, int port, Path log, long startedAtNanos) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
    this.startedAtNanos = startedAtNanos;
  }

  /**
   * Starts the jar with the shared settings plus {@code settings}; {@link #awaitLive} waits for it.
   */
  public static JarNode launch(String name, int httpPort, Map<String, String> settings) {
    String jar = System.getProperty("fatJar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "no fat jar at -DfatJar=" + jar + ": run with mvn -Pcluster verify");
    }
    var shared = TestService.shared().app.config();
    Path dir = Path.of("target", "cluster-it").toAbsolutePath();
    Path log = dir.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m",
                    "-jar",
                    jar))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("HTTP_PORT", String.valueOf(httpPort));
    env.put("PG_URL", shared.pgUrl());
    env.put("REDIS_URL", shared.redisUrl());
    env.put("EMBEDDED", "never");
    env.put("LOG_FORMAT", "text");
    env.put("DATA_DIR", dir.resolve(name).toString());
    env.put("JWT_SECRET", TestService.JWT_SECRET);
    env.put("IDEMPOTENCY_HMAC_KEY", "cluster-it-idempotency-key-0123456789abcdef");
    env.put("SHUTDOWN_TIMEOUT_MS", SeparateService.SHUTDOWN_TIMEOUT_MS);
    env.put("RATE_LIMIT_ITEMS_PER_MINUTE", "1000000000000");
    env.putAll(settings);
    try {
      Files.createDirectories(dir);
      long started = System.nanoTime();
      return new JarNode(name, builder.start(), httpPort, log, started);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until /health/live answers; returns this. */
  public JarNode awaitLive(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + "; log:\n" + logTail());
      }
      try {
        if (get("/health/live").statusCode() == 200) {
          startUpMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAtNanos);
          return this;
        }
      } catch (UncheckedIOException notYet) {
        // not listening yet
      }
      sleep(200);
    }
    close();
    throw new IllegalStateException(
        name + " did not listen within " + timeoutMs + " ms; log:\n" + logTail());
  }

  public static JarNode start(String name, int httpPort, Map<String, String> settings) {
    return launch(name, httpPort, settings).awaitLive(180_000);
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  /** From the process start to the first answer of /health/live. */
  public long startUpMs() {
    return startUpMs;
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public HttpResponse<String> post(String path, String token, JsonObject body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  /** A request with a JSON body and any method (PATCH, DELETE, …). */
  public HttpResponse<String> send(String method, String path, String token, JsonObject body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  public JsonObject ready() {
    return new JsonObject(get("/health/ready").body());
  }

  /** The data of one readiness check, or null when there is no such check. */
  public JsonObject readyCheck(String id) {
    return ready().getJsonArray("checks").stream()
        .map(JsonObject.class::cast)
        .filter(check -> id.equals(check.getString("id")))
        .findFirst()
        .orElse(null);
  }

  public PrometheusText metrics() {
    return PrometheusText.parse(get("/metrics").body());
  }

  /** Chunks of {@code operation} this node's workers ran, whoever sent them. */
  public double chunksProcessed(String operation) {
    return metrics().samples().stream()
        .filter(
            s ->
                s.name().equals("vertx_eventbus_processed_total")
                    && ("users.chunk." + operation).equals(s.labels().get("address")))
        .mapToDouble(PrometheusText.Sample::value)
        .sum();
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  public String logTail() {
    List<String> lines = log().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(
          request.timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGKILL: the process ends at once, with whatever it had in flight. */
  public void kill() {
    try {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM (a graceful stop), then SIGKILL if it has not ended within 30 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
