package dev.userbatch.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

/**
 * {@link Argon2} (libargon2 through argon2-jvm) against the RFC 9106 test vectors and against
 * BouncyCastle's Argon2BytesGenerator, an independent implementation.
 */
class Argon2Test {

  private static final HexFormat HEX = HexFormat.of();
  private static final int[] TAG_LENGTHS = {4, 16, 32, 64, 65, 100, 128};

  /**
   * RFC 9106 section 5: m=32 KiB, t=3, p=4, P = 32 x 0x01, S = 16 x 0x02, K = 8 x 0x03, X = 12 x
   * 0x04.
   */
  private static byte[] rfcVector(int type) {
    byte[] tag = new byte[32];
    Argon2.hash(
        type,
        Argon2.VERSION_13,
        32,
        3,
        4,
        filled(32, 0x01),
        filled(16, 0x02),
        filled(8, 0x03),
        filled(12, 0x04),
        tag);
    return tag;
  }

  @Test
  void rfc9106Argon2idVector() { // section 5.3
    assertThat(HEX.formatHex(rfcVector(Argon2.ARGON2_ID)))
        .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  }

  @Test
  void rfc9106Argon2dVector() { // section 5.1
    assertThat(HEX.formatHex(rfcVector(Argon2.ARGON2_D)))
        .isEqualTo("512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb");
  }

  @Test
  void rfc9106Argon2iVector() { // section 5.2
    assertThat(HEX.formatHex(rfcVector(Argon2.ARGON2_I)))
        .isEqualTo("c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8");
  }

  @Test
  void referenceImplementationVector() { // phc-winner-argon2: "password", "somesalt", argon2id v=19
    // m=2^16 t=2 p=1
    byte[] tag = new byte[32];
    Argon2.hash(
        Argon2.ARGON2_ID,
        Argon2.VERSION_13,
        65536,
        2,
        1,
        "password".getBytes(),
        "somesalt".getBytes(),
        null,
        null,
        tag);
    assertThat(HEX.formatHex(tag))
        .isEqualTo("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7");
  }

  @Test
  void matchesBouncyCastleOnRandomParameters() {
    long seed = 0x5EED_A2_9106L;
    Random random = new Random(seed);
    int cases = 600;
    for (int i = 0; i < cases; i++) {
      int type = random.nextInt(3);
      int version = random.nextBoolean() ? Argon2.VERSION_13 : Argon2.VERSION_10;
      int p = 1 + random.nextInt(4);
      int m = 8 * p + random.nextInt(300 - 8 * p + 1); // often not a multiple of 4p
      int t = 1 + random.nextInt(4);
      byte[] salt = bytes(random, 8 + random.nextInt(25));
      byte[] password = bytes(random, random.nextInt(41));
      byte[] secret = random.nextInt(3) == 0 ? bytes(random, 1 + random.nextInt(32)) : null;
      byte[] ad = random.nextInt(3) == 0 ? bytes(random, 1 + random.nextInt(40)) : null;
      int tagLength = TAG_LENGTHS[random.nextInt(TAG_LENGTHS.length)];
      String what =
          "seed="
              + seed
              + " case="
              + i
              + " type="
              + type
              + " v="
              + version
              + " m="
              + m
              + " t="
              + t
              + " p="
              + p
              + " salt="
              + salt.length
              + " pw="
              + password.length
              + " secret="
              + (secret == null ? "-" : secret.length)
              + " ad="
              + (ad == null ? "-" : ad.length)
              + " tag="
              + tagLength;
      assertSameAsBouncyCastle(type, version, m, t, p, password, salt, secret, ad, tagLength, what);
    }
  }

  @Test
  void sizesOneAfterAnotherMatchBouncyCastle() {
    Random random = new Random(42);
    // big, tiny, bigger, one above 32 MiB, small again: each must match, i.e. nothing leaks between
    // calls
    int[][] mtp = {
      {4096, 1, 1},
      {8, 1, 1},
      {64, 2, 2},
      {6000, 1, 3},
      {300, 3, 4},
      {40000, 1, 1},
      {33, 2, 1},
      {4096, 1, 1}
    };
    for (int[] c : mtp) {
      for (int type = 0; type < 3; type++) {
        byte[] salt = bytes(random, 16);
        byte[] password = bytes(random, 12);
        assertSameAsBouncyCastle(
            type,
            Argon2.VERSION_13,
            c[0],
            c[1],
            c[2],
            password,
            salt,
            null,
            null,
            32,
            "m=" + c[0] + " t=" + c[1] + " p=" + c[2] + " type=" + type);
        if (c[0] > 32 * 1024) {
          break; // one slow case above 32 MiB is enough
        }
      }
    }
  }

  @Test
  void emptyPasswordSecretAndDataMatchBouncyCastle() {
    // argon2-jvm's own Argon2Advanced cannot pass an empty password (JNA refuses a zero-length
    // Memory)
    for (int type = 0; type < 3; type++) {
      assertSameAsBouncyCastle(
          type,
          Argon2.VERSION_13,
          64,
          1,
          1,
          new byte[0],
          filled(16, 9),
          null,
          null,
          32,
          "empty password, type=" + type);
      assertSameAsBouncyCastle(
          type,
          Argon2.VERSION_10,
          64,
          1,
          1,
          new byte[0],
          filled(8, 9),
          new byte[0],
          new byte[0],
          16,
          "empty password, secret and data, v=16, type=" + type);
    }
  }

  @Test
  void productionParametersMatchBouncyCastle() { // m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte tag
    Random random = new Random(19456);
    for (int i = 0; i < 3; i++) {
      assertSameAsBouncyCastle(
          Argon2.ARGON2_ID,
          Argon2.VERSION_13,
          PasswordHasher.OWASP_MEMORY_KIB,
          PasswordHasher.OWASP_ITERATIONS,
          PasswordHasher.OWASP_PARALLELISM,
          bytes(random, 8 + i * 20),
          bytes(random, 16),
          null,
          null,
          32,
          "production parameters, case " + i);
    }
  }

  @Test
  void sameInputTwiceGivesSameTag() {
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    Argon2.hash(
        Argon2.ARGON2_ID,
        Argon2.VERSION_13,
        1024,
        2,
        1,
        "pw".getBytes(),
        filled(16, 7),
        null,
        null,
        a);
    Argon2.hash(
        Argon2.ARGON2_ID,
        Argon2.VERSION_13,
        2048,
        2,
        1,
        "other".getBytes(),
        filled(16, 7),
        null,
        null,
        b);
    Argon2.hash(
        Argon2.ARGON2_ID,
        Argon2.VERSION_13,
        1024,
        2,
        1,
        "pw".getBytes(),
        filled(16, 7),
        null,
        null,
        b);
    assertThat(b).isEqualTo(a);
  }

  @Test
  void concurrentHashingOnSeveralThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 48; i++) {
        long seed = 1000 + i;
        results.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  int type = random.nextInt(3);
                  int p = 1 + random.nextInt(3);
                  int m =
                      8 * p + random.nextInt(2000); // different sizes per task on the same threads
                  int t = 1 + random.nextInt(3);
                  byte[] salt = bytes(random, 16);
                  byte[] password = bytes(random, 20);
                  byte[] ours = new byte[32];
                  Argon2.hash(type, Argon2.VERSION_13, m, t, p, password, salt, null, null, ours);
                  byte[] theirs =
                      bouncyCastle(
                          type, Argon2.VERSION_13, m, t, p, password, salt, null, null, 32);
                  return Arrays.equals(ours, theirs) ? "ok" : "mismatch seed=" + seed;
                }));
      }
      for (Future<String> f : results) {
        assertThat(f.get()).isEqualTo("ok");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectsInvalidParameters() {
    byte[] salt = filled(16, 1);
    byte[] pw = filled(4, 2);
    assertThatThrownBy(
            () -> Argon2.hash(3, Argon2.VERSION_13, 64, 1, 1, pw, salt, null, null, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Argon2.hash(2, 0x12, 64, 1, 1, pw, salt, null, null, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Argon2.hash(2, Argon2.VERSION_13, 64, 0, 1, pw, salt, null, null, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Argon2.hash(2, Argon2.VERSION_13, 64, 1, 0, pw, salt, null, null, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Argon2.hash(2, Argon2.VERSION_13, 15, 1, 2, pw, salt, null, null, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Argon2.hash(2, Argon2.VERSION_13, 64, 1, 1, pw, salt, null, null, new byte[3]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Argon2.hash(
                    2,
                    Argon2.VERSION_13,
                    Integer.MAX_VALUE,
                    1,
                    1,
                    pw,
                    salt,
                    null,
                    null,
                    new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Argon2.hash(
                    2,
                    Argon2.VERSION_13,
                    Argon2.MAX_MEMORY_KIB + 1,
                    1,
                    1,
                    pw,
                    salt,
                    null,
                    null,
                    new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Argon2.hash(2, Argon2.VERSION_13, 64, -1, 1, pw, salt, null, null, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Argon2.hash(
                    2, Argon2.VERSION_13, 64, 1, 1, pw, new byte[7], null, null, new byte[32]))
        .hasMessageContaining("Salt is too short");
  }

  private static void assertSameAsBouncyCastle(
      int type,
      int version,
      int m,
      int t,
      int p,
      byte[] password,
      byte[] salt,
      byte[] secret,
      byte[] ad,
      int tagLength,
      String what) {
    byte[] ours = new byte[tagLength];
    Argon2.hash(type, version, m, t, p, password, salt, secret, ad, ours);
    byte[] theirs = bouncyCastle(type, version, m, t, p, password, salt, secret, ad, tagLength);
    assertThat(HEX.formatHex(ours)).as(what).isEqualTo(HEX.formatHex(theirs));
  }

  private static byte[] bouncyCastle(
      int type,
      int version,
      int m,
      int t,
      int p,
      byte[] password,
      byte[] salt,
      byte[] secret,
      byte[] ad,
      int tagLength) {
    Argon2Parameters.Builder builder =
        new Argon2Parameters.Builder(type)
            .withVersion(version)
            .withMemoryAsKB(m)
            .withIterations(t)
            .withParallelism(p)
            .withSalt(salt);
    if (secret != null) {
      builder.withSecret(secret);
    }
    if (ad != null) {
      builder.withAdditional(ad);
    }
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(builder.build());
    byte[] out = new byte[tagLength];
    generator.generateBytes(password, out);
    return out;
  }

  private static byte[] bytes(Random random, int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }

  private static byte[] filled(int length, int value) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
