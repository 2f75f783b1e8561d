package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userbatch.config.SecurityConfig;
import dev.userbatch.config.SecurityConfig.ExpectedClaims;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.support.SeparateService;
import dev.userbatch.support.TestKeys;
import dev.userbatch.support.TestService;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Authentication never degrades to "no verification": every key configuration that leaves a key
 * source without a key able to verify a signature stops start-up, with a message naming the
 * variable and the file. (vertx-auth-jwt with no verification key runs "unsecure" and accepts
 * unsigned tokens: that is what these configurations used to give.)
 */
class StartupKeyChecksTest {

  /**
   * Starts a service with these settings (and without the test secret unless {@code withSecret}).
   */
  private static String startFailure(Map<String, String> env, boolean withSecret) {
    ServiceConfig base = TestService.shared().app.config().withHttpPort(TestService.freePort());
    ServiceConfig config = SeparateService.config(base, env, null);
    if (!withSecret) {
      config = config.withSecurity(config.security().withJwtSecret(null));
    }
    try {
      UserBatchApp started = UserBatchApp.start(config);
      started.close();
      return null;
    } catch (Exception e) {
      StringBuilder messages = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        messages.append(t).append(" | ");
      }
      return messages.toString();
    }
  }

  @Test
  void jwksFilesWithoutAUsableSigningKeyStopStartUp() {
    TestKeys.Pair rsa = TestKeys.rsa();
    Map<String, String> files = new LinkedHashMap<>();
    files.put("empty keys array", "{\"keys\": []}");
    files.put("a single JWK, not a set", rsa.publicJwk("single", null).encode());
    files.put(
        "only use: enc keys",
        TestKeys.keySet(rsa.publicJwk("enc-1", "enc"), TestKeys.ec().publicJwk("enc-2", "enc"))
            .encode());
    files.put(
        "unsupported key types",
        TestKeys.keySet(
                new JsonObject().put("kty", "XYZ").put("kid", "x"),
                new JsonObject().put("kty", "RSA").put("kid", "no-material"),
                new JsonObject()
                    .put("kty", "EC")
                    .put("crv", "P-999")
                    .put("kid", "bad-curve")
                    .put("x", "AA")
                    .put("y", "AA"),
                new JsonObject()
                    .put("kty", "RSA")
                    .put("alg", "RS1")
                    .put("kid", "sha1")
                    .put("n", rsa.publicJwk("k", null).getString("n"))
                    .put("e", "AQAB"))
            .encode());
    files.put("no keys member", "{}");
    files.put("keys not an array", "{\"keys\": {\"kty\": \"RSA\"}}");
    files.put("a JSON array", "[" + rsa.publicJwk("in-array", null).encode() + "]");
    files.put("not JSON", "-----BEGIN PUBLIC KEY-----\n" + rsa.publicPem());
    files.put(
        "an HS256 key shorter than 32 bytes",
        TestKeys.keySet(
                new JsonObject()
                    .put("kty", "oct")
                    .put("alg", "HS256")
                    .put("kid", "short")
                    .put("k", TestKeys.base64Url(new byte[16])))
            .encode());
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path jwks = TestKeys.file("jwks.json", file.getValue());
      String failure = startFailure(Map.of("JWT_JWKS_FILE", jwks.toString()), false);
      if (failure == null
          || !failure.contains("JWT_JWKS_FILE")
          || !failure.contains(jwks.toString())) {
        failures.add(file.getKey() + " → " + (failure == null ? "the service started" : failure));
      }
    }
    assertThat(failures)
        .as(
            "JWKS files that did not stop start-up with a message naming JWT_JWKS_FILE and the file")
        .isEmpty();
  }

  @Test
  void anUnusableJwksStopsStartUpEvenBesideAGoodSecret() {
    Path jwks = TestKeys.file("jwks.json", "{\"keys\": []}");
    String failure = startFailure(Map.of("JWT_JWKS_FILE", jwks.toString()), true);
    assertThat(failure)
        .as("started with an empty key set beside JWT_SECRET")
        .isNotNull()
        .contains("JWT_JWKS_FILE")
        .contains(jwks.toString());
  }

  @Test
  void publicKeyFilesThatCannotVerifyStopStartUp() {
    TestKeys.Pair rsa = TestKeys.rsa();
    Map<String, Map<String, String>> cases = new LinkedHashMap<>();
    cases.put(
        "a private key only",
        Map.of("JWT_PUBLIC_KEY_FILE", TestKeys.file("private.pem", rsa.privatePem()).toString()));
    cases.put(
        "not a PEM",
        Map.of("JWT_PUBLIC_KEY_FILE", TestKeys.file("garbage.pem", "hello\nworld\n").toString()));
    cases.put(
        "an RSA key declared ES256",
        Map.of(
            "JWT_PUBLIC_KEY_FILE",
            TestKeys.file("rsa.pem", rsa.publicPem()).toString(),
            "JWT_ALGORITHM",
            "ES256"));
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
      String file = c.getValue().get("JWT_PUBLIC_KEY_FILE");
      String failure = startFailure(c.getValue(), false);
      if (failure == null || !failure.contains("JWT_PUBLIC_KEY_FILE") || !failure.contains(file)) {
        failures.add(c.getKey() + " → " + (failure == null ? "the service started" : failure));
      }
    }
    assertThat(failures)
        .as("PEM files that did not stop start-up naming JWT_PUBLIC_KEY_FILE and the file")
        .isEmpty();
  }

  @Test
  void anHs256SecretShorterThan32BytesIsAConfigurationError() {
    Map<String, String> env = new HashMap<>();
    env.put("JWT_SECRET", "x".repeat(31));
    assertThatThrownBy(() -> ServiceConfig.load(env))
        .hasMessageContaining("JWT_SECRET")
        .hasMessageContaining("32 bytes");
    // bytes, not characters: 16 two-byte characters are 32 bytes
    env.put("JWT_SECRET", "é".repeat(16));
    assertThat(ServiceConfig.load(env).security().jwtSecret()).isEqualTo("é".repeat(16));
  }

  @Test
  void devModeFalseWithoutAnyKeyStopsStartUpAndWritesNothing() throws Exception {
    Path dataDir = Files.createTempDirectory("no-dev-mode");
    String failure =
        startFailure(Map.of("DEV_MODE", "false", "DATA_DIR", dataDir.toString()), false);
    assertThat(failure)
        .as("started with DEV_MODE=false and no key")
        .isNotNull()
        .contains("DEV_MODE=false")
        .contains("JWT_SECRET")
        .contains("JWT_PUBLIC_KEY_FILE")
        .contains("JWT_JWKS_FILE");
    try (var listing = Files.list(dataDir)) {
      assertThat(listing.toList()).as("no development secret or token written").isEmpty();
    }
  }

  @Test
  void devModeIsOnByDefaultSoTheFirstRunNeedsNoSettings() {
    assertThat(ServiceConfig.load(Map.of()).security().devMode()).isTrue();
    assertThat(ServiceConfig.load(Map.of("DEV_MODE", "false")).security().devMode()).isFalse();
    assertThatThrownBy(() -> ServiceConfig.load(Map.of("DEV_MODE", "no")))
        .hasMessageContaining("DEV_MODE")
        .hasMessageContaining("true or false");
  }

  @Test
  void eachKeySourceTakesItsOwnIssuerAndAudienceOrTheSharedOnes() {
    SecurityConfig security =
        ServiceConfig.load(
                Map.of(
                    "JWT_ISSUER",
                    "https://shared",
                    "JWT_AUDIENCE",
                    "shared-aud",
                    "JWT_SECRET_ISSUER",
                    "https://secret",
                    "JWT_PUBLIC_KEY_AUDIENCE",
                    "pem-aud",
                    "JWT_JWKS_ISSUER",
                    "https://jwks",
                    "JWT_JWKS_AUDIENCE",
                    "jwks-aud"))
            .security();
    assertThat(security.secretClaims())
        .isEqualTo(new ExpectedClaims("https://secret", "shared-aud"));
    assertThat(security.publicKeyClaims())
        .isEqualTo(new ExpectedClaims("https://shared", "pem-aud"));
    assertThat(security.jwksClaims()).isEqualTo(new ExpectedClaims("https://jwks", "jwks-aud"));
    assertThat(ServiceConfig.load(Map.of()).security().jwksClaims()).isEqualTo(ExpectedClaims.NONE);
  }
}
