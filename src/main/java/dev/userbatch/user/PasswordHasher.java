package dev.userbatch.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashing ({@link Argon2}: the reference C implementation, libargon2, through
 * argon2-jvm) producing and verifying standard PHC strings: {@code
 * $argon2id$v=19$m=<KiB>,t=<iterations>,p=<parallelism>$<salt>$<hash>}, salt and hash in standard
 * base64 without {@code '='} padding, exactly like the reference argon2 implementation.
 *
 * <p>Why these parameters: {@link #owaspDefault()} uses the OWASP Password Storage Cheat Sheet
 * minimum for Argon2id, m=19456 KiB (19 MiB), t=2, p=1. Argon2id resists both GPU cracking
 * (memory-hard) and side channels (data-independent first pass); 19 MiB x 2 passes is the
 * OWASP-recommended balance between attacker cost and per-request cost on a server, and p=1 keeps
 * each hash on a single worker thread so concurrent requests don't compete for cores. Salt is 16
 * random bytes, the tag 32 bytes (RFC 9106 recommendations).
 *
 * <p>The PHC string is assembled here, not by libargon2's encoder, so what is stored is byte for
 * byte what the service stored before (same field order, salt and tag lengths, unpadded standard
 * base64) and {@link #verify} keeps its own parsing and limits for hashes stored earlier or
 * imported.
 *
 * <p>Thread-safe: the record is immutable, every {@link Argon2} call has its own (native) working
 * memory and {@link SecureRandom} is safe for concurrent use. Hashing is blocking CPU/memory work
 * (tens of ms) on the calling thread only: call it from a worker thread (e.g. Vert.x {@code
 * executeBlocking}), never from an event loop.
 *
 * @param memoryKiB memory cost in KiB (Argon2 {@code m}), at least {@code 8 * parallelism}
 * @param iterations number of passes (Argon2 {@code t}), at least 1
 * @param parallelism lanes (Argon2 {@code p}), 1..255
 */
public record PasswordHasher(int memoryKiB, int iterations, int parallelism) {

  /** OWASP minimum recommendation for Argon2id: 19 MiB. */
  public static final int OWASP_MEMORY_KIB = 19456;

  public static final int OWASP_ITERATIONS = 2;
  public static final int OWASP_PARALLELISM = 1;

  public static final int SALT_BYTES = 16;
  public static final int HASH_BYTES = 32;

  /**
   * Upper bounds applied by {@link #verify} to parameters read from a stored PHC string, so a
   * hostile or corrupted (e.g. imported) hash can't make a verification allocate gigabytes or spin
   * for minutes. Hashes above these limits verify as {@code false}.
   */
  public static final long MAX_VERIFY_MEMORY_KIB = 1L << 20; // 1 GiB

  public static final long MAX_VERIFY_ITERATIONS = 64;
  public static final int MAX_VERIFY_HASH_BYTES = 1024;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

  private static final Pattern PHC =
      Pattern.compile(
          "\\$(argon2id|argon2i|argon2d)"
              + "(?:\\$v=(16|19))?"
              + "\\$m=(0|[1-9][0-9]{0,9}),t=(0|[1-9][0-9]{0,9}),p=(0|[1-9][0-9]{0,2})"
              + "\\$([A-Za-z0-9+/]+)"
              + "\\$([A-Za-z0-9+/]+)");

  public PasswordHasher {
    if (parallelism < 1 || parallelism > 255) {
      throw new IllegalArgumentException(
          "parallelism must be between 1 and 255, got " + parallelism);
    }
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
    }
    if (memoryKiB < 8 * parallelism) {
      throw new IllegalArgumentException(
          "memoryKiB must be >= 8 * parallelism (" + 8 * parallelism + "), got " + memoryKiB);
    }
    Argon2
        .requireNativeLibrary(); // a hasher that exists can hash: the service fails at start-up if
    // not
  }

  /** The OWASP-recommended Argon2id parameters: m=19456 KiB (19 MiB), t=2, p=1. */
  public static PasswordHasher owaspDefault() {
    return new PasswordHasher(OWASP_MEMORY_KIB, OWASP_ITERATIONS, OWASP_PARALLELISM);
  }

  /**
   * Hashes {@code plaintext} (UTF-8) with Argon2id v1.3 and a fresh random 16-byte salt.
   *
   * @return a PHC string such as {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}
   */
  public String hash(String plaintext) {
    Objects.requireNonNull(plaintext, "plaintext");
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] out = new byte[HASH_BYTES];
    byte[] password = plaintext.getBytes(StandardCharsets.UTF_8);
    try {
      derive(
          Argon2.ARGON2_ID,
          Argon2.VERSION_13,
          memoryKiB,
          iterations,
          parallelism,
          salt,
          password,
          out);
    } finally {
      Arrays.fill(password, (byte) 0);
    }
    return "$argon2id$v=19$m="
        + memoryKiB
        + ",t="
        + iterations
        + ",p="
        + parallelism
        + "$"
        + B64.encodeToString(salt)
        + "$"
        + B64.encodeToString(out);
  }

  /**
   * Checks {@code plaintext} against a PHC string. The Argon2 variant (id/i/d), version (16/19,
   * missing means 16 as in the reference implementation), m/t/p, salt and tag length are all taken
   * from the PHC string, not from this instance, so hashes made with older parameters still verify.
   * The comparison is constant-time ({@link MessageDigest#isEqual}).
   *
   * @return {@code true} on match; {@code false} on mismatch, {@code null} arguments, a malformed
   *     or unsupported PHC string (e.g. with {@code keyid}/{@code data}), or parameters above the
   *     {@code MAX_VERIFY_*} limits. Never throws for bad input.
   */
  public boolean verify(String plaintext, String phc) {
    if (plaintext == null || phc == null || phc.length() > 1024) {
      return false;
    }
    Matcher m = PHC.matcher(phc);
    if (!m.matches()) {
      return false;
    }
    int type =
        switch (m.group(1)) {
          case "argon2id" -> Argon2.ARGON2_ID;
          case "argon2i" -> Argon2.ARGON2_I;
          default -> Argon2.ARGON2_D;
        };
    int version = "19".equals(m.group(2)) ? Argon2.VERSION_13 : Argon2.VERSION_10;
    long mem = Long.parseLong(m.group(3));
    long t = Long.parseLong(m.group(4));
    long p = Long.parseLong(m.group(5));
    if (p < 1
        || p > 255
        || t < 1
        || t > MAX_VERIFY_ITERATIONS
        || mem < 8 * p
        || mem > MAX_VERIFY_MEMORY_KIB) {
      return false;
    }
    byte[] salt = decode(m.group(6));
    byte[] expected = decode(m.group(7));
    if (salt == null
        || expected == null
        || salt.length < 8
        || expected.length < 4
        || expected.length > MAX_VERIFY_HASH_BYTES) {
      return false;
    }
    byte[] actual = new byte[expected.length];
    byte[] password = plaintext.getBytes(StandardCharsets.UTF_8);
    try {
      derive(type, version, (int) mem, (int) t, (int) p, salt, password, actual);
    } catch (IllegalArgumentException | IllegalStateException e) {
      return false;
    } finally {
      Arrays.fill(password, (byte) 0);
    }
    return MessageDigest.isEqual(expected, actual);
  }

  private static void derive(
      int type,
      int version,
      int memoryKiB,
      int iterations,
      int parallelism,
      byte[] salt,
      byte[] password,
      byte[] out) {
    Argon2.hash(type, version, memoryKiB, iterations, parallelism, password, salt, null, null, out);
  }

  /**
   * Decodes unpadded standard base64; {@code null} if the length is impossible or decoding fails.
   */
  private static byte[] decode(String s) {
    if (s.length() % 4 == 1) {
      return null;
    }
    try {
      return B64_DECODER.decode(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
