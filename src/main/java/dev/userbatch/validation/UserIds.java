package dev.userbatch.validation;

import java.util.UUID;

/**
 * The exact test of a user id: 36 characters, hex digits with dashes at 8, 13, 18 and 23, and
 * nothing else. Written out rather than as a regex because a regex anchored with {@code $} accepts
 * a trailing line terminator in Java (and not in ECMA-262): "uuid\n" must fail alone as an invalid
 * id, not later in a worker as a chunk that cannot be read.
 */
public final class UserIds {
  public static final int LENGTH = 36;

  private UserIds() {}

  /** The id as a UUID, or null when {@code value} is not exactly a UUID string. */
  public static UUID parse(Object value) {
    if (!(value instanceof String s) || s.length() != LENGTH) {
      return null;
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = s.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !isHexDigit(c)) {
        return null;
      }
    }
    return UUID.fromString(s);
  }

  private static boolean isHexDigit(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }
}
