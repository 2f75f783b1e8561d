package dev.userbatch.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * An embedded redis-server (binary from the embedded-redis jar) on 127.0.0.1 whose data (AOF, RDB)
 * lives in {@code base/redis} and survives restarts. A file lock keeps a second instance off the
 * directory, and a redis-server left running by a killed JVM is stopped before the new one starts.
 */
final class EmbeddedRedisServer implements AutoCloseable {

  static final int PREFERRED_PORT = 63799;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedisServer.class);
  private static final Logger REDIS_LOG =
      LoggerFactory.getLogger("dev.userbatch.embedded.redis-server");
  private static final String LOCK_FILE = "embedded-redis.lock";
  private static final String PID_FILE = "redis.pid";

  private final RedisServer server;
  private final Path dir;
  private final int port;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private EmbeddedRedisServer(
      RedisServer server, Path dir, int port, FileChannel lockChannel, FileLock lock) {
    this.server = server;
    this.dir = dir;
    this.port = port;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Starts redis-server on {@code base/redis} with append-only persistence; the directory stays
   * locked until {@link #close()}.
   *
   * @throws InfrastructureException if the directory is in use, an orphan will not stop, or
   *     start-up fails
   */
  static EmbeddedRedisServer start(Path base) {
    Path dir = base.resolve("redis");
    long t0 = System.nanoTime();
    FileChannel lockChannel = null;
    FileLock lock = null;
    RedisServer server;
    int port;
    try {
      Files.createDirectories(dir);
      lockChannel =
          FileChannel.open(
              dir.resolve(LOCK_FILE), StandardOpenOption.WRITE, StandardOpenOption.CREATE);
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new InfrastructureException(
            "Embedded Redis data directory "
                + dir
                + " is in use by another "
                + "running instance. Stop it or use another DATA_DIR.");
      }
      recoverOrphan(dir);
      port = LoopbackPorts.choosePort(PREFERRED_PORT);
      LOG.info("Starting embedded Redis (data in {}, port {})...", dir, port);
      server =
          RedisServer.newRedisServer()
              .port(port)
              .bind(LoopbackPorts.LOOPBACK)
              .setting("daemonize no")
              .setting("dir " + quote(dir.toString()))
              .setting("pidfile " + quote(dir.resolve(PID_FILE).toString()))
              .setting("appendonly yes")
              .setting("appendfsync everysec")
              .soutListener(line -> REDIS_LOG.debug("{}", line))
              .serrListener(line -> REDIS_LOG.warn("{}", line))
              .build();
      server.start();
    } catch (Exception e) {
      closeQuietly(lock, lockChannel);
      if (e instanceof InfrastructureException) {
        throw (InfrastructureException) e;
      }
      throw new InfrastructureException(
          "Could not start embedded Redis (data in "
              + dir
              + "): "
              + InfrastructureException.causeText(e),
          e);
    }
    EmbeddedRedisServer started = new EmbeddedRedisServer(server, dir, port, lockChannel, lock);
    LOG.info("Embedded Redis ready at {} after {} s", started.url(), secondsSince(t0));
    return started;
  }

  /** {@code redis://127.0.0.1:<port>} (no password, loopback only). */
  String url() {
    return "redis://" + LoopbackPorts.LOOPBACK + ":" + port;
  }

  /** "embedded (data in ..., port ...)", as logged and shown by the service. */
  String description() {
    return "embedded (data in " + dir + ", port " + port + ")";
  }

  /** SIGTERM: Redis flushes the AOF / writes the RDB and exits; then the directory is unlocked. */
  @Override
  public void close() throws IOException {
    long t = System.nanoTime();
    try {
      server.stop();
      LOG.info("Embedded Redis stopped ({} s)", secondsSince(t));
    } finally {
      closeQuietly(lock, lockChannel);
    }
  }

  /**
   * Stops a redis-server left running (by a killed JVM) on this data directory, or removes a stale
   * pid file.
   */
  private static void recoverOrphan(Path dir) throws IOException {
    Path pidFile = dir.resolve(PID_FILE);
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
    } catch (RuntimeException e) {
      Files.deleteIfExists(pidFile);
      return;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    boolean orphan =
        handle.isPresent()
            && pid != ProcessHandle.current().pid()
            // only the executable path is reliable: redis-server overwrites its argv (process
            // title)
            && handle.get().info().command().map(c -> c.contains("redis-server")).orElse(false);
    if (!orphan) {
      LOG.info("Removing stale {} (process {} is not an embedded redis-server)", pidFile, pid);
      Files.deleteIfExists(pidFile);
      return;
    }
    LOG.warn(
        "An orphaned embedded Redis (pid {}) from a previous run is still running on {}; stopping it",
        pid,
        dir);
    handle.get().destroy(); // SIGTERM: Redis saves and exits
    OrphanProcesses.awaitExit(handle.get(), "orphaned Redis", dir);
  }

  /** A redis.conf string argument: the data directory may contain spaces or quotes. */
  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static void closeQuietly(FileLock lock, FileChannel channel) {
    try {
      if (lock != null && lock.isValid()) {
        lock.release();
      }
    } catch (IOException ignored) {
      // best effort
    }
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // best effort
    }
  }

  private static String secondsSince(long startNanos) {
    return String.format(Locale.ROOT, "%.2f", (System.nanoTime() - startNanos) / 1e9);
  }
}
