package dev.userbatch.config;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * Authentication, rate limiting, input policy and TLS settings (part of {@link ServiceConfig}).
 *
 * @param jwtSecret            HS256 secret; with no key at all a development secret is generated
 * @param jwtPublicKeyFile     PEM file with an RS256/ES256 public key (see {@code jwtAlgorithm})
 * @param jwtAlgorithm         algorithm of {@code jwtPublicKeyFile}: RS256 or ES256
 * @param jwtJwksFile          JSON Web Key Set file of public keys
 * @param jwtIssuer            required {@code iss}, or null
 * @param jwtAudience          required {@code aud}, or null
 * @param jwtLeewaySeconds     clock skew allowed for {@code exp} and {@code nbf}
 * @param metricsToken         bearer token required by /metrics, or null for an open endpoint
 * @param rateLimitItemsPerMinute   items per minute per actor and per client IP (0: no limit)
 * @param rateLimitPerOperation     per-operation overrides of that limit
 * @param rateLimitFailOpen    when Redis cannot be asked: allow (true) or refuse (false)
 * @param passwordMinLength    minimum length of plaintext passwords
 * @param tlsCertFile          PEM certificate chain: HTTPS when set with {@code tlsKeyFile}
 * @param tlsKeyFile           PEM private key
 */
public record SecurityConfig(
    String jwtSecret,
    String jwtPublicKeyFile,
    String jwtAlgorithm,
    String jwtJwksFile,
    String jwtIssuer,
    String jwtAudience,
    int jwtLeewaySeconds,
    String metricsToken,
    long rateLimitItemsPerMinute,
    Map<String, Long> rateLimitPerOperation,
    boolean rateLimitFailOpen,
    int passwordMinLength,
    String tlsCertFile,
    String tlsKeyFile) {

  public SecurityConfig {
    rateLimitPerOperation = Map.copyOf(rateLimitPerOperation);
    if (jwtAlgorithm != null && !jwtAlgorithm.equals("RS256") && !jwtAlgorithm.equals("ES256")) {
      throw new IllegalArgumentException("Configuration jwtAlgorithm (env JWT_ALGORITHM) must be RS256 or ES256");
    }
    if ((tlsCertFile == null) != (tlsKeyFile == null)) {
      throw new IllegalArgumentException("TLS needs both TLS_CERT_FILE and TLS_KEY_FILE");
    }
    if (passwordMinLength < 1 || passwordMinLength > 1024) {
      throw new IllegalArgumentException("Configuration passwordMinLength must be between 1 and 1024");
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
    return new SecurityConfig(secret, jwtPublicKeyFile, jwtAlgorithm, jwtJwksFile, jwtIssuer, jwtAudience,
        jwtLeewaySeconds, metricsToken, rateLimitItemsPerMinute, rateLimitPerOperation, rateLimitFailOpen,
        passwordMinLength, tlsCertFile, tlsKeyFile);
  }

  public SecurityConfig withRateLimit(long itemsPerMinute, Map<String, Long> perOperation, boolean failOpen) {
    return new SecurityConfig(jwtSecret, jwtPublicKeyFile, jwtAlgorithm, jwtJwksFile, jwtIssuer, jwtAudience,
        jwtLeewaySeconds, metricsToken, itemsPerMinute, perOperation, failOpen, passwordMinLength, tlsCertFile,
        tlsKeyFile);
  }

  static SecurityConfig fromJson(JsonObject json) {
    return new SecurityConfig(
        text(json, "jwtSecret"),
        text(json, "jwtPublicKeyFile"),
        text(json, "jwtAlgorithm") == null ? null : text(json, "jwtAlgorithm").toUpperCase(),
        text(json, "jwtJwksFile"),
        text(json, "jwtIssuer"),
        text(json, "jwtAudience"),
        (int) ServiceConfig.longField(json, "jwtLeewaySeconds"),
        text(json, "metricsToken"),
        ServiceConfig.longField(json, "rateLimitItemsPerMinute"),
        perOperation(text(json, "rateLimitPerOperation")),
        Boolean.parseBoolean(String.valueOf(json.getValue("rateLimitFailOpen"))),
        (int) ServiceConfig.longField(json, "passwordMinLength"),
        text(json, "tlsCertFile"),
        text(json, "tlsKeyFile"));
  }

  /** "create=20000,lookup=100000" → {create: 20000, lookup: 100000}. */
  private static Map<String, Long> perOperation(String spec) {
    Map<String, Long> limits = new HashMap<>();
    if (spec == null) {
      return limits;
    }
    for (String entry : spec.split(",")) {
      String[] parts = entry.trim().split("=");
      if (parts.length != 2) {
        throw new IllegalArgumentException("Configuration rateLimitPerOperation (env RATE_LIMIT_PER_OPERATION) "
            + "must look like create=20000,lookup=100000, got '" + spec + "'");
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
