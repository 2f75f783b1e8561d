package dev.userbatch.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How to obtain PostgreSQL / Redis when no explicit URL is configured.
 *
 * <ul>
 *   <li>{@link #AUTO}: use the local default server if it answers, otherwise start an embedded one.
 *   <li>{@link #ALWAYS}: start an embedded server for whatever is not configured.
 *   <li>{@link #NEVER}: use the local default server; fail if it does not answer.
 * </ul>
 *
 * A configured PG_URL / REDIS_URL always wins, whatever the mode.
 */
public enum EmbeddedMode {
  AUTO,
  ALWAYS,
  NEVER;

  /**
   * Parses a mode name case-insensitively (surrounding whitespace ignored).
   *
   * @throws IllegalArgumentException if the value is null, blank or not one of auto, always, never
   */
  public static EmbeddedMode parse(String value) {
    String allowed =
        Arrays.stream(values())
            .map(m -> m.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", "));
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Embedded mode is empty; allowed values are: " + allowed);
    }
    String v = value.trim();
    for (EmbeddedMode m : values()) {
      if (m.name().equalsIgnoreCase(v)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "Unknown embedded mode '"
            + value
            + "'; allowed values are: "
            + allowed
            + " (case-insensitive)");
  }
}
