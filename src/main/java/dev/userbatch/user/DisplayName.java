package dev.userbatch.user;

/** Names are free text, but never control characters (newlines, NUL, escape sequences). */
public final class DisplayName {
  private DisplayName() {
  }

  /** Why the trimmed name is refused, or null when it is fine. */
  public static String problem(String trimmed) {
    if (trimmed.isEmpty()) {
      return "name must not be blank";
    }
    if (trimmed.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
      return "name must not contain control characters";
    }
    return null;
  }
}
