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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
  private final Path gcLog;

  private ChildService(Process process, int port, Path log, Path gcLog) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.gcLog = gcLog;
  }

  private static Path gcLog(String name) {
    return Path.of("target", "child-" + name + "-gc.log").toAbsolutePath();
  }

  /**
   * Starts {@code dev.userbatch.Main} with {@code -Xmx<heap>} and the extra settings; waits until
   * it listens.
   */
  public static ChildService start(String name, String heap, Map<String, String> settings) {
    return start(name, heap, settings, List.of());
  }

  /**
   * As {@link #start(String, String, Map)}, with extra JVM options (e.g. {@code
   * -Dlogback.configurationFile=...}).
   */
  public static ChildService start(
      String name, String heap, Map<String, String> settings, List<String> jvmOptions) {
    var shared = TestService.shared().app.config();
    int port = TestService.freePort();
    Path log = Path.of("target", "child-" + name + ".log").toAbsolutePath();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-XX:+ExitOnOutOfMemoryError",
                "-Xlog:gc:file=" + gcLog(name)));
    command.addAll(jvmOptions);
    // Surefire's class path is a manifest-only jar that names every dependency and target/classes.
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.userbatch.Main"));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
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
      ChildService child = new ChildService(process, port, log, gcLog(name));
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
        throw new IllegalStateException(
            "child service exited with " + process.exitValue() + "; log: " + logTail());
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
    throw new IllegalStateException(
        "child service did not listen within " + timeoutMs + " ms; log: " + logTail());
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

  /** The largest heap in use (MB) that any collection found so far: the peak the GC saw. */
  public long peakHeapMb() {
    return gcLines().stream().mapToLong(line -> heapFigures(line)[0]).max().orElse(0);
  }

  /**
   * Runs a full collection in the child (jcmd GC.run) and returns the heap still in use after it
   * (MB).
   */
  public long heapAfterFullGcMb() {
    long before = gcLines().stream().filter(line -> line.contains("Pause Full")).count();
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      Process gc =
          new ProcessBuilder(jcmd, String.valueOf(pid()), "GC.run")
              .redirectErrorStream(true)
              .start();
      gc.getInputStream().readAllBytes();
      gc.waitFor(30, TimeUnit.SECONDS);
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        List<String> full = gcLines().stream().filter(line -> line.contains("Pause Full")).toList();
        if (full.size() > before) {
          return heapFigures(full.get(full.size() - 1))[1];
        }
        gc.waitFor(100, TimeUnit.MILLISECONDS);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException("no full GC in the child's GC log " + gcLog);
  }

  /** The collections of the GC log ({@code -Xlog:gc}): lines with "before->after(capacity)". */
  private List<String> gcLines() {
    try {
      return Files.readAllLines(gcLog).stream().filter(line -> HEAP.matcher(line).find()).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static final Pattern HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  private static long[] heapFigures(String line) {
    Matcher matcher = HEAP.matcher(line);
    matcher.find();
    return new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))};
  }

  /** Every line the child has written so far (standard output and error). */
  public List<String> logLines() {
    try {
      return Files.readAllLines(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
