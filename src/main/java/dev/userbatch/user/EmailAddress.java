package dev.userbatch.user;

import java.util.Locale;
import java.util.regex.Pattern;

/** Email normalisation (trimmed, lower-cased) and a pragmatic syntax check. */
public final class EmailAddress {
  private static final Pattern SYNTAX = Pattern.compile(
      "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
          + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");

  private EmailAddress() {
  }

  public static String normalize(String raw) {
    return raw.trim().toLowerCase(Locale.ROOT);
  }

  public static boolean isValid(String normalized) {
    return normalized.length() <= 254 && SYNTAX.matcher(normalized).matches()
        && !normalized.contains("..");
  }
}
