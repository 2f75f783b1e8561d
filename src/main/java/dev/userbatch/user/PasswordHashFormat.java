package dev.userbatch.user;

import java.util.Map;
import java.util.Optional;

/**
 * Validates an imported, already-hashed password before it is stored as is.
 *
 * <p>Accepted families (anything else, including plaintext-looking strings, is rejected):
 *
 * <ul>
 *   <li>bcrypt: {@code $2a$}, {@code $2b$}, {@code $2y$} + two-digit cost 04..31 + {@code $} +
 *       exactly 53 characters of {@code [./A-Za-z0-9]} (22 salt + 31 hash).
 *   <li>argon2 PHC: {@code $argon2id$}, {@code $argon2i$}, {@code $argon2d$}, optional {@code
 *       v=16|19}, {@code m=<int>,t=<int>,p=<int>} (canonical order, optional {@code ,keyid=..} and
 *       {@code ,data=..}), then {@code $salt$hash} in unpadded base64; salt at least 8 bytes, hash
 *       at least 16 bytes, 1 &lt;= p &lt;= 255, 1 &lt;= t &lt;= 2^32-1, 8p &lt;= m &lt;= 2^32-1.
 *   <li>scrypt PHC (passlib): {@code $scrypt$ln=<int>,r=<int>,p=<int>$salt$hash}, ln 1..31, r and p
 *       positive with r*p &lt; 2^30; salt at least 8 bytes, hash at least 16 bytes.
 *   <li>pbkdf2 PHC: {@code $pbkdf2-sha1$}, {@code $pbkdf2-sha256$}, {@code $pbkdf2-sha512$} (and
 *       passlib's {@code $pbkdf2$}, which is pbkdf2-sha1) with either {@code i=<int>[,l=<int>]} or
 *       passlib's bare {@code <rounds>} as first field, then {@code $salt$hash} in {@code
 *       [A-Za-z0-9./+]} without padding; rounds at least 1000, salt at least 8 bytes, hash at least
 *       16 bytes.
 * </ul>
 *
 * Strings longer than 1024 characters, or containing whitespace, control or non-ASCII characters,
 * are rejected. Problem messages never echo the input (it might be a plaintext password).
 */
public final class PasswordHashFormat {

  public static final int MAX_LENGTH = 1024;

  static final String UNRECOGNISED =
      "passwordHash is not a recognised hash format (expected bcrypt, argon2, scrypt or pbkdf2 PHC string)";

  /** Well-known schemes we deliberately don't accept, to give a more precise message. */
  private static final Map<String, String> UNSUPPORTED =
      Map.of(
          "1", "md5-crypt",
          "apr1", "Apache md5-crypt",
          "5", "sha256-crypt",
          "6", "sha512-crypt",
          "y", "yescrypt",
          "7", "scrypt crypt(3)",
          "gy", "gost-yescrypt",
          "md5", "Sun md5-crypt",
          "sha1", "sha1-crypt");

  private PasswordHashFormat() {}

  /**
   * @return empty when {@code hash} is an acceptable stored-hash format, otherwise a human sentence
   *     naming what is wrong
   */
  public static Optional<String> problem(String hash) {
    return Optional.ofNullable(check(hash).problem());
  }

  /**
   * @return the algorithm of a valid hash: {@code bcrypt}, {@code argon2id}, {@code argon2i},
   *     {@code argon2d}, {@code scrypt}, {@code pbkdf2-sha1}, {@code pbkdf2-sha256} or {@code
   *     pbkdf2-sha512}
   * @throws IllegalArgumentException with the {@link #problem} message if the hash is not valid
   */
  public static String algorithm(String hash) {
    HashCheck r = check(hash);
    if (r.problem() != null) {
      throw new IllegalArgumentException(r.problem());
    }
    return r.algorithm();
  }

  /**
   * Why a valid hash is weaker than the floor (bcrypt cost below {@code minBcryptCost}, pbkdf2 with
   * fewer than {@code minPbkdf2Iterations} iterations), or empty when it is not (or not valid, or
   * of a family without a floor: argon2 and scrypt). The message never echoes the hash.
   */
  public static Optional<String> weakness(
      String hash, int minBcryptCost, long minPbkdf2Iterations) {
    HashCheck r = check(hash);
    if (r.problem() != null) {
      return Optional.empty();
    }
    if (r.algorithm().equals("bcrypt") && r.work() < minBcryptCost) {
      return Optional.of(
          "passwordHash is a bcrypt hash of cost "
              + r.work()
              + ", below the minimum cost "
              + minBcryptCost);
    }
    if (r.algorithm().startsWith("pbkdf2") && r.work() < minPbkdf2Iterations) {
      return Optional.of(
          "passwordHash is a "
              + r.algorithm()
              + " hash of "
              + r.work()
              + " iterations, below the minimum of "
              + minPbkdf2Iterations);
    }
    return Optional.empty();
  }

  /** Convenience: {@code problem(hash).isEmpty()}. */
  public static boolean isValid(String hash) {
    return check(hash).problem() == null;
  }

  private static HashCheck check(String hash) {
    if (hash == null) {
      return HashCheck.bad("passwordHash is missing");
    }
    if (hash.isEmpty()) {
      return HashCheck.bad("passwordHash is empty");
    }
    if (hash.length() > MAX_LENGTH) {
      return HashCheck.bad("passwordHash is longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < hash.length(); i++) {
      char c = hash.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
        return HashCheck.bad("passwordHash must not contain whitespace or control characters");
      }
      if (c > 0x7E) {
        return HashCheck.bad("passwordHash must contain only ASCII characters");
      }
    }
    if (hash.charAt(0) != '$') {
      return HashCheck.bad(UNRECOGNISED);
    }
    String[] parts = hash.split("\\$", -1);
    // parts[0] is the empty string before the leading '$'
    String id = parts[1];
    switch (id) {
      case "2a", "2b", "2y":
        return HashFamilies.bcrypt(parts);
      case "argon2id", "argon2i", "argon2d":
        return HashFamilies.argon2(id, parts);
      case "scrypt":
        return HashFamilies.scrypt(parts);
      case "pbkdf2":
        return HashFamilies.pbkdf2("pbkdf2-sha1", parts);
      case "pbkdf2-sha1", "pbkdf2-sha256", "pbkdf2-sha512":
        return HashFamilies.pbkdf2(id, parts);
      default:
        break;
    }
    if (id.matches("2[a-z]?")) {
      return HashCheck.bad(
          "bcrypt variant $" + id + "$ is not supported (expected $2a$, $2b$ or $2y$)");
    }
    if (id.startsWith("argon2")) {
      return HashCheck.bad(
          "argon2 variant is not supported (expected argon2id, argon2i or argon2d)");
    }
    if (id.startsWith("pbkdf2")) {
      return HashCheck.bad(
          "pbkdf2 variant is not supported (expected pbkdf2-sha1, pbkdf2-sha256 or pbkdf2-sha512)");
    }
    String legacy = UNSUPPORTED.get(id);
    if (legacy != null) {
      return HashCheck.bad(
          "passwordHash uses "
              + legacy
              + ", which is not accepted (expected bcrypt, argon2, scrypt or pbkdf2 PHC string)");
    }
    return HashCheck.bad(UNRECOGNISED);
  }
}
