package dev.userbatch.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PasswordHashFormatTest {

  private static final String BCRYPT_BODY =
      "GhvMmNVjRW29ulnudl.LbuAnUtN/LRfe1JsBm1Xu6LE3059z5Tr8m"; // 53 chars
  private static final String SALT = "c29tZXNhbHQ"; // "somesalt", 8 bytes
  private static final String HASH32 = "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"; // 32 bytes

  static Stream<Arguments> valid() {
    return Stream.of(
        // bcrypt
        arguments("$2b$12$GhvMmNVjRW29ulnudl.LbuAnUtN/LRfe1JsBm1Xu6LE3059z5Tr8m", "bcrypt"),
        arguments("$2b$12$8U4qXbRZoVHXGQeqvLWYruq9r5a2DXYDrr5Iq3Ezs8RY1E6rsXtLe", "bcrypt"),
        arguments("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "bcrypt"),
        arguments("$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "bcrypt"),
        arguments("$2b$04$" + BCRYPT_BODY, "bcrypt"),
        arguments("$2b$31$" + BCRYPT_BODY, "bcrypt"),
        // argon2
        arguments(
            "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "argon2id"),
        arguments("$argon2id$v=19$m=19456,t=2,p=1$3q2+7w3q2+7w3q2+7w3q2w$" + HASH32, "argon2id"),
        arguments(
            "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
            "argon2i"),
        arguments(
            "$argon2i$m=65536,t=2,p=1$c29tZXNhbHQ$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ",
            "argon2i"),
        arguments("$argon2d$v=16$m=4096,t=3,p=2$" + SALT + "$" + HASH32, "argon2d"),
        arguments("$argon2id$v=19$m=8,t=1,p=1$" + SALT + "$AAAAAAAAAAAAAAAAAAAAAA", "argon2id"),
        arguments(
            "$argon2id$v=19$m=4294967295,t=4294967295,p=255$" + SALT + "$" + HASH32, "argon2id"),
        arguments("$argon2id$v=19$m=65536,t=2,p=1,keyid=a2V5$" + SALT + "$" + HASH32, "argon2id"),
        arguments("$argon2id$v=19$m=65536,t=2,p=1,data=ZGF0YQ$" + SALT + "$" + HASH32, "argon2id"),
        arguments(
            "$argon2id$v=19$m=65536,t=2,p=1,keyid=a2V5,data=ZGF0YQ$" + SALT + "$" + HASH32,
            "argon2id"),
        // scrypt (passlib)
        arguments(
            "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E",
            "scrypt"),
        arguments(
            "$scrypt$ln=14,r=8,p=1$Ofj76Jjhh8D8HOQFDqaXEQ$fyYxuIoBk0kuTYmLUW2gJ8uFg3sLHpDMabXPoh2DpuQ",
            "scrypt"),
        arguments("$scrypt$ln=1,r=1,p=1$" + SALT + "$" + HASH32, "scrypt"),
        arguments("$scrypt$ln=31,r=8,p=16$" + SALT + "$" + HASH32, "scrypt"),
        // pbkdf2 - passlib form (adapted base64 with '.')
        arguments(
            "$pbkdf2-sha256$29000$N2YMIWQsBWBMae09x1jrPQ$1t8iyB2A.WF/Z5JZv.lfCIhXXN33N23OSgQYThBYRfk",
            "pbkdf2-sha256"),
        arguments(
            "$pbkdf2-sha1$29000$N2YMIWQsBWBMae09x1jrPQ$1HZqNxRLLYekgrBhvvmIDFMtLuw", "pbkdf2-sha1"),
        arguments(
            "$pbkdf2-sha512$29000$N2YMIWQsBWBMae09x1jrPQ$1yuJb0z2/7Kzl9VWQQ0l6iFCG1XdPeegEQN7dI04GpHjMDakVac9HRkSV2ASbGSy1QtN4LFMZn2U2lHr2/aDmg",
            "pbkdf2-sha512"),
        arguments(
            "$pbkdf2$131000$N2YMIWQsBWBMae09x1jrPQ$1HZqNxRLLYekgrBhvvmIDFMtLuw", "pbkdf2-sha1"),
        arguments(
            "$pbkdf2-sha256$1000$N2YMIWQsBWBMae09x1jrPQ$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8",
            "pbkdf2-sha256"),
        // pbkdf2 - PHC form
        arguments(
            "$pbkdf2-sha256$i=29000,l=32$N2YMIWQsBWBMae09x1jrPQ$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8",
            "pbkdf2-sha256"),
        arguments(
            "$pbkdf2-sha256$i=600000$N2YMIWQsBWBMae09x1jrPQ$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8",
            "pbkdf2-sha256"),
        arguments(
            "$pbkdf2-sha512$i=210000,l=64$N2YMIWQsBWBMae09x1jrPQ$1yuJb0z2/7Kzl9VWQQ0l6iFCG1XdPeegEQN7dI04GpHjMDakVac9HRkSV2ASbGSy1QtN4LFMZn2U2lHr2/aDmg",
            "pbkdf2-sha512"));
  }

  static Stream<Arguments> invalid() {
    String longValid = "$argon2id$v=19$m=65536,t=2,p=1$" + SALT + "$" + "A".repeat(1000);
    return Stream.of(
        // generic
        arguments(null, "missing"),
        arguments("", "empty"),
        arguments("hunter2", "not a recognised hash format"),
        arguments("Password123!", "not a recognised hash format"),
        arguments(
            "5f4dcc3b5aa765d61d8327deb882cf99", "not a recognised hash format"), // bare md5 hex
        arguments("correct horse battery staple", "whitespace"),
        arguments(" $2b$12$" + BCRYPT_BODY, "whitespace"),
        arguments("$2b$12$" + BCRYPT_BODY + "\n", "whitespace"),
        arguments("$2b$12$" + BCRYPT_BODY.substring(1) + "\t", "whitespace"),
        arguments("$2b$12$" + BCRYPT_BODY.substring(1) + "\u0000", "control"),
        arguments("$2b$12$" + BCRYPT_BODY.substring(1) + "é", "ASCII"),
        arguments("$2b$12$" + BCRYPT_BODY.substring(1) + "\u00A0", "whitespace"),
        arguments(longValid, "longer than 1024"),
        arguments("$", "not a recognised hash format"),
        arguments("$$", "not a recognised hash format"),
        arguments("$secretpassword", "not a recognised hash format"),
        arguments("$foo$bar$baz", "not a recognised hash format"),
        arguments("$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", "md5-crypt"),
        arguments("$6$rounds=5000$saltsalt$abc", "sha512-crypt"),
        arguments(
            "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7",
            "yescrypt"),
        // bcrypt
        arguments("$2b$03$" + BCRYPT_BODY, "cost between 04 and 31"),
        arguments("$2b$32$" + BCRYPT_BODY, "cost between 04 and 31"),
        arguments("$2b$00$" + BCRYPT_BODY, "cost between 04 and 31"),
        arguments("$2b$4$" + BCRYPT_BODY, "two-digit cost"),
        arguments("$2b$012$" + BCRYPT_BODY, "two-digit cost"),
        arguments("$2b$ab$" + BCRYPT_BODY, "two-digit cost"),
        arguments("$2b$12$" + BCRYPT_BODY.substring(1), "exactly 53 characters"),
        arguments("$2b$12$" + BCRYPT_BODY + "x", "exactly 53 characters"),
        arguments("$2b$12$", "exactly 53 characters"),
        arguments("$2b$12$" + BCRYPT_BODY.replace('.', '+'), "alphabet"),
        arguments("$2b$12$" + BCRYPT_BODY.substring(0, 52) + "=", "alphabet"),
        arguments(
            "$2b$12$" + BCRYPT_BODY.substring(0, 22) + "$" + BCRYPT_BODY.substring(22), "form"),
        arguments("$2b$12", "form"),
        arguments("$2b$", "form"),
        arguments("$2x$12$" + BCRYPT_BODY, "$2x$ is not supported"),
        arguments("$2$12$" + BCRYPT_BODY, "is not supported"),
        arguments("$2c$12$" + BCRYPT_BODY, "is not supported"),
        arguments("$2B$12$" + BCRYPT_BODY, "not a recognised hash format"),
        // argon2
        arguments(
            "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbA$" + HASH32, "salt must be at least 8 bytes"),
        arguments(
            "$argon2id$v=19$m=65536,t=2,p=1$" + SALT + "$AAAAAAAAAAAAAAAAAAAA",
            "hash must be at least 16 bytes"),
        arguments("$argon2id$v=19$m=65536,t=2,p=1$" + SALT + "$", "hash is missing"),
        arguments("$argon2id$v=19$m=65536,t=2,p=1$$" + HASH32, "salt is missing"),
        arguments("$argon2id$v=19$m=65536,t=2,p=1$" + SALT, "form"),
        arguments("$argon2id$v=19$m=65536,t=2,p=1$" + SALT + "$" + HASH32 + "$", "form"),
        arguments("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ=$" + HASH32, "padding"),
        arguments("$argon2id$v=19$m=65536,t=2,p=1$" + SALT + "$" + HASH32 + "=", "padding"),
        arguments(
            "$argon2id$v=19$m=65536,t=2,p=1$" + SALT + "$" + HASH32.replace('C', '.'),
            "[A-Za-z0-9+/]"),
        arguments(
            "$argon2id$v=19$m=65536,t=2,p=1$" + SALT + "$" + HASH32.replace('C', '-'),
            "[A-Za-z0-9+/]"),
        arguments(
            "$argon2id$v=19$m=65536,t=2,p=1$" + SALT + "$" + HASH32 + "AA",
            "impossible base64 length"),
        arguments("$argon2id$v=18$m=65536,t=2,p=1$" + SALT + "$" + HASH32, "v=16 or v=19"),
        arguments(
            "$argon2id$v=19$t=2,m=65536,p=1$" + SALT + "$" + HASH32, "m=<int>,t=<int>,p=<int>"),
        arguments("$argon2id$v=19$m=65536,t=2$" + SALT + "$" + HASH32, "m=<int>,t=<int>,p=<int>"),
        arguments(
            "$argon2id$v=19$m=065536,t=2,p=1$" + SALT + "$" + HASH32, "m=<int>,t=<int>,p=<int>"),
        arguments("$argon2id$v=19$m=-1,t=2,p=1$" + SALT + "$" + HASH32, "m=<int>,t=<int>,p=<int>"),
        arguments(
            "$argon2id$v=19$m=65536,t=2,p=1,foo=bar$" + SALT + "$" + HASH32,
            "m=<int>,t=<int>,p=<int>"),
        arguments("$argon2id$v=19$m=65536,t=2,p=0$" + SALT + "$" + HASH32, "parallelism"),
        arguments("$argon2id$v=19$m=65536,t=2,p=256$" + SALT + "$" + HASH32, "parallelism"),
        arguments("$argon2id$v=19$m=65536,t=0,p=1$" + SALT + "$" + HASH32, "iterations"),
        arguments("$argon2id$v=19$m=65536,t=4294967296,p=1$" + SALT + "$" + HASH32, "iterations"),
        arguments("$argon2id$v=19$m=15,t=2,p=2$" + SALT + "$" + HASH32, "memory"),
        arguments("$argon2id$v=19$m=0,t=2,p=1$" + SALT + "$" + HASH32, "memory"),
        arguments("$argon2id$v=19$m=4294967296,t=2,p=1$" + SALT + "$" + HASH32, "memory"),
        arguments("$argon2$v=19$m=65536,t=2,p=1$" + SALT + "$" + HASH32, "argon2 variant"),
        arguments("$argon2ds$v=19$m=65536,t=2,p=1$" + SALT + "$" + HASH32, "argon2 variant"),
        arguments("$argon2id$", "form"),
        // scrypt
        arguments("$scrypt$ln=0,r=8,p=1$" + SALT + "$" + HASH32, "ln between 1 and 31"),
        arguments("$scrypt$ln=32,r=8,p=1$" + SALT + "$" + HASH32, "ln between 1 and 31"),
        arguments("$scrypt$ln=16,r=0,p=1$" + SALT + "$" + HASH32, "positive r and p"),
        arguments("$scrypt$ln=16,r=8,p=0$" + SALT + "$" + HASH32, "positive r and p"),
        arguments("$scrypt$ln=16,r=65536,p=65536$" + SALT + "$" + HASH32, "r*p below 2^30"),
        arguments("$scrypt$N=16384,r=8,p=1$" + SALT + "$" + HASH32, "ln=<int>,r=<int>,p=<int>"),
        arguments("$scrypt$ln=16,r=8,p=1$" + SALT, "form"),
        arguments("$scrypt$ln=16,r=8,p=1$" + SALT + "$AAAA", "at least 16 bytes"),
        arguments("$scrypt$ln=16,r=8,p=1$AAAA$" + HASH32, "at least 8 bytes"),
        // pbkdf2
        arguments(
            "$pbkdf2-sha256$999$N2YMIWQsBWBMae09x1jrPQ$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8",
            "at least 1000 rounds"),
        arguments(
            "$pbkdf2-sha256$i=999$N2YMIWQsBWBMae09x1jrPQ$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8",
            "at least 1000 rounds"),
        arguments(
            "$pbkdf2-sha256$0$N2YMIWQsBWBMae09x1jrPQ$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8",
            "at least 1000 rounds"),
        arguments(
            "$pbkdf2-sha256$rounds=29000$N2YMIWQsBWBMae09x1jrPQ$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8",
            "rounds count"),
        arguments(
            "$pbkdf2-sha256$$N2YMIWQsBWBMae09x1jrPQ$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8",
            "rounds count"),
        arguments("$pbkdf2-sha256$29000$N2YMIWQsBWBMae09x1jrPQ", "form"),
        arguments(
            "$pbkdf2-sha256$29000$N2YMIWQsBWBMae09x1jrPQ==$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8",
            "padding"),
        arguments(
            "$pbkdf2-sha256$29000$N2YMIWQsBWBMae09x1jrPQ$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8=",
            "padding"),
        arguments(
            "$pbkdf2-sha256$29000$N2YMIWQsBWBM_e09x1jrPQ$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8",
            "[A-Za-z0-9./+]"),
        arguments(
            "$pbkdf2-sha256$29000$N2YMIW$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8",
            "at least 8 bytes"),
        arguments(
            "$pbkdf2-md5$29000$N2YMIWQsBWBMae09x1jrPQ$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8",
            "pbkdf2 variant"),
        arguments(
            "$pbkdf2-sha256$i=29000,l=8$N2YMIWQsBWBMae09x1jrPQ$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8",
            "output length"));
  }

  @ParameterizedTest(name = "[{index}] {1}: {0}")
  @MethodSource("valid")
  void acceptsValid(String hash, String algorithm) {
    assertThat(PasswordHashFormat.problem(hash)).as(hash).isEmpty();
    assertThat(PasswordHashFormat.isValid(hash)).isTrue();
    assertThat(PasswordHashFormat.algorithm(hash)).isEqualTo(algorithm);
  }

  @ParameterizedTest(name = "[{index}] {1}: {0}")
  @MethodSource("invalid")
  void rejectsInvalid(String hash, String expectedFragment) {
    assertThat(PasswordHashFormat.problem(hash))
        .as(String.valueOf(hash))
        .hasValueSatisfying(p -> assertThat(p).contains(expectedFragment));
    assertThat(PasswordHashFormat.isValid(hash)).isFalse();
    assertThatThrownBy(() -> PasswordHashFormat.algorithm(hash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(PasswordHashFormat.problem(hash).orElseThrow());
  }

  @Test
  void exactMessages() {
    assertThat(PasswordHashFormat.problem("hunter2"))
        .contains(
            "passwordHash is not a recognised hash format (expected bcrypt, argon2, scrypt or pbkdf2 PHC string)");
    assertThat(PasswordHashFormat.problem("$2b$03$" + BCRYPT_BODY))
        .contains("bcrypt hash must have cost between 04 and 31");
  }

  @Test
  void messagesDoNotEchoInput() {
    String secret = "$MySecretPassw0rd$2024";
    assertThat(PasswordHashFormat.problem(secret))
        .hasValueSatisfying(p -> assertThat(p).doesNotContain("MySecret"));
    String spaced = "my secret password";
    assertThat(PasswordHashFormat.problem(spaced))
        .hasValueSatisfying(p -> assertThat(p).doesNotContain("secret"));
  }

  @Test
  void acceptsRealBcryptHashesFromBouncyCastle() {
    byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    for (String version : new String[] {"2a", "2b", "2y"}) {
      String hash = OpenBSDBCrypt.generate(version, "password".toCharArray(), salt, 4);
      assertThat(hash).startsWith("$" + version + "$04$");
      assertThat(PasswordHashFormat.problem(hash)).as(hash).isEmpty();
      assertThat(PasswordHashFormat.algorithm(hash)).isEqualTo("bcrypt");
    }
  }

  @Test
  void exactlyMaxLengthIsNotRejectedForLength() {
    String at = "$argon2id$v=19$m=65536,t=2,p=1$" + SALT + "$";
    int hashLen = PasswordHashFormat.MAX_LENGTH - at.length();
    hashLen -= hashLen % 4 == 1 ? 1 : 0;
    String hash = at + "A".repeat(hashLen);
    assertThat(hash.length()).isLessThanOrEqualTo(PasswordHashFormat.MAX_LENGTH);
    assertThat(PasswordHashFormat.problem(hash)).isEmpty();
    assertThat(PasswordHashFormat.problem(hash + "AA"))
        .hasValueSatisfying(p -> assertThat(p).contains("longer than 1024"));
  }

  @Test
  void hasherOutputIsAccepted() {
    String phc = new PasswordHasher(64, 1, 1).hash("pw");
    assertThat(PasswordHashFormat.algorithm(phc)).isEqualTo("argon2id");
  }

  @Test
  void weaknessIsMeasuredAgainstTheFloorForBcryptAndPbkdf2Only() {
    String tail = "$N2YMIWQsBWBMae09x1jrPQ$lEjTD4tvq5SOB5ctjdSxvnbzU5PQEfMComvCIxNEqq8";
    assertThat(PasswordHashFormat.weakness("$2b$09$" + BCRYPT_BODY, 10, 100_000))
        .contains("passwordHash is a bcrypt hash of cost 9, below the minimum cost 10");
    assertThat(PasswordHashFormat.weakness("$2b$10$" + BCRYPT_BODY, 10, 100_000)).isEmpty();
    assertThat(PasswordHashFormat.weakness("$pbkdf2-sha256$99999" + tail, 10, 100_000))
        .contains(
            "passwordHash is a pbkdf2-sha256 hash of 99999 iterations, below the minimum of 100000");
    assertThat(PasswordHashFormat.weakness("$pbkdf2-sha512$i=100000" + tail, 10, 100_000))
        .isEmpty();
    assertThat(PasswordHashFormat.weakness("$pbkdf2$1000" + tail, 10, 100_000)).isPresent();
    assertThat(
            PasswordHashFormat.weakness(
                "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", 10, 100_000))
        .as("argon2 has no floor")
        .isEmpty();
    assertThat(PasswordHashFormat.weakness("not a hash", 10, 100_000))
        .as("invalid: not judged")
        .isEmpty();
  }
}
