package dev.userbatch.bench;

import dev.userbatch.batch.Scopes;
import dev.userbatch.config.SecurityConfig;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.security.DevelopmentCredentials;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Authorization header the benchmark sends: BENCH_TOKEN; else a token signed with the service's
 * own HS256 secret (JWT_SECRET, with the issuer and audience the service requires of it), read
 * through the service's configuration and signed by vertx-auth-jwt; else the development token the
 * service writes to DATA_DIR when no key is configured; else none.
 */
final class Authorization {
  private static final int TOKEN_MINUTES = 4 * 60;

  private Authorization() {}

  static String header(Vertx vertx) {
    String token = Env.text("BENCH_TOKEN", null);
    if (token == null) {
      ServiceConfig config = ServiceConfig.load();
      token =
          config.security().jwtSecret() != null
              ? signed(vertx, config.security())
              : developmentToken(config.dataDir().resolve(DevelopmentCredentials.TOKEN_FILE));
    }
    return token == null || token.isEmpty() ? null : "Bearer " + token;
  }

  private static String signed(Vertx vertx, SecurityConfig security) {
    JWTAuth signer =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(security.jwtSecret())));
    JWTOptions options = new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(TOKEN_MINUTES);
    if (security.secretClaims().issuer() != null) {
      options.setIssuer(security.secretClaims().issuer());
    }
    if (security.secretClaims().audience() != null) {
      options.setAudience(List.of(security.secretClaims().audience()));
    }
    return signer.generateToken(
        new JsonObject().put("sub", "bench").put("scope", Scopes.READ + " " + Scopes.WRITE),
        options);
  }

  private static String developmentToken(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file).trim() : null;
    } catch (IOException e) {
      Env.log("cannot read " + file + ": " + e);
      return null;
    }
  }
}
