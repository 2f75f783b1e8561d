package dev.userbatch.user;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of each accepted hash family (bcrypt, argon2, scrypt, pbkdf2), applied by {@link
 * PasswordHashFormat} to a string already known to be short, printable ASCII starting with {@code
 * $}, split at each {@code $}. Problem messages never echo the input.
 */
final class HashFamilies {

  private static final Pattern TWO_DIGITS = Pattern.compile("[0-9]{2}");
  private static final Pattern B64_STD = Pattern.compile("[A-Za-z0-9+/]+");
  private static final Pattern B64_PASSLIB = Pattern.compile("[A-Za-z0-9./+]+");
  private static final String NUM = "(0|[1-9][0-9]{0,11})";
  private static final Pattern ARGON2_PARAMS =
      Pattern.compile(
          "m="
              + NUM
              + ",t="
              + NUM
              + ",p="
              + NUM
              + "(?:,keyid=[A-Za-z0-9+/]{1,11})?(?:,data=[A-Za-z0-9+/]{1,43})?");
  private static final Pattern SCRYPT_PARAMS =
      Pattern.compile("ln=" + NUM + ",r=" + NUM + ",p=" + NUM);
  private static final Pattern PBKDF2_PHC_PARAMS =
      Pattern.compile("i=" + NUM + "(?:,l=" + NUM + ")?");
  private static final Pattern PBKDF2_PASSLIB_ROUNDS = Pattern.compile(NUM);

  private static final long UINT32_MAX = 0xFFFF_FFFFL;

  private HashFamilies() {}

  // ---------------------------------------------------------------- bcrypt

  /** [./A-Za-z0-9]*, without a regex: this runs for every imported bcrypt hash. */
  private static boolean inBcryptAlphabet(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == '.'
          || c == '/')) {
        return false;
      }
    }
    return true;
  }

  static HashCheck bcrypt(String[] parts) {
    if (parts.length != 4) {
      return HashCheck.bad(
          "bcrypt hash must have the form $2b$<cost>$<53 characters of salt and hash>");
    }
    String cost = parts[2];
    if (!TWO_DIGITS.matcher(cost).matches()) {
      return HashCheck.bad("bcrypt hash must have a two-digit cost between 04 and 31");
    }
    int c = Integer.parseInt(cost);
    if (c < 4 || c > 31) {
      return HashCheck.bad("bcrypt hash must have cost between 04 and 31");
    }
    String body = parts[3];
    if (!inBcryptAlphabet(body)) {
      return HashCheck.bad(
          "bcrypt hash must use only bcrypt's base64 alphabet [./A-Za-z0-9] after the cost");
    }
    if (body.length() != 53) {
      return HashCheck.bad(
          "bcrypt hash must have exactly 53 characters (22 salt + 31 hash) after the cost, found "
              + body.length());
    }
    return HashCheck.ok("bcrypt").withWork(c);
  }

  // ---------------------------------------------------------------- argon2

  static HashCheck argon2(String id, String[] parts) {
    boolean hasVersion = parts.length > 2 && parts[2].startsWith("v=");
    if (parts.length != (hasVersion ? 6 : 5)) {
      return HashCheck.bad(
          id + " hash must have the form $" + id + "$v=19$m=<int>,t=<int>,p=<int>$<salt>$<hash>");
    }
    int i = 2;
    if (hasVersion) {
      String v = parts[i++];
      if (!v.equals("v=16") && !v.equals("v=19")) {
        return HashCheck.bad(id + " hash must have version v=16 or v=19");
      }
    }
    Matcher m = ARGON2_PARAMS.matcher(parts[i++]);
    if (!m.matches()) {
      return HashCheck.bad(
          id + " hash must have parameters m=<int>,t=<int>,p=<int> (in that order)");
    }
    long mem = Long.parseLong(m.group(1));
    long t = Long.parseLong(m.group(2));
    long p = Long.parseLong(m.group(3));
    if (p < 1 || p > 255) {
      return HashCheck.bad(id + " hash must have parallelism p between 1 and 255");
    }
    if (t < 1 || t > UINT32_MAX) {
      return HashCheck.bad(id + " hash must have iterations t between 1 and 4294967295");
    }
    if (mem < 8 * p || mem > UINT32_MAX) {
      return HashCheck.bad(id + " hash must have memory m between 8*p and 4294967295 KiB");
    }
    return saltAndHash(id, parts[i], parts[i + 1], B64_STD, "[A-Za-z0-9+/]", id);
  }

  // ---------------------------------------------------------------- scrypt

  static HashCheck scrypt(String[] parts) {
    if (parts.length != 5) {
      return HashCheck.bad(
          "scrypt hash must have the form $scrypt$ln=<int>,r=<int>,p=<int>$<salt>$<hash>");
    }
    Matcher m = SCRYPT_PARAMS.matcher(parts[2]);
    if (!m.matches()) {
      return HashCheck.bad(
          "scrypt hash must have parameters ln=<int>,r=<int>,p=<int> (in that order)");
    }
    long ln = Long.parseLong(m.group(1));
    long r = Long.parseLong(m.group(2));
    long p = Long.parseLong(m.group(3));
    if (ln < 1 || ln > 31) {
      return HashCheck.bad("scrypt hash must have ln between 1 and 31");
    }
    if (r < 1 || p < 1 || r > UINT32_MAX || p > UINT32_MAX || r * p >= (1L << 30)) {
      return HashCheck.bad("scrypt hash must have positive r and p with r*p below 2^30");
    }
    return saltAndHash("scrypt", parts[3], parts[4], B64_STD, "[A-Za-z0-9+/]", "scrypt");
  }

  // ---------------------------------------------------------------- pbkdf2

  static HashCheck pbkdf2(String algorithm, String[] parts) {
    String name = algorithm;
    if (parts.length != 5) {
      return HashCheck.bad(
          name
              + " hash must have the form $"
              + parts[1]
              + "$<rounds>$<salt>$<hash> or $"
              + parts[1]
              + "$i=<rounds>$<salt>$<hash>");
    }
    String params = parts[2];
    long rounds;
    Matcher phc = PBKDF2_PHC_PARAMS.matcher(params);
    Matcher passlib = PBKDF2_PASSLIB_ROUNDS.matcher(params);
    if (phc.matches()) {
      rounds = Long.parseLong(phc.group(1));
      if (phc.group(2) != null) {
        long l = Long.parseLong(phc.group(2));
        if (l < 16 || l > 1024) {
          return HashCheck.bad(name + " hash must have output length l between 16 and 1024");
        }
      }
    } else if (passlib.matches()) {
      rounds = Long.parseLong(params);
    } else {
      return HashCheck.bad(
          name + " hash must have a rounds count (i=<int> or <int>) after the algorithm");
    }
    if (rounds < 1000) {
      return HashCheck.bad(name + " hash must have at least 1000 rounds");
    }
    if (rounds > UINT32_MAX) {
      return HashCheck.bad(name + " hash must have at most 4294967295 rounds");
    }
    return saltAndHash(name, parts[3], parts[4], B64_PASSLIB, "[A-Za-z0-9./+]", name)
        .withWork(rounds);
  }

  // ---------------------------------------------------------------- shared

  private static HashCheck saltAndHash(
      String name,
      String salt,
      String hash,
      Pattern alphabet,
      String alphabetText,
      String algorithm) {
    String p = checkB64(name, "salt", salt, alphabet, alphabetText, 8);
    if (p == null) {
      p = checkB64(name, "hash", hash, alphabet, alphabetText, 16);
    }
    return p == null ? HashCheck.ok(algorithm) : HashCheck.bad(p);
  }

  private static String checkB64(
      String name, String what, String s, Pattern alphabet, String alphabetText, int minBytes) {
    if (s.isEmpty()) {
      return name + " " + what + " is missing";
    }
    if (s.indexOf('=') >= 0) {
      return name + " " + what + " must be base64 without '=' padding";
    }
    if (!alphabet.matcher(s).matches()) {
      return name + " " + what + " must be base64 using only " + alphabetText;
    }
    if (s.length() % 4 == 1) {
      return name + " " + what + " has an impossible base64 length";
    }
    long bytes = s.length() * 3L / 4;
    if (bytes < minBytes) {
      return name + " " + what + " must be at least " + minBytes + " bytes, found " + bytes;
    }
    return null;
  }
}
