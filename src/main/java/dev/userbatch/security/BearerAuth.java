package dev.userbatch.security;

import dev.userbatch.batch.RequestException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Checks a bearer token and a scope: the token itself ({@link TokenVerifier}: signature, issuer,
 * audience, a required expiry and not-before with the configured leeway), then the {@code scope}
 * (space-separated) or {@code scp} (string or list) claim. The token's {@code sub} is the actor
 * recorded in the audit trail. A token that verified is remembered until its {@code exp} ({@link
 * VerifiedTokens}).
 */
public final class BearerAuth {
  public static final String REALM = "user-batch-service";

  private final TokenVerifier verifier;
  private final VerifiedTokens verified;
  private final LongSupplier clock;

  public BearerAuth(TokenVerifier verifier) {
    this(verifier, VerifiedTokens.DEFAULT_CAPACITY, System::currentTimeMillis);
  }

  BearerAuth(TokenVerifier verifier, int cachedTokens, LongSupplier clock) {
    this.verifier = verifier;
    this.verified = new VerifiedTokens(cachedTokens);
    this.clock = clock;
  }

  /** Who called, with which scopes. */
  public record Caller(String actor, Set<String> scopes) {
    public boolean has(String scope) {
      return scopes.contains(scope);
    }
  }

  /**
   * A 401 (no or bad token) or 403 (missing scope) refusal, with its {@code WWW-Authenticate}
   * challenge.
   */
  private static RequestException refused(
      int status, String code, String message, String challenge) {
    return new RequestException(status, code, message)
        .withHeader(RequestException.WWW_AUTHENTICATE, challenge);
  }

  /** Verifies an {@code Authorization} header value and requires {@code scope}. */
  public Future<Caller> authorize(String authorization, String scope) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        || authorization.substring(7).isBlank()) {
      return Future.failedFuture(
          refused(
              401,
              "UNAUTHORIZED",
              "Authentication required: send Authorization: Bearer <token>",
              "Bearer realm=\"" + REALM + "\""));
    }
    return verify(authorization.substring(7).trim())
        .compose(
            caller -> {
              if (!caller.has(scope)) {
                return Future.failedFuture(
                    refused(
                        403,
                        "FORBIDDEN",
                        "The token lacks the scope " + scope,
                        "Bearer realm=\""
                            + REALM
                            + "\", error=\"insufficient_scope\", scope=\""
                            + scope
                            + "\""));
              }
              return Future.succeededFuture(caller);
            });
  }

  /**
   * Verifies a bare token. A token without a subject (a non-blank string {@code sub}) is refused
   * too: every batch is recorded in the audit trail under the caller's subject.
   */
  public Future<Caller> verify(String token) {
    Caller known = verified.get(token, clock.getAsLong());
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return verifier
        .verify(token)
        .recover(
            err ->
                Future.failedFuture(
                    invalidToken(
                        err instanceof TokenVerifier.InvalidToken invalid
                            ? invalid.getMessage()
                            : "Invalid or expired token")))
        .compose(
            claims -> {
              Caller caller = caller(claims);
              if (caller == null) {
                return Future.failedFuture(invalidToken("The token has no subject (sub claim)"));
              }
              // TokenVerifier requires a numeric exp (seconds)
              verified.put(
                  token, caller, (long) (((Number) claims.getValue("exp")).doubleValue() * 1000));
              return Future.succeededFuture(caller);
            });
  }

  private static RequestException invalidToken(String message) {
    return refused(
        401, "UNAUTHORIZED", message, "Bearer realm=\"" + REALM + "\", error=\"invalid_token\"");
  }

  /** The caller named by the token's claims, or null when it has no usable subject. */
  private static Caller caller(JsonObject claims) {
    if (!(claims.getValue("sub") instanceof String subject) || subject.isBlank()) {
      return null;
    }
    Set<String> scopes = new HashSet<>();
    Object scope = claims.getValue("scope");
    Object scp = claims.getValue("scp");
    for (Object claim : new Object[] {scope, scp}) {
      if (claim instanceof String text) {
        for (String s : text.trim().split("\\s+")) {
          if (!s.isEmpty()) {
            scopes.add(s);
          }
        }
      } else if (claim instanceof JsonArray list) {
        list.forEach(s -> scopes.add(String.valueOf(s)));
      }
    }
    return new Caller(subject, Set.copyOf(scopes));
  }
}
