package dev.userbatch.security;

import dev.userbatch.batch.Scopes;
import dev.userbatch.config.SecurityConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-configuration first run: with no JWT key configured and DEV_MODE on (the default of
 * conf/application.json), a secret is generated once under DATA_DIR and a ready token with both
 * scopes is written next to it, both owner-only (mode 0600, see {@link PrivateFiles}), and the log
 * says so loudly. With DEV_MODE=false (the Docker image), no key means no start.
 */
public final class DevelopmentCredentials {
  private static final Logger LOG = LoggerFactory.getLogger(DevelopmentCredentials.class);
  public static final String SECRET_FILE = "jwt-secret";
  public static final String TOKEN_FILE = "dev-token";
  private static final int TOKEN_DAYS = 30;

  private DevelopmentCredentials() {}

  /** The effective security configuration: the given one, or one with the development secret. */
  public static SecurityConfig apply(SecurityConfig config, Path dataDir) {
    if (config.hasConfiguredKeys()) {
      return config;
    }
    if (!config.devMode()) {
      throw new IllegalStateException(
          "No JWT key is configured and DEV_MODE=false forbids the generated development "
              + "secret: set JWT_SECRET (HS256, at least "
              + SecurityConfig.MIN_SECRET_BYTES
              + " bytes), "
              + "JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE");
    }
    Path secretFile = dataDir.resolve(SECRET_FILE).toAbsolutePath().normalize();
    try {
      PrivateFiles.createDirectory(dataDir);
      if (!Files.exists(secretFile)) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        PrivateFiles.createIfAbsent(
            secretFile, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
      } else if (PrivateFiles.restrict(secretFile)) {
        LOG.warn(
            "{} was readable by other users: restricted to its owner (0600). Delete it to generate a new "
                + "secret if others may have read it.",
            secretFile);
      }
      return config.withJwtSecret(Files.readString(secretFile, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the development JWT secret " + secretFile, e);
    }
  }

  /** Writes DATA_DIR/dev-token (both scopes) when the development secret is in use, and says so. */
  public static void writeToken(
      Vertx vertx, SecurityConfig original, SecurityConfig effective, Path dataDir) {
    if (original.hasConfiguredKeys()) {
      return;
    }
    JWTAuth signer =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(effective.jwtSecret())));
    JsonObject claims =
        new JsonObject().put("sub", "developer").put("scope", Scopes.READ + " " + Scopes.WRITE);
    JWTOptions signing =
        new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(TOKEN_DAYS * 24 * 60);
    if (effective.secretClaims().issuer() != null) {
      signing.setIssuer(effective.secretClaims().issuer());
    }
    if (effective.secretClaims().audience() != null) {
      signing.setAudience(List.of(effective.secretClaims().audience()));
    }
    Path tokenFile = dataDir.resolve(TOKEN_FILE).toAbsolutePath().normalize();
    try {
      PrivateFiles.replace(tokenFile, signer.generateToken(claims, signing));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + tokenFile, e);
    }
    LOG.warn(
        "*** DEVELOPMENT CREDENTIALS: NOT FOR PRODUCTION *** No JWT key is configured (JWT_SECRET, "
            + "JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE), so tokens are signed with a secret generated in {}, and a token "
            + "with scopes users:read and users:write, valid {} days, is in {} (curl -H \"Authorization: Bearer "
            + "$(cat {})\" …). Anyone who can read that directory can call the API. Configure a key and set "
            + "DEV_MODE=false to forbid this fallback.",
        tokenFile.resolveSibling(SECRET_FILE),
        TOKEN_DAYS,
        tokenFile,
        tokenFile);
  }
}
