package dev.userbatch.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL (zonky binaries) on 127.0.0.1 whose cluster lives in {@code base/postgres}
 * and survives restarts. Before starting it refuses a directory that another live instance uses,
 * and recovers from a previous run that was killed (stale or orphaned postmaster).
 */
final class EmbeddedPostgresServer implements AutoCloseable {

  static final int PREFERRED_PORT = 54329;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
  private static final String ZONKY_LOCK_FILE = "epg-lock";

  private final EmbeddedPostgres server;
  private final Path dir;

  private EmbeddedPostgresServer(EmbeddedPostgres server, Path dir) {
    this.server = server;
    this.dir = dir;
  }

  /**
   * Starts PostgreSQL on {@code base/postgres}, initialising the cluster on first use.
   *
   * @throws InfrastructureException if the directory is in use or not a cluster, or start-up fails
   */
  static EmbeddedPostgresServer start(Path base) {
    Path dir = base.resolve("postgres");
    long t0 = System.nanoTime();
    EmbeddedPostgres server;
    try {
      Files.createDirectories(dir);
      checkDataDir(dir);
      recoverStalePostmaster(dir);
      int port = LoopbackPorts.choosePort(PREFERRED_PORT);
      LOG.info("Starting embedded PostgreSQL (data in {}, port {})...", dir, port);
      server =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setPort(port)
              .setRegisterShutdownHook(false)
              .setPGStartupWait(STARTUP_WAIT)
              .setServerConfig("listen_addresses", LoopbackPorts.LOOPBACK)
              // no Unix socket in /tmp: avoids stale /tmp/.s.PGSQL.*.lock files after a crash
              .setServerConfig("unix_socket_directories", "")
              // zonky's test default is "off"; we want committed data to be durable
              .setServerConfig("synchronous_commit", "on")
              .start();
    } catch (InfrastructureException e) {
      throw e;
    } catch (Exception | ExceptionInInitializerError e) {
      throw new InfrastructureException(
          "Could not start embedded PostgreSQL (data in "
              + dir
              + "): "
              + InfrastructureException.causeText(e),
          e);
    }
    EmbeddedPostgresServer started = new EmbeddedPostgresServer(server, dir);
    LOG.info("Embedded PostgreSQL ready at {} after {} s", started.url(), secondsSince(t0));
    return started;
  }

  /**
   * {@code postgresql://postgres@127.0.0.1:<port>/postgres} (trust authentication, loopback only).
   */
  String url() {
    return "postgresql://postgres@" + LoopbackPorts.LOOPBACK + ":" + server.getPort() + "/postgres";
  }

  /** "embedded (data in ..., port ...)", as logged and shown by the service. */
  String description() {
    return "embedded (data in " + dir + ", port " + server.getPort() + ")";
  }

  /** Fast shutdown through pg_ctl; committed data is on disk. */
  @Override
  public void close() throws IOException {
    long t = System.nanoTime();
    server.close();
    LOG.info("Embedded PostgreSQL stopped ({} s)", secondsSince(t));
  }

  /**
   * Refuses a data dir that is in use by another live instance, or that is not a PostgreSQL
   * cluster.
   */
  private static void checkDataDir(Path dir) throws IOException {
    boolean empty;
    try (Stream<Path> entries = Files.list(dir)) {
      empty = entries.findAny().isEmpty();
    }
    if (empty) {
      return; // initdb will create a new cluster
    }
    if (!Files.exists(dir.resolve("PG_VERSION")) || !Files.exists(dir.resolve("postgresql.conf"))) {
      throw new InfrastructureException(
          "Embedded PostgreSQL data directory "
              + dir
              + " is not empty but contains "
              + "no PostgreSQL cluster (PG_VERSION/postgresql.conf missing; an interrupted first start?). "
              + "Delete the directory to initialise a new one.");
    }
    Path lockFile = dir.resolve(ZONKY_LOCK_FILE);
    if (Files.exists(lockFile) && !canLock(lockFile)) {
      throw new InfrastructureException(
          "Embedded PostgreSQL data directory "
              + dir
              + " is in use by another "
              + "running instance (lock "
              + lockFile
              + " is held). Stop it or use another DATA_DIR.");
    }
  }

  private static boolean canLock(Path lockFile) throws IOException {
    try (FileChannel ch =
        FileChannel.open(lockFile, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        return false;
      }
      lock.release();
      return true;
    } catch (OverlappingFileLockException e) {
      return false; // held by this JVM
    }
  }

  /**
   * Handles a postmaster.pid left behind by a process that was killed: if the process is gone (or
   * the pid now belongs to something else, e.g. after a container restart) the file is removed; if
   * an orphaned postmaster of this data directory is still running, it is shut down.
   */
  private static void recoverStalePostmaster(Path dir) throws IOException {
    Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      pid = Long.parseLong(lines.get(0).trim());
    } catch (RuntimeException e) {
      LOG.warn("Removing unreadable {}", pidFile);
      Files.deleteIfExists(pidFile);
      return;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (handle.isEmpty() || pid == ProcessHandle.current().pid()) {
      LOG.info("Removing stale {} (process {} is not running)", pidFile, pid);
      Files.deleteIfExists(pidFile);
      return;
    }
    ProcessHandle ph = handle.get();
    Optional<String> command = ph.info().command();
    if (command.isEmpty()) {
      return; // cannot inspect the process: let PostgreSQL decide
    }
    Path exe = Path.of(command.get());
    String args = ph.info().arguments().map(a -> String.join(" ", a)).orElse(null);
    boolean isPostmasterOfDir =
        exe.getFileName() != null
            && exe.getFileName().toString().equals("postgres")
            && (args == null || args.contains(dir.toString()));
    if (!isPostmasterOfDir) {
      LOG.info("Removing stale {} (pid {} now belongs to {})", pidFile, pid, exe);
      Files.deleteIfExists(pidFile);
      return;
    }
    LOG.warn(
        "An orphaned embedded PostgreSQL (pid {}) from a previous run is still running on {}; stopping it",
        pid,
        dir);
    stopWithPgCtl(exe.resolveSibling("pg_ctl"), dir);
    if (ph.isAlive()) {
      ph.destroy(); // SIGTERM = smart shutdown
    }
    OrphanProcesses.awaitExit(ph, "orphaned PostgreSQL", dir);
  }

  /**
   * {@code pg_ctl stop -m fast}: unlike SIGTERM (smart shutdown) it does not wait for the orphan's
   * sessions to end.
   */
  private static void stopWithPgCtl(Path pgCtl, Path dir) {
    if (!Files.isExecutable(pgCtl)) {
      return;
    }
    long waitSeconds = OrphanProcesses.STOP_WAIT.toSeconds();
    try {
      List<String> cmd = new ArrayList<>();
      if (runPgToolsViaUnshare()) {
        // like zonky: pg_ctl refuses to run as root, so run it in a new (unmapped) user namespace
        cmd.addAll(List.of("unshare", "-U"));
      }
      cmd.addAll(
          List.of(
              pgCtl.toString(),
              "-D",
              dir.toString(),
              "stop",
              "-m",
              "fast",
              "-w",
              "-t",
              Long.toString(waitSeconds)));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(waitSeconds + 5, TimeUnit.SECONDS);
      LOG.info("pg_ctl stop: {}", out.replace('\n', ' '));
    } catch (IOException e) {
      LOG.warn("pg_ctl stop failed: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * True when running as root with a working {@code unshare -U}; zonky uses the same trick for
   * initdb/pg_ctl.
   */
  private static boolean runPgToolsViaUnshare() {
    try {
      return io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  private static String secondsSince(long startNanos) {
    return String.format(Locale.ROOT, "%.2f", (System.nanoTime() - startNanos) / 1e9);
  }
}
