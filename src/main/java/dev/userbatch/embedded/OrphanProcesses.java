package dev.userbatch.embedded;

import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM killed without its shutdown hook leaves its embedded server running on the data directory;
 * the next start stops that orphan before starting its own, and waits here for it to be gone.
 */
final class OrphanProcesses {

  static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(OrphanProcesses.class);

  private OrphanProcesses() {}

  /** Waits up to {@link #STOP_WAIT} for the process to exit; fails start-up if it does not. */
  static void awaitExit(ProcessHandle ph, String what, Path dir) {
    long deadline = System.nanoTime() + STOP_WAIT.toNanos();
    while (ph.isAlive() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50); // onExit() of a non-child process polls slowly
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (ph.isAlive()) {
      throw new InfrastructureException(
          "An "
              + what
              + " (pid "
              + ph.pid()
              + ") is still running on "
              + dir
              + " and did not stop within "
              + STOP_WAIT.toSeconds()
              + " s; stop it manually.");
    }
    LOG.info("Stopped {} (pid {})", what, ph.pid());
  }
}
