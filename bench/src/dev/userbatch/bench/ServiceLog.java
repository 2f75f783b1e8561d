package dev.userbatch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the benchmark reads in a service's log: Vert.x's blocked-thread warnings, counted before and
 * after a phase.
 */
final class ServiceLog {
  static final String BLOCKED_MARKER = "has been blocked for";

  /** Warning lines so far: all, and those about an event loop. */
  record Blocked(long total, long eventLoop) {
    Blocked since(Blocked before) {
      return new Blocked(total - before.total, eventLoop - before.eventLoop);
    }
  }

  private ServiceLog() {}

  static Blocked blocked(Path log) {
    if (log == null || !Files.isRegularFile(log)) {
      return new Blocked(0, 0);
    }
    long total = 0;
    long eventLoop = 0;
    try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.contains(BLOCKED_MARKER)) {
          total++;
          if (line.contains("eventloop")) {
            eventLoop++;
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      Env.log("could not read " + log + ": " + e);
    }
    return new Blocked(total, eventLoop);
  }
}
