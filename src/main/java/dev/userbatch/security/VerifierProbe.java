package dev.userbatch.security;

import dev.userbatch.config.SecurityConfig.ExpectedClaims;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Asks a vertx-auth-jwt verifier which algorithms it really holds a verification key for.
 *
 * <p>The library drops, with a log line only, every key it cannot use for verification (a JWK it
 * cannot parse, an unsupported {@code kty} or {@code alg}, {@code use: enc}, a private key without
 * its public half), and a verifier left with no key at all runs "unsecure": it then accepts
 * unsigned tokens ({@code alg: none}, two segments) carrying any claims. Rather than re-implement
 * its rules, start-up asks the verifier itself, with tokens that must fail: an unsigned token
 * (accepted only in that unsecure mode), then one token per algorithm with a bogus signature. A
 * verifier without a key for the algorithm fails it with {@link NoSuchKeyIdException} before
 * looking at the signature; one with a key fails it on the signature.
 */
final class VerifierProbe {
  /** Every JWS algorithm vertx-auth-jwt 5 can verify; RS1 (COSE only) is left out on purpose. */
  static final List<String> ALGORITHMS =
      List.of(
          "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
          "ES256K", "ES384", "ES512", "EdDSA");

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private VerifierProbe() {}

  /**
   * The algorithms {@code verifier} can check a signature with; empty if it would accept unsigned
   * tokens.
   */
  static Set<String> verifiableAlgorithms(JWTAuth verifier, ExpectedClaims claims) {
    Set<String> algorithms = new TreeSet<>();
    String payload = part(payload(claims));
    if (failure(
            verifier, part(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + payload)
        == null) {
      return algorithms;
    }
    for (String algorithm : ALGORITHMS) {
      String token =
          part(new JsonObject().put("alg", algorithm).put("typ", "JWT"))
              + "."
              + payload
              + "."
              + B64.encodeToString("not a signature".getBytes(StandardCharsets.US_ASCII));
      Throwable failure = failure(verifier, token);
      if (failure == null) {
        throw new IllegalStateException(
            "The JWT verifier accepted a bogus " + algorithm + " signature");
      }
      if (!(failure instanceof NoSuchKeyIdException)) {
        algorithms.add(algorithm);
      }
    }
    return algorithms;
  }

  /**
   * Claims that pass every other check (expiry, issuer, audience), so only the signature decides.
   */
  private static JsonObject payload(ExpectedClaims claims) {
    JsonObject payload =
        new JsonObject()
            .put("sub", "key-probe")
            .put("exp", System.currentTimeMillis() / 1000 + 600);
    if (claims.issuer() != null) {
      payload.put("iss", claims.issuer());
    }
    if (claims.audience() != null) {
      payload.put("aud", claims.audience());
    }
    return payload;
  }

  /** Why {@code verifier} refused {@code token}, or null if it accepted it. */
  private static Throwable failure(JWTAuth verifier, String token) {
    Future<User> result;
    try {
      result = verifier.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      return e;
    }
    if (!result.isComplete()) {
      // JWTAuthProviderImpl answers before returning; a library that no longer does needs another
      // probe
      throw new IllegalStateException(
          "The JWT verifier did not answer synchronously: cannot check its keys");
    }
    return result.succeeded() ? null : result.cause();
  }

  private static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
