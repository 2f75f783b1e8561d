package dev.userbatch.bench;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/**
 * The benchmark's settings are environment variables (set by bench/run.sh); progress goes to
 * stderr.
 */
final class Env {
  private Env() {}

  static String text(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  static int integer(String name, int fallback) {
    return Integer.parseInt(text(name, String.valueOf(fallback)));
  }

  static void log(String message) {
    System.err.println(
        "[bench " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + message);
  }
}
