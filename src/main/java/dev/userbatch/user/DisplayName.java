package dev.userbatch.user;

/**
 * Names are free text, but never control characters: no C0/C1 controls (newlines, NUL, escape
 * sequences), no line or paragraph separators, no bidirectional overrides or isolates (which make a
 * name display as something else), no unpaired surrogates. Checked on the name as sent, before it
 * is trimmed, so that {@code "\\u001b[31m"} is refused rather than trimmed to {@code "[31m"}.
 */
public final class DisplayName {
  private DisplayName() {}

  /** Why the name as sent is refused, or null when it is fine (then store {@link #normalize}). */
  public static String problem(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < raw.length()
          && Character.isLowSurrogate(raw.charAt(i + 1))) {
        i++;
        continue;
      }
      if (Character.isSurrogate(c)) {
        return "name must be valid Unicode text";
      }
      if (isControl(c)) {
        return "name must not contain control characters";
      }
    }
    if (raw.isBlank()) {
      return "name must not be blank";
    }
    return null;
  }

  /** The stored form: trimmed (a name without control characters only loses spaces). */
  public static String normalize(String raw) {
    return raw.strip();
  }

  private static boolean isControl(char c) {
    return Character.isISOControl(c)
        || c == 0x2028
        || c == 0x2029 // line and paragraph separators
        || (c >= 0x202A && c <= 0x202E) // bidi embeddings and overrides
        || (c >= 0x2066 && c <= 0x2069); // bidi isolates
  }
}
