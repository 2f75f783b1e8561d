package dev.userbatch.security;

import dev.userbatch.config.SecurityConfig.ExpectedClaims;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.util.List;
import java.util.Set;

/**
 * One configured source of verification keys (JWT_SECRET, JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE)
 * with its own verifier, which checks the source's {@code iss}/{@code aud} too.
 *
 * @param name the variable and file, for messages: "JWT_JWKS_FILE /etc/keys.json"
 * @param claims what a token verified by this source must carry
 * @param verifier a vertx-auth-jwt verifier holding exactly the usable keys of this source
 * @param algorithms the algorithms it can verify a signature with (never empty)
 * @param keys how many keys it holds
 * @param skipped keys of the source that could not be used, with the reason
 */
record KeySource(
    String name,
    ExpectedClaims claims,
    JWTAuth verifier,
    Set<String> algorithms,
    int keys,
    List<String> skipped) {}
