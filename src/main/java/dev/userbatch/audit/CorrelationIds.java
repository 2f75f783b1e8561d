package dev.userbatch.audit;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one rule for correlation ids taken from callers, whichever way they arrive (HTTP header,
 * event-bus header): a short token of safe characters, or else a fresh id. The id goes into log
 * lines, the audit row and events, so a caller must not be able to put line breaks, markup or
 * kilobytes of text there.
 */
public final class CorrelationIds {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private CorrelationIds() {}

  public static boolean isSafe(String candidate) {
    return candidate != null && SAFE.matcher(candidate).matches();
  }

  /** The caller's id when it is safe, otherwise a new random one. */
  public static String orNew(String candidate) {
    return isSafe(candidate) ? candidate : UUID.randomUUID().toString();
  }
}
