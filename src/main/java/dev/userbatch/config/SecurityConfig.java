package dev.userbatch.config;

import dev.userbatch.batch.Operation;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Authentication, rate limiting, input policy and TLS settings (part of {@link ServiceConfig}).
 *
 * @param jwtSecret HS256 secret (at least 32 bytes); with no key at all and {@code devMode}, a
 *     development secret is generated
 * @param jwtPublicKeyFile PEM file with an RS256/ES256 public key (see {@code jwtAlgorithm})
 * @param jwtAlgorithm algorithm of {@code jwtPublicKeyFile}: RS256 or ES256
 * @param jwtJwksFile JSON Web Key Set file of public keys
 * @param secretClaims {@code iss}/{@code aud} required of tokens verified by {@code jwtSecret}
 * @param publicKeyClaims the same for {@code jwtPublicKeyFile}
 * @param jwksClaims the same for {@code jwtJwksFile}
 * @param jwtLeewaySeconds clock skew allowed for {@code exp} and {@code nbf}
 * @param devMode with no key configured: generate a development secret and token (true) or refuse
 *     to start (false)
 * @param metricsToken bearer token required by /metrics, or null for an open endpoint
 * @param rateLimitItemsPerMinute items per minute per actor and per client IP (0: no limit)
 * @param rateLimitPerOperation per-operation overrides of that limit
 * @param rateLimitFailOpen when Redis cannot be asked: allow (true) or refuse (false)
 * @param passwordMinLength minimum length of plaintext passwords
 * @param tlsCertFile PEM certificate chain: HTTPS when set with {@code tlsKeyFile}
 * @param tlsKeyFile PEM private key
 * @param corsOrigins origins ({@code https://host[:port]}) whose pages may call the API from a
 *     browser; any other cross-origin request is refused (empty: none)
 */
public record SecurityConfig(
    String jwtSecret,
    String jwtPublicKeyFile,
    String jwtAlgorithm,
    String jwtJwksFile,
    ExpectedClaims secretClaims,
    ExpectedClaims publicKeyClaims,
    ExpectedClaims jwksClaims,
    int jwtLeewaySeconds,
    boolean devMode,
    String metricsToken,
    long rateLimitItemsPerMinute,
    Map<String, Long> rateLimitPerOperation,
    boolean rateLimitFailOpen,
    int passwordMinLength,
    String tlsCertFile,
    String tlsKeyFile,
    Set<String> corsOrigins) {

  /**
   * HS256 keys shorter than the hash output (RFC 7518, section 3.2) can be brute-forced offline.
   */
  public static final int MIN_SECRET_BYTES = 32;

  /**
   * The {@code iss} and {@code aud} a token must carry (null: not checked). Each key source has its
   * own, so a token signed by one identity provider's key cannot borrow another's issuer.
   */
  public record ExpectedClaims(String issuer, String audience) {
    public static final ExpectedClaims NONE = new ExpectedClaims(null, null);
  }

  public SecurityConfig {
    rateLimitPerOperation = Map.copyOf(rateLimitPerOperation);
    corsOrigins = corsOrigins == null ? Set.of() : Set.copyOf(corsOrigins);
    secretClaims = secretClaims == null ? ExpectedClaims.NONE : secretClaims;
    publicKeyClaims = publicKeyClaims == null ? ExpectedClaims.NONE : publicKeyClaims;
    jwksClaims = jwksClaims == null ? ExpectedClaims.NONE : jwksClaims;
    if (jwtSecret != null && jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "Configuration jwtSecret (env JWT_SECRET) must be at least "
              + MIN_SECRET_BYTES
              + " bytes for HS256, got "
              + jwtSecret.getBytes(StandardCharsets.UTF_8).length
              + " bytes (generate one with: openssl rand -base64 32)");
    }
    if (jwtAlgorithm != null && !jwtAlgorithm.equals("RS256") && !jwtAlgorithm.equals("ES256")) {
      throw new IllegalArgumentException(
          "Configuration jwtAlgorithm (env JWT_ALGORITHM) must be RS256 or ES256");
    }
    if ((tlsCertFile == null) != (tlsKeyFile == null)) {
      throw new IllegalArgumentException("TLS needs both TLS_CERT_FILE and TLS_KEY_FILE");
    }
    if (passwordMinLength < 1 || passwordMinLength > 1024) {
      throw new IllegalArgumentException(
          "Configuration passwordMinLength must be between 1 and 1024");
    }
  }

  public boolean hasConfiguredKeys() {
    return jwtSecret != null || jwtPublicKeyFile != null || jwtJwksFile != null;
  }

  /** The item limit per minute for one operation (0: unlimited). */
  public long rateLimitFor(String operation) {
    return rateLimitPerOperation.getOrDefault(operation, rateLimitItemsPerMinute);
  }

  public SecurityConfig withJwtSecret(String secret) {
    return with(secret, corsOrigins);
  }

  public SecurityConfig withRateLimit(
      long itemsPerMinute, Map<String, Long> perOperation, boolean failOpen) {
    return new SecurityConfig(
        jwtSecret,
        jwtPublicKeyFile,
        jwtAlgorithm,
        jwtJwksFile,
        secretClaims,
        publicKeyClaims,
        jwksClaims,
        jwtLeewaySeconds,
        devMode,
        metricsToken,
        itemsPerMinute,
        perOperation,
        failOpen,
        passwordMinLength,
        tlsCertFile,
        tlsKeyFile,
        corsOrigins);
  }

  static SecurityConfig fromJson(JsonObject json) {
    return new SecurityConfig(
        text(json, "jwtSecret"),
        text(json, "jwtPublicKeyFile"),
        text(json, "jwtAlgorithm") == null ? null : text(json, "jwtAlgorithm").toUpperCase(),
        text(json, "jwtJwksFile"),
        claims(json, "jwtSecret"),
        claims(json, "jwtPublicKey"),
        claims(json, "jwtJwks"),
        (int) ServiceConfig.longField(json, "jwtLeewaySeconds"),
        strictBoolean(json, "devMode"),
        text(json, "metricsToken"),
        ServiceConfig.longField(json, "rateLimitItemsPerMinute"),
        perOperation(text(json, "rateLimitPerOperation")),
        Boolean.parseBoolean(String.valueOf(json.getValue("rateLimitFailOpen"))),
        (int) ServiceConfig.longField(json, "passwordMinLength"),
        text(json, "tlsCertFile"),
        text(json, "tlsKeyFile"),
        origins(text(json, "corsOrigins")));
  }

  public SecurityConfig withCorsOrigins(Set<String> origins) {
    return with(jwtSecret, origins);
  }

  /** A copy with the components that start-up and tests change; the others stay. */
  private SecurityConfig with(String secret, Set<String> origins) {
    return new SecurityConfig(
        secret,
        jwtPublicKeyFile,
        jwtAlgorithm,
        jwtJwksFile,
        secretClaims,
        publicKeyClaims,
        jwksClaims,
        jwtLeewaySeconds,
        devMode,
        metricsToken,
        rateLimitItemsPerMinute,
        rateLimitPerOperation,
        rateLimitFailOpen,
        passwordMinLength,
        tlsCertFile,
        tlsKeyFile,
        origins);
  }

  /**
   * "https://a.example, http://localhost:3000" → the origins as browsers send them (lower-case
   * scheme and host, no path); anything else, "*" included, stops start-up naming CORS_ORIGINS.
   */
  static Set<String> origins(String spec) {
    Set<String> origins = new LinkedHashSet<>();
    if (spec == null) {
      return origins;
    }
    for (String entry : spec.split(",")) {
      String origin = entry.trim();
      if (origin.isEmpty()) {
        continue;
      }
      URI uri;
      try {
        uri = new URI(origin);
      } catch (URISyntaxException e) {
        uri = null;
      }
      if (uri == null
          || !("http".equalsIgnoreCase(uri.getScheme())
              || "https".equalsIgnoreCase(uri.getScheme()))
          || uri.getHost() == null
          || uri.getUserInfo() != null
          || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "Configuration corsOrigins (env CORS_ORIGINS) must list origins such as "
                + "https://console.example.com or http://localhost:3000, comma-separated, got '"
                + origin
                + "'");
      }
      origins.add(
          uri.getScheme().toLowerCase(Locale.ROOT)
              + "://"
              + uri.getHost().toLowerCase(Locale.ROOT)
              + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
    }
    return origins;
  }

  /**
   * The claims required of one key source: its own {@code <prefix>Issuer}/{@code <prefix>Audience}
   * (env JWT_JWKS_ISSUER, …) when set, else the shared jwtIssuer/jwtAudience (JWT_ISSUER,
   * JWT_AUDIENCE).
   */
  private static ExpectedClaims claims(JsonObject json, String prefix) {
    String issuer = text(json, prefix + "Issuer");
    String audience = text(json, prefix + "Audience");
    return new ExpectedClaims(
        issuer != null ? issuer : text(json, "jwtIssuer"),
        audience != null ? audience : text(json, "jwtAudience"));
  }

  static boolean strictBoolean(JsonObject json, String field) {
    String value = String.valueOf(json.getValue(field)).trim().toLowerCase();
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(
          "Configuration "
              + field
              + " (env "
              + ServiceConfig.envName(field)
              + ") must be true or false, got '"
              + json.getValue(field)
              + "'");
    }
    return Boolean.parseBoolean(value);
  }

  /** {@code <operation>=<items per minute>,…}, keyed by the operations' wire names. */
  private static Map<String, Long> perOperation(String spec) {
    Map<String, Long> limits = new HashMap<>();
    if (spec == null) {
      return limits;
    }
    for (String entry : spec.split(",")) {
      String[] parts = entry.trim().split("=");
      if (parts.length != 2) {
        throw new IllegalArgumentException(
            "Configuration rateLimitPerOperation (env RATE_LIMIT_PER_OPERATION) "
                + "must look like "
                + Operation.CREATE.wireName()
                + "=20000,"
                + Operation.LOOKUP.wireName()
                + "=100000, got '"
                + spec
                + "'");
      }
      limits.put(parts[0].trim(), Long.parseLong(parts[1].trim()));
    }
    return limits;
  }

  private static String text(JsonObject json, String field) {
    Object value = json.getValue(field);
    return value == null || String.valueOf(value).isBlank() ? null : String.valueOf(value);
  }
}
