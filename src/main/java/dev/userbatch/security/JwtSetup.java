package dev.userbatch.security;

import dev.userbatch.config.SecurityConfig;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the token verifier from configuration: an HS256 secret, an RS256/ES256 public key (PEM)
 * and/or a JWKS file, each source with its own {@code iss}/{@code aud}. Each key is bound to its
 * algorithm, so a token cannot pick another one (no algorithm confusion); unsigned tokens ({@code
 * alg: none}) are refused; a configuration in which a source has no key able to verify a signature
 * does not start (see {@link TrustedKeys}).
 */
public final class JwtSetup {
  private static final Logger LOG = LoggerFactory.getLogger(JwtSetup.class);

  private JwtSetup() {}

  /** The verifier of every entry point (HTTP, TCP bridge). */
  public static TokenVerifier create(Vertx vertx, SecurityConfig config) {
    return new TokenVerifier(TrustedKeys.load(vertx, config));
  }

  /**
   * Loads the keys once before any server is started (embedded PostgreSQL included), so a bad key
   * configuration stops start-up at once with a message naming the variable and file, and says
   * which keys are in use. The verifiers need a Vert.x instance only to exist: a short-lived one.
   */
  public static void checkAtStartUp(SecurityConfig config) {
    Vertx vertx = Vertx.vertx();
    List<KeySource> sources;
    try {
      sources = TrustedKeys.load(vertx, config);
    } finally {
      vertx.close();
    }
    for (KeySource source : sources) {
      LOG.info(
          "JWT keys from {}: {} key(s) for {}; required iss: {}, aud: {}",
          source.name(),
          source.keys(),
          source.algorithms(),
          orAny(source.claims().issuer()),
          orAny(source.claims().audience()));
      for (String skipped : source.skipped()) {
        LOG.warn("JWT key skipped in {}: {}", source.name(), skipped);
      }
    }
  }

  private static String orAny(String value) {
    return value == null ? "any" : value;
  }
}
