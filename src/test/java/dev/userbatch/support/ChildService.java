package dev.userbatch.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service in a JVM of its own, started from the test classpath with a heap limit: tests of
 * memory bounds cannot share the test JVM's heap. {@code -XX:+ExitOnOutOfMemoryError} makes an
 * exhausted heap a dead process that the test sees, not a half-working one. Uses the shared
 * service's PostgreSQL and Redis and signs nothing itself: callers use {@link TestService#token}.
 */
public final class ChildService implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private ChildService(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts {@code dev.userbatch.Main} with {@code -Xmx<heap>} and the extra settings; waits until it listens. */
  public static ChildService start(String name, String heap, Map<String, String> settings) {
    var shared = TestService.shared().app.config();
    int port = TestService.freePort();
    Path log = Path.of("target", "child-" + name + ".log").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError",
        // Surefire's class path is a manifest-only jar that names every dependency and target/classes.
        "-cp", System.getProperty("java.class.path"),
        "dev.userbatch.Main"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("PG_URL", shared.pgUrl());
    env.put("REDIS_URL", shared.redisUrl());
    env.put("EMBEDDED", "never");
    env.put("DATA_DIR", Path.of("target", "child-data-" + name).toAbsolutePath().toString());
    env.put("JWT_SECRET", TestService.JWT_SECRET);
    env.put("SHUTDOWN_TIMEOUT_MS", SeparateService.SHUTDOWN_TIMEOUT_MS);
    env.put("RATE_LIMIT_ITEMS_PER_MINUTE", "1000000000000");
    env.putAll(new HashMap<>(settings));
    try {
      Process process = builder.start();
      ChildService child = new ChildService(process, port, log);
      child.awaitListening(60_000);
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitListening(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("child service exited with " + process.exitValue() + "; log: " + logTail());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          process.waitFor(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    close();
    throw new IllegalStateException("child service did not listen within " + timeoutMs + " ms; log: " + logTail());
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The last lines of the child's output, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM (a graceful stop), then SIGKILL if it has not ended within 20 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
