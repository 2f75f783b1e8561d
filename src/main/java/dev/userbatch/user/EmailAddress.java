package dev.userbatch.user;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Email normalisation (whitespace trimmed, Unicode NFC, lower-cased, the domain in its canonical
 * IDNA form) and a syntax check: an ASCII local part (RFC 5322 atoms and dots) and a domain that
 * may be internationalised — it must convert to a valid ASCII (punycode) host name.
 *
 * <p>The canonical domain is the Unicode form of its punycode: {@code BÜCHER.example},
 * {@code xn--bcher-kva.example} and {@code bücher.example} are one domain, stored as the last, and
 * full-width {@code ｅｘａｍｐｌｅ.com} is {@code example.com}; so one mailbox is one email for
 * the uniqueness rule. Control characters are not trimmed away: they make the email invalid.
 */
public final class EmailAddress {
  private static final Pattern LOCAL = Pattern.compile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$");
  private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");

  private EmailAddress() {
  }

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
      return email.substring(0, at + 1) + IDN.toUnicode(ascii, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
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
    if (!LOCAL.matcher(normalized.substring(0, at)).matches()) {
      return false;
    }
    String ascii;
    try {
      ascii = IDN.toASCII(normalized.substring(at + 1), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return false;
    }
    String[] labels = ascii.split("\\.", -1);
    if (labels.length < 2 || ascii.length() > 253) {
      return false;
    }
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
  }
}
