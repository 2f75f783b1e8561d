package dev.userbatch.security;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.util.List;

/**
 * Verifies a JWT against the configured key sources and returns its claims. A token is accepted
 * when one source verifies its signature (under the key's own algorithm) and its {@code iss},
 * {@code aud}, {@code exp} and {@code nbf}; it must also carry a numeric {@code exp}, since a token
 * that never expires cannot be revoked.
 */
public final class TokenVerifier {
  private final List<KeySource> sources;

  TokenVerifier(List<KeySource> sources) {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("A token verifier needs at least one key source");
    }
    this.sources = List.copyOf(sources);
  }

  /** A failed verification; the message is safe to show to the caller. */
  public static final class InvalidToken extends RuntimeException {
    InvalidToken(String message) {
      super(message, null, false, false);
    }
  }

  /** The verified claims, or a failed future with {@link InvalidToken}. */
  public Future<JsonObject> verify(String token) {
    // each source checks its own iss/aud: a token passes only under the source whose key signed it
    Future<User> verified = Future.failedFuture(new InvalidToken("Invalid or expired token"));
    for (KeySource source : sources) {
      verified = verified.recover(previous -> authenticate(source.verifier(), token));
    }
    return verified.transform(
        result -> {
          if (result.failed()) {
            return Future.failedFuture(new InvalidToken("Invalid or expired token"));
          }
          JsonObject claims =
              result.result().attributes().getJsonObject("accessToken", new JsonObject());
          if (!(claims.getValue("exp") instanceof Number)) {
            return Future.failedFuture(
                new InvalidToken("The token has no expiry (a numeric exp claim is required)"));
          }
          return Future.succeededFuture(claims);
        });
  }

  /**
   * The library throws, rather than fails, on some malformed claims (a string exp or nbf, an odd
   * aud).
   */
  private static Future<User> authenticate(JWTAuth verifier, String token) {
    try {
      return verifier.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
