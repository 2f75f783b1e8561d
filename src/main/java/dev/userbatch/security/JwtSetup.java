package dev.userbatch.security;

import dev.userbatch.config.SecurityConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Builds the JWT verifier from configuration: an HS256 secret, an RS256/ES256 public key (PEM) or
 * a JWKS file. Each key is bound to its algorithm, so a token cannot pick another one (no
 * algorithm confusion), and unsigned tokens ({@code alg: none}) are refused.
 *
 * <p>With no key configured (a developer's machine), a secret is generated once under DATA_DIR
 * and a ready token with both scopes is written next to it.
 */
public final class JwtSetup {
  private static final Logger LOG = LoggerFactory.getLogger(JwtSetup.class);
  static final String SECRET_FILE = "jwt-secret";
  public static final String DEV_TOKEN_FILE = "dev-token";
  private static final int DEV_TOKEN_DAYS = 30;

  private JwtSetup() {
  }

  /** The effective security configuration: the given one, or one with the development secret. */
  public static SecurityConfig withDevelopmentDefault(SecurityConfig config, Path dataDir) {
    if (config.hasConfiguredKeys()) {
      return config;
    }
    try {
      Files.createDirectories(dataDir);
      Path secretFile = dataDir.resolve(SECRET_FILE);
      if (!Files.exists(secretFile)) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Files.writeString(secretFile, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        restrict(secretFile);
      }
      return config.withJwtSecret(Files.readString(secretFile, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the development JWT secret under " + dataDir, e);
    }
  }

  /** Writes DATA_DIR/dev-token (both scopes) when the development secret is in use. */
  public static void writeDevelopmentToken(Vertx vertx, SecurityConfig original, SecurityConfig effective,
                                           Path dataDir) {
    if (original.hasConfiguredKeys()) {
      return;
    }
    String token = create(vertx, effective).generateToken(
        new JsonObject().put("sub", "developer").put("scope", Scopes.READ + " " + Scopes.WRITE),
        new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(DEV_TOKEN_DAYS * 24 * 60));
    Path tokenFile = dataDir.resolve(DEV_TOKEN_FILE);
    try {
      Files.writeString(tokenFile, token);
      restrict(tokenFile);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + tokenFile, e);
    }
    LOG.warn("No JWT key configured (JWT_SECRET, JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE): using a development "
        + "secret from {}. A token with scopes users:read and users:write is in {} — "
        + "curl -H \"Authorization: Bearer $(cat {})\" …", dataDir.resolve(SECRET_FILE).toAbsolutePath(),
        tokenFile.toAbsolutePath(), tokenFile);
  }

  public static JWTAuth create(Vertx vertx, SecurityConfig config) {
    JWTOptions verification = new JWTOptions().setLeeway(config.jwtLeewaySeconds());
    if (config.jwtIssuer() != null) {
      verification.setIssuer(config.jwtIssuer());
    }
    if (config.jwtAudience() != null) {
      verification.setAudience(List.of(config.jwtAudience()));
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(verification);
    if (config.jwtSecret() != null) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.jwtSecret()));
    }
    if (config.jwtPublicKeyFile() != null) {
      String algorithm = config.jwtAlgorithm() == null ? "RS256" : config.jwtAlgorithm();
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(read(config.jwtPublicKeyFile())));
    }
    if (config.jwtJwksFile() != null) {
      JsonArray keys = new JsonObject(read(config.jwtJwksFile())).getJsonArray("keys", new JsonArray());
      keys.forEach(key -> options.addJwk((JsonObject) key));
    }
    return JWTAuth.create(vertx, options);
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private static void restrict(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException ignored) {
      // not a POSIX file system: nothing more to do
    }
  }
}
