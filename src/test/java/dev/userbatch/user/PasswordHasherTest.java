package dev.userbatch.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

  /**
   * Reference argon2 (phc-winner-argon2 test.c): "password", salt "somesalt", argon2id v=19,
   * m=2^16, t=2, p=1.
   */
  private static final String REFERENCE_PHC =
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";

  private static final String REFERENCE_HEX =
      "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7";

  /** Small parameters so most tests run fast. */
  private final PasswordHasher fast = new PasswordHasher(1024, 1, 1);

  @Test
  void owaspDefaultParameters() {
    PasswordHasher h = PasswordHasher.owaspDefault();
    assertThat(h.memoryKiB()).isEqualTo(19456);
    assertThat(h.iterations()).isEqualTo(2);
    assertThat(h.parallelism()).isEqualTo(1);
  }

  @Test
  void hashProducesPhcStringWithExactParams() {
    String phc = PasswordHasher.owaspDefault().hash("correct horse battery staple");
    assertThat(phc).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(phc)
        .matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(phc.substring(phc.indexOf("p=1$") + 4)).doesNotContain("=");
  }

  @Test
  void hashPassesPasswordHashFormat() {
    String phc = PasswordHasher.owaspDefault().hash("s3cret!");
    assertThat(PasswordHashFormat.problem(phc)).isEmpty();
    assertThat(PasswordHashFormat.algorithm(phc)).isEqualTo("argon2id");
    assertThat(PasswordHashFormat.problem(fast.hash("x"))).isEmpty();
  }

  @Test
  void verifyRightAndWrongPassword() {
    PasswordHasher h = PasswordHasher.owaspDefault();
    String phc = h.hash("correct horse battery staple");
    assertThat(h.verify("correct horse battery staple", phc)).isTrue();
    assertThat(h.verify("correct horse battery stapl", phc)).isFalse();
    assertThat(h.verify("", phc)).isFalse();
  }

  @Test
  void verifyUnicodeAndEmptyPasswords() {
    String phc = fast.hash("pässwörd \uD83D\uDD11");
    assertThat(fast.verify("pässwörd \uD83D\uDD11", phc)).isTrue();
    assertThat(fast.verify("passwörd \uD83D\uDD11", phc)).isFalse();
    String empty = fast.hash("");
    assertThat(fast.verify("", empty)).isTrue();
    assertThat(fast.verify(" ", empty)).isFalse();
  }

  @Test
  void verifyUsesParamsFromThePhcStringNotTheInstance() {
    String phc = fast.hash("pw");
    assertThat(PasswordHasher.owaspDefault().verify("pw", phc)).isTrue();
    assertThat(new PasswordHasher(2048, 3, 2).verify("pw", phc)).isTrue();
  }

  @Test
  void twoHashesOfTheSamePasswordDiffer() {
    String a = fast.hash("same");
    String b = fast.hash("same");
    assertThat(a).isNotEqualTo(b);
    assertThat(a.split("\\$")[4]).isNotEqualTo(b.split("\\$")[4]); // different salts
    assertThat(fast.verify("same", a)).isTrue();
    assertThat(fast.verify("same", b)).isTrue();
  }

  @Test
  void bouncyCastleMatchesReferenceVectorRaw() {
    Argon2Parameters params =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(65536)
            .withIterations(2)
            .withParallelism(1)
            .withSalt("somesalt".getBytes(StandardCharsets.US_ASCII))
            .build();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(params);
    byte[] out = new byte[32];
    gen.generateBytes("password".getBytes(StandardCharsets.US_ASCII), out);
    assertThat(HexFormat.of().formatHex(out)).isEqualTo(REFERENCE_HEX);
  }

  /**
   * Made by the previous, hand-written implementation (commit e9a672a, {@code PasswordHasher.hash})
   * and stored by the service as they are: they must keep verifying.
   */
  @Test
  void hashesStoredByThePreviousImplementationStillVerify() {
    PasswordHasher h = PasswordHasher.owaspDefault();
    assertThat(
            h.verify(
                "correct horse battery staple",
                "$argon2id$v=19$m=19456,t=2,p=1$PZmVXD16lck3PU3JqXz9Mw$fAUT2Eki83sBxUjweLRKRXnOg2GJ2LZG9I6hcUyYZu4"))
        .isTrue();
    assertThat(
            h.verify(
                "correct horse battery stapl",
                "$argon2id$v=19$m=19456,t=2,p=1$PZmVXD16lck3PU3JqXz9Mw$fAUT2Eki83sBxUjweLRKRXnOg2GJ2LZG9I6hcUyYZu4"))
        .isFalse();
    assertThat(
            h.verify(
                "pässwörd \uD83D\uDD11",
                "$argon2id$v=19$m=19456,t=2,p=1$E355c6bBf0mjmjRhUfMX3w$xKGY7hyS/snM4ShvhTzu2r3pFd5KQNsrPB0M37iiAFo"))
        .isTrue();
    assertThat(
            h.verify(
                "an older, smaller setting",
                "$argon2id$v=19$m=4096,t=3,p=2$bglJyrAzSSScay7eqCikBQ$jtnlJNncXZzbuYKNv65Y7mhq74O2M+6gfD1FVlwsA58"))
        .isTrue();
  }

  /**
   * What the service stores now is accepted by an independent verifier (BouncyCastle), byte for
   * byte.
   */
  @Test
  void productionHashesVerifyWithBouncyCastle() {
    for (String password : List.of("correct horse battery staple", "pässwörd \uD83D\uDD11", "")) {
      String phc = PasswordHasher.owaspDefault().hash(password);
      String[] parts = phc.split("\\$");
      assertThat(parts[3]).isEqualTo("m=19456,t=2,p=1");
      byte[] salt = java.util.Base64.getDecoder().decode(parts[4]);
      byte[] tag = java.util.Base64.getDecoder().decode(parts[5]);
      assertThat(salt).hasSize(PasswordHasher.SALT_BYTES);
      assertThat(tag).hasSize(PasswordHasher.HASH_BYTES);
      Argon2BytesGenerator gen = new Argon2BytesGenerator();
      gen.init(
          new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
              .withVersion(Argon2Parameters.ARGON2_VERSION_13)
              .withMemoryAsKB(19456)
              .withIterations(2)
              .withParallelism(1)
              .withSalt(salt)
              .build());
      byte[] expected = new byte[32];
      gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), expected);
      assertThat(HexFormat.of().formatHex(tag))
          .as(phc)
          .isEqualTo(HexFormat.of().formatHex(expected));
    }
  }

  @Test
  void verifyReferenceVector() {
    PasswordHasher h = PasswordHasher.owaspDefault();
    assertThat(h.verify("password", REFERENCE_PHC)).isTrue();
    assertThat(h.verify("Password", REFERENCE_PHC)).isFalse();
    // same vector, one tag bit flipped (first char 'C' -> 'D')
    String tampered = REFERENCE_PHC.replace("$CTFh", "$DTFh");
    assertThat(h.verify("password", tampered)).isFalse();
    // same vector with different params must not verify
    assertThat(h.verify("password", REFERENCE_PHC.replace("t=2", "t=3"))).isFalse();
    assertThat(h.verify("password", REFERENCE_PHC.replace("argon2id", "argon2i"))).isFalse();
    assertThat(PasswordHashFormat.problem(REFERENCE_PHC)).isEmpty();
  }

  @Test
  void verifyReferenceVectorsOfOtherVariants() {
    PasswordHasher h = PasswordHasher.owaspDefault();
    // reference implementation (test.c / README): argon2i v1.3 p=4 with an 18-byte tag, argon2i
    // v1.0 (no v=)
    assertThat(
            h.verify(
                "password",
                "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"))
        .isTrue();
    assertThat(
            h.verify(
                "password",
                "$argon2i$m=65536,t=2,p=1$c29tZXNhbHQ$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ"))
        .isTrue();
  }

  @Test
  void verifyOtherArgon2VariantsAndVersion16() {
    // build with BC directly, then check verify() understands the encoding
    for (String variant : List.of("argon2i", "argon2d", "argon2id")) {
      for (String v : List.of("v=19$", "v=16$", "")) {
        int type =
            switch (variant) {
              case "argon2i" -> Argon2Parameters.ARGON2_i;
              case "argon2d" -> Argon2Parameters.ARGON2_d;
              default -> Argon2Parameters.ARGON2_id;
            };
        int version =
            v.equals("v=19$")
                ? Argon2Parameters.ARGON2_VERSION_13
                : Argon2Parameters.ARGON2_VERSION_10;
        byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(
            new Argon2Parameters.Builder(type)
                .withVersion(version)
                .withMemoryAsKB(64)
                .withIterations(1)
                .withParallelism(2)
                .withSalt(salt)
                .build());
        byte[] out = new byte[24];
        gen.generateBytes("pw".getBytes(StandardCharsets.UTF_8), out);
        java.util.Base64.Encoder enc = java.util.Base64.getEncoder().withoutPadding();
        String phc =
            "$"
                + variant
                + "$"
                + v
                + "m=64,t=1,p=2$"
                + enc.encodeToString(salt)
                + "$"
                + enc.encodeToString(out);
        assertThat(fast.verify("pw", phc)).as(phc).isTrue();
        assertThat(fast.verify("pX", phc)).as(phc).isFalse();
      }
    }
  }

  @Test
  void verifyReturnsFalseForGarbage() {
    String good = fast.hash("pw");
    List<String> garbage =
        new ArrayList<>(
            List.of(
                "",
                "pw",
                "$",
                "$$$$$",
                "garbage",
                "$argon2id$",
                "$argon2id$v=19$m=1024,t=1,p=1$",
                "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$",
                "$argon2id$v=19$m=1024,t=1,p=1$$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=18$m=1024,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=1024,t=0,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=1024,t=1,p=0$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=4,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=99999999999,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ=$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=1024,t=1,p=1$c29tZ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$CTFhF",
                "$argon2id$v=19$m=1024,t=1,p=1$c2-tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2x$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$2b$12$GhvMmNVjRW29ulnudl.LbuAnUtN/LRfe1JsBm1Xu6LE3059z5Tr8m",
                good + "x",
                good + "$",
                " " + good,
                good.replace("$argon2id$", "$argon2id$$"),
                "$argon2id$v=19$m=65536,t=2,p=1,data=YWQ$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "x".repeat(2000)));
    for (String g : garbage) {
      assertThat(fast.verify("pw", g)).as(g).isFalse();
    }
    assertThat(fast.verify("pw", null)).isFalse();
    assertThat(fast.verify(null, good)).isFalse();
  }

  @Test
  void constructorRejectsInvalidParams() {
    assertThatThrownBy(() -> new PasswordHasher(19456, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher(19456, 2, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher(19456, 2, 256))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher(15, 2, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fast.hash(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void customParamsAreEncoded() {
    String phc = new PasswordHasher(4096, 3, 2).hash("pw");
    assertThat(phc).startsWith("$argon2id$v=19$m=4096,t=3,p=2$");
    assertThat(fast.verify("pw", phc)).isTrue();
  }

  @Test
  void threadSafeUnderConcurrentUse() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String pw = "pw-" + i;
        results.add(
            pool.submit(
                () -> {
                  String phc = fast.hash(pw);
                  return fast.verify(pw, phc) && !fast.verify(pw + "!", phc);
                }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
