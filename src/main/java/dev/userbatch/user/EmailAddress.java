package dev.userbatch.user;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Email normalisation (whitespace trimmed, Unicode NFC, lower-cased, the domain in its canonical
 * IDNA form) and a syntax check: an ASCII local part (RFC 5322 atoms and dots) and a domain that
 * may be internationalised — it must convert to a valid ASCII (punycode) host name.
 *
 * <p>The canonical domain is the Unicode form of its punycode: {@code BÜCHER.example}, {@code
 * xn--bcher-kva.example} and {@code bücher.example} are one domain, stored as the last, and
 * full-width {@code ｅｘａｍｐｌｅ.com} is {@code example.com}; so one mailbox is one email for the
 * uniqueness rule. Control characters are not trimmed away: they make the email invalid.
 */
public final class EmailAddress {
  /** The characters of an atom in the local part (RFC 5322 atext). */
  private static final boolean[] ATEXT = new boolean[128];

  static {
    for (char c :
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-"
            .toCharArray()) {
      ATEXT[c] = true;
    }
  }

  private EmailAddress() {}

  public static String normalize(String raw) {
    String stripped = raw.strip();
    if (isPlainAscii(stripped)) {
      // NFC and IDN change nothing here: an ASCII domain without an "xn--" label is its own
      // ASCII and Unicode form (or is invalid, which isValid reports either way).
      String lower = stripped.toLowerCase(Locale.ROOT);
      if (!lower.contains("xn--")) {
        return lower;
      }
    }
    return normalizeFully(stripped);
  }

  /** {@link #normalize} without its shortcut for plain ASCII addresses. */
  static String normalizeFully(String raw) {
    String email = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    int at = email.lastIndexOf('@');
    if (at < 0) {
      return email;
    }
    try {
      String ascii = IDN.toASCII(email.substring(at + 1), IDN.USE_STD3_ASCII_RULES);
      return email.substring(0, at + 1)
          + IDN.toUnicode(ascii, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return email; // not a valid domain: isValid says so
    }
  }

  private static boolean isPlainAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 128) {
        return false;
      }
    }
    return true;
  }

  public static boolean isValid(String normalized) {
    if (normalized.length() > 254) {
      return false;
    }
    int at = normalized.lastIndexOf('@');
    if (at < 1 || at > 64 || at == normalized.length() - 1) {
      return false;
    }
    if (!isDotAtom(normalized, 0, at)) {
      return false;
    }
    String domain = normalized.substring(at + 1).toLowerCase(Locale.ROOT);
    String ascii = domain;
    if (!isPlainAscii(domain) || domain.contains("xn--")) {
      try {
        ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    // A plain ASCII domain skips IDN: toASCII would return it unchanged or refuse it for a rule
    // (letters, digits, hyphens; no hyphen at either end; 1 to 63 characters) checked below anyway.
    String[] labels = ascii.split("\\.", -1);
    if (labels.length < 2 || ascii.length() > 253) {
      return false;
    }
    for (String label : labels) {
      if (!isHostLabel(label)) {
        return false;
      }
    }
    return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
  }

  /** RFC 5322 dot-atom: atext runs separated by single dots. */
  private static boolean isDotAtom(String s, int from, int to) {
    boolean afterDot = true;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (afterDot) {
          return false;
        }
        afterDot = true;
      } else if (c < 128 && ATEXT[c]) {
        afterDot = false;
      } else {
        return false;
      }
    }
    return !afterDot;
  }

  /** A host name label: [a-z0-9], then [a-z0-9-], ending with [a-z0-9], 1 to 63 characters. */
  private static boolean isHostLabel(String label) {
    int n = label.length();
    if (n < 1 || n > 63 || label.charAt(0) == '-' || label.charAt(n - 1) == '-') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = label.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
