package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.HandMadeJwt;
import dev.userbatch.support.SeparateService;
import dev.userbatch.support.TestKeys;
import dev.userbatch.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The rules every token must pass, in every key mode (HS256 secret, RS256 and ES256 PEM, JWKS): a
 * signature by a configured key under that key's algorithm, a numeric {@code exp}, and the {@code
 * iss}/{@code aud} of the key source that verified it.
 */
class TokenRulesTest extends ApiTest {

  /** Claims that pass everything: sub, read scope, iat now, exp in an hour. */
  private static JsonObject claims() {
    return HandMadeJwt.claims("token-rules", Scopes.READ);
  }

  private static HttpResponse<Buffer> lookup(TestService target, String token) {
    return sync(
        target
            .anonymousHttp
            .get("/batch/users/lookup?ids=" + UUID.randomUUID())
            .putHeader("Authorization", "Bearer " + token)
            .send());
  }

  /**
   * A correctly signed token is accepted, and each of the tokens every mode must refuse (made with
   * {@code sign}) plus the mode's own {@code wrongAlgorithm} tokens is a 401 invalid_token.
   */
  private static List<String> violations(
      String mode,
      TestService target,
      Function<JsonObject, String> sign,
      Map<String, String> wrongAlgorithm) {
    List<String> violations = new ArrayList<>();
    HttpResponse<Buffer> good = lookup(target, sign.apply(claims()));
    if (good.statusCode() != 200) {
      violations.add(mode + ": a good token → " + good.statusCode() + " " + good.bodyAsString());
    }
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put(
        "alg none, unsigned (two segments)", HandMadeJwt.none(claims()).replaceAll("\\.$", ""));
    refused.put("alg none, empty signature", HandMadeJwt.none(claims()));
    JsonObject noExp = claims();
    noExp.remove("exp");
    refused.put("signed, no exp", sign.apply(noExp));
    refused.put("signed, exp null", sign.apply(claims().putNull("exp")));
    refused.put(
        "signed, exp a string",
        sign.apply(claims().put("exp", String.valueOf(HandMadeJwt.now() + 3600))));
    refused.put(
        "signed, exp a list",
        sign.apply(claims().put("exp", new JsonArray().add(HandMadeJwt.now() + 3600))));
    refused.put("signed, nbf a string", sign.apply(claims().put("nbf", "yesterday")));
    refused.putAll(wrongAlgorithm);
    for (Map.Entry<String, String> token : refused.entrySet()) {
      HttpResponse<Buffer> response = lookup(target, token.getValue());
      String code =
          response.statusCode() == 401 ? response.bodyAsJsonObject().getString("code") : null;
      if (response.statusCode() != 401
          || !"UNAUTHORIZED".equals(code)
          || !String.valueOf(response.getHeader("WWW-Authenticate"))
              .contains("error=\"invalid_token\"")) {
        violations.add(
            mode
                + ": "
                + token.getKey()
                + " → "
                + response.statusCode()
                + " "
                + response.bodyAsString());
      }
    }
    return violations;
  }

  private static TestService startWith(Map<String, String> env, boolean withSecret) {
    return TestService.start(
        base -> {
          ServiceConfig config = SeparateService.config(base, env, null);
          return withSecret ? config : config.withSecurity(config.security().withJwtSecret(null));
        });
  }

  @Test
  void secretMode() {
    Map<String, String> wrong = new LinkedHashMap<>();
    wrong.put(
        "RS256 header, HMAC signature",
        HandMadeJwt.hmac("RS256", "HmacSHA256", TestService.JWT_SECRET, claims()));
    wrong.put(
        "ES256 header, HMAC signature",
        HandMadeJwt.hmac("ES256", "HmacSHA256", TestService.JWT_SECRET, claims()));
    wrong.put(
        "HS512 with the right secret",
        HandMadeJwt.hmac("HS512", "HmacSHA512", TestService.JWT_SECRET, claims()));
    wrong.put(
        "hs256 (lower case) header",
        HandMadeJwt.hmac("hs256", "HmacSHA256", TestService.JWT_SECRET, claims()));
    assertThat(violations("secret", service, HandMadeJwt::hs256, wrong)).isEmpty();
  }

  @Test
  void publicKeyModeRs256AndEs256() {
    List<String> violations = new ArrayList<>();
    for (TestKeys.Pair pair : List.of(TestKeys.rsa(), TestKeys.ec())) {
      String publicPem = pair.publicPem();
      TestService target =
          startWith(
              Map.of(
                  "JWT_PUBLIC_KEY_FILE",
                  TestKeys.file("public.pem", publicPem).toString(),
                  "JWT_ALGORITHM",
                  pair.algorithm()),
              false);
      try {
        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put(
            "HS256 signed with the public key PEM",
            HandMadeJwt.hmac("HS256", "HmacSHA256", publicPem, claims()));
        wrong.put(
            pair.algorithm() + " header, HMAC with the public key PEM",
            HandMadeJwt.hmac(pair.algorithm(), "HmacSHA256", publicPem, claims()));
        wrong.put("HS256 with the test secret (not configured here)", HandMadeJwt.hs256(claims()));
        TestKeys.Pair other = pair.algorithm().equals("RS256") ? TestKeys.rsa() : TestKeys.ec();
        wrong.put("signed by another key", other.sign(target.clientVertx, null, claims()));
        violations.addAll(
            violations(
                "PEM " + pair.algorithm(),
                target,
                c -> pair.sign(target.clientVertx, null, c),
                wrong));
      } finally {
        target.close();
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void jwksMode() {
    TestKeys.Pair rsa = TestKeys.rsa();
    TestKeys.Pair ec = TestKeys.ec();
    TestKeys.Pair encryption = TestKeys.rsa();
    String jwks =
        TestKeys.keySet(
                rsa.publicJwk("rsa-1", "sig"),
                ec.publicJwk("ec-1", null),
                encryption.publicJwk("enc-1", "enc"))
            .encode();
    TestService target =
        startWith(Map.of("JWT_JWKS_FILE", TestKeys.file("jwks.json", jwks).toString()), false);
    try {
      Map<String, String> wrong = new LinkedHashMap<>();
      wrong.put(
          "HS256 signed with the RSA modulus",
          HandMadeJwt.hmac(
              "HS256", "HmacSHA256", rsa.publicJwk("rsa-1", "sig").getString("n"), claims()));
      wrong.put(
          "HS256 signed with the JWKS text",
          HandMadeJwt.hmac("HS256", "HmacSHA256", jwks, claims()));
      wrong.put("HS256 with the test secret (not configured here)", HandMadeJwt.hs256(claims()));
      wrong.put(
          "ES256 header, HMAC with the JWKS text",
          HandMadeJwt.hmac("ES256", "HmacSHA256", jwks, claims()));
      wrong.put(
          "signed by the use: enc key", encryption.sign(target.clientVertx, "enc-1", claims()));
      wrong.put(
          "signed by an unknown key with a known kid",
          TestKeys.rsa().sign(target.clientVertx, "rsa-1", claims()));
      List<String> violations = new ArrayList<>();
      violations.addAll(
          violations("JWKS RS256", target, c -> rsa.sign(target.clientVertx, "rsa-1", c), wrong));
      violations.addAll(
          violations("JWKS ES256", target, c -> ec.sign(target.clientVertx, "ec-1", c), Map.of()));
      violations.addAll(
          violations(
              "JWKS ES256 without kid",
              target,
              c -> ec.sign(target.clientVertx, null, c),
              Map.of()));
      assertThat(violations).isEmpty();
    } finally {
      target.close();
    }
  }

  @Test
  void eachKeySourceChecksItsOwnIssuerAndAudience() {
    TestKeys.Pair rsa = TestKeys.rsa();
    TestKeys.Pair ec = TestKeys.ec();
    Map<String, String> env = new HashMap<>();
    env.put(
        "JWT_JWKS_FILE",
        TestKeys.file("jwks.json", TestKeys.keySet(rsa.publicJwk("rsa-1", null)).encode())
            .toString());
    env.put("JWT_PUBLIC_KEY_FILE", TestKeys.file("public.pem", ec.publicPem()).toString());
    env.put("JWT_ALGORITHM", "ES256");
    env.put("JWT_ISSUER", "https://default.example");
    env.put("JWT_PUBLIC_KEY_ISSUER", "https://pem.example");
    env.put("JWT_JWKS_ISSUER", "https://jwks.example");
    env.put("JWT_JWKS_AUDIENCE", "user-batch");
    TestService target = startWith(env, true);
    try {
      UnaryOperator<JsonObject> hs = c -> c;
      Map<String, Integer> expected = new LinkedHashMap<>();
      Map<String, String> tokens = new LinkedHashMap<>();
      // the secret: the default issuer, no audience
      tokens.put(
          "HS256, default issuer",
          HandMadeJwt.hs256(hs.apply(claims().put("iss", "https://default.example"))));
      expected.put("HS256, default issuer", 200);
      tokens.put(
          "HS256, the JWKS issuer",
          HandMadeJwt.hs256(claims().put("iss", "https://jwks.example").put("aud", "user-batch")));
      expected.put("HS256, the JWKS issuer", 401);
      tokens.put("HS256, no issuer", HandMadeJwt.hs256(claims()));
      expected.put("HS256, no issuer", 401);
      // the PEM key: its own issuer, no audience
      tokens.put(
          "ES256, PEM issuer",
          ec.sign(target.clientVertx, null, claims().put("iss", "https://pem.example")));
      expected.put("ES256, PEM issuer", 200);
      tokens.put(
          "ES256, default issuer",
          ec.sign(target.clientVertx, null, claims().put("iss", "https://default.example")));
      expected.put("ES256, default issuer", 401);
      // the JWKS: its own issuer and audience
      tokens.put(
          "RS256, JWKS issuer and audience",
          rsa.sign(
              target.clientVertx,
              "rsa-1",
              claims().put("iss", "https://jwks.example").put("aud", "user-batch")));
      expected.put("RS256, JWKS issuer and audience", 200);
      tokens.put(
          "RS256, JWKS issuer, audience in a list",
          rsa.sign(
              target.clientVertx,
              "rsa-1",
              claims()
                  .put("iss", "https://jwks.example")
                  .put("aud", new JsonArray().add("other").add("user-batch"))));
      expected.put("RS256, JWKS issuer, audience in a list", 200);
      tokens.put(
          "RS256, default issuer",
          rsa.sign(
              target.clientVertx,
              "rsa-1",
              claims().put("iss", "https://default.example").put("aud", "user-batch")));
      expected.put("RS256, default issuer", 401);
      tokens.put(
          "RS256, PEM issuer",
          rsa.sign(
              target.clientVertx,
              "rsa-1",
              claims().put("iss", "https://pem.example").put("aud", "user-batch")));
      expected.put("RS256, PEM issuer", 401);
      tokens.put(
          "RS256, no audience",
          rsa.sign(target.clientVertx, "rsa-1", claims().put("iss", "https://jwks.example")));
      expected.put("RS256, no audience", 401);
      tokens.put(
          "RS256, another audience",
          rsa.sign(
              target.clientVertx,
              "rsa-1",
              claims().put("iss", "https://jwks.example").put("aud", "other")));
      expected.put("RS256, another audience", 401);
      Map<String, Integer> actual = new LinkedHashMap<>();
      tokens.forEach((name, token) -> actual.put(name, lookup(target, token).statusCode()));
      assertThat(actual).isEqualTo(expected);
    } finally {
      target.close();
    }
  }
}
