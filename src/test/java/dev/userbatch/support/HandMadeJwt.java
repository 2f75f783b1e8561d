package dev.userbatch.support;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * JSON Web Tokens built byte by byte, so that tests of authentication can make the tokens a
 * well-behaved library refuses to make: {@code alg: none}, a header that lies about its algorithm,
 * claims in the past or the future.
 */
public final class HandMadeJwt {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private HandMadeJwt() {}

  public static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** Base64url of the JSON text. */
  public static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** Claims with {@code sub}, a space-separated {@code scope}, iat now and exp in an hour. */
  public static JsonObject claims(String subject, String scope) {
    JsonObject claims = new JsonObject().put("iat", now()).put("exp", now() + 3600);
    if (subject != null) {
      claims.put("sub", subject);
    }
    if (scope != null) {
      claims.put("scope", scope);
    }
    return claims;
  }

  /**
   * A token whose header says {@code headerAlg} and whose signature is an HMAC ({@code macAlg},
   * e.g. HmacSHA256) of the signing input under {@code secret}.
   */
  public static String hmac(String headerAlg, String macAlg, String secret, JsonObject claims) {
    String input =
        part(new JsonObject().put("alg", headerAlg).put("typ", "JWT")) + "." + part(claims);
    try {
      Mac mac = Mac.getInstance(macAlg);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), macAlg));
      return input
          + "."
          + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A correctly signed HS256 token with the test services' secret. */
  public static String hs256(JsonObject claims) {
    return hmac("HS256", "HmacSHA256", TestService.JWT_SECRET, claims);
  }

  /** An unsigned token: header {"alg":"none","typ":"JWT"}, the claims, an empty signature. */
  public static String none(JsonObject claims) {
    return part(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + part(claims) + ".";
  }
}
