package dev.userbatch.security;

import dev.userbatch.config.SecurityConfig;
import dev.userbatch.config.SecurityConfig.ExpectedClaims;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the configured key sources and refuses every configuration that would leave one of them
 * unable to verify a signature: an empty or malformed key set, a single JWK instead of a set, only
 * {@code use: enc} or unsupported keys, a PEM without a public key of JWT_ALGORITHM, an HMAC key
 * shorter than its hash. The error names the variable and the file.
 */
final class TrustedKeys {
  /** RFC 7518, section 3.2: an HMAC key at least as long as the hash output. */
  private static final Map<String, Integer> MIN_HMAC_BYTES =
      Map.of("HS256", 32, "HS384", 48, "HS512", 64);

  private TrustedKeys() {}

  static List<KeySource> load(Vertx vertx, SecurityConfig config) {
    List<KeySource> sources = new ArrayList<>();
    if (config.jwtSecret() != null) {
      sources.add(secret(vertx, config));
    }
    if (config.jwtPublicKeyFile() != null) {
      sources.add(publicKey(vertx, config));
    }
    if (config.jwtJwksFile() != null) {
      sources.add(keySet(vertx, config));
    }
    if (sources.isEmpty()) {
      throw new IllegalArgumentException(
          "No JWT key is configured: set JWT_SECRET, JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE");
    }
    return List.copyOf(sources);
  }

  private static KeySource secret(Vertx vertx, SecurityConfig config) {
    JWTAuthOptions options =
        options(config, config.secretClaims())
            .addPubSecKey(
                new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.jwtSecret()));
    return checked(
        "JWT_SECRET", config.secretClaims(), JWTAuth.create(vertx, options), 1, List.of());
  }

  private static KeySource publicKey(Vertx vertx, SecurityConfig config) {
    String algorithm = config.jwtAlgorithm() == null ? "RS256" : config.jwtAlgorithm();
    String name = "JWT_PUBLIC_KEY_FILE " + config.jwtPublicKeyFile();
    JWTAuthOptions options =
        options(config, config.publicKeyClaims())
            .addPubSecKey(
                new PubSecKeyOptions()
                    .setAlgorithm(algorithm)
                    .setBuffer(read(name, config.jwtPublicKeyFile())));
    JWTAuth verifier;
    try {
      verifier = JWTAuth.create(vertx, options);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          name
              + " is not a PEM "
              + algorithm
              + " public key (JWT_ALGORITHM="
              + algorithm
              + "): "
              + rootMessage(e),
          e);
    }
    KeySource source = checked(name, config.publicKeyClaims(), verifier, 1, List.of());
    if (!source.algorithms().contains(algorithm)) {
      throw new IllegalArgumentException(
          name
              + " holds no "
              + algorithm
              + " public key (JWT_ALGORITHM="
              + algorithm
              + "): it can verify "
              + source.algorithms());
    }
    return source;
  }

  private static KeySource keySet(Vertx vertx, SecurityConfig config) {
    String name = "JWT_JWKS_FILE " + config.jwtJwksFile();
    JsonArray keys = keysOf(name, read(name, config.jwtJwksFile()));
    List<JsonObject> usable = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      Object key = keys.getValue(i);
      String label = label(i, key);
      if (!(key instanceof JsonObject jwk)) {
        skipped.add(label + ": not a JSON object");
        continue;
      }
      requireLongEnoughHmac(name, label, jwk);
      // the library skips what it cannot load; asking a verifier that holds only this key tells us
      // what it kept
      JWTAuth single = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(jwk));
      if (VerifierProbe.verifiableAlgorithms(single, ExpectedClaims.NONE).isEmpty()) {
        skipped.add(label + ": " + whyUnusable(jwk));
      } else {
        usable.add(jwk);
      }
    }
    if (usable.isEmpty()) {
      throw new IllegalArgumentException(
          name
              + " has no key that can verify a signature ("
              + String.join("; ", skipped)
              + "). Without one, tokens would not be verified at all: the service does not start.");
    }
    JWTAuthOptions options = options(config, config.jwksClaims());
    usable.forEach(options::addJwk);
    return checked(
        name, config.jwksClaims(), JWTAuth.create(vertx, options), usable.size(), skipped);
  }

  /**
   * The {@code keys} array of a JSON Web Key Set document, or an error saying what the file holds
   * instead.
   */
  private static JsonArray keysOf(String name, String text) {
    Object document;
    try {
      document = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new IllegalArgumentException(
          name + " is not JSON: a JSON Web Key Set {\"keys\": [ … ]} is expected");
    }
    if (!(document instanceof JsonObject set)) {
      throw new IllegalArgumentException(
          name + " is not a JSON Web Key Set: an object {\"keys\": [ … ]} is expected");
    }
    if (!set.containsKey("keys") && set.containsKey("kty")) {
      throw new IllegalArgumentException(
          name + " holds a single JWK, not a key set: write it as {\"keys\": [ <the key> ]}");
    }
    if (!(set.getValue("keys") instanceof JsonArray keys)) {
      throw new IllegalArgumentException(
          name + " is not a JSON Web Key Set: its \"keys\" member must be an array of keys");
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          name + " has an empty \"keys\" array: no key can verify a signature");
    }
    return keys;
  }

  private static void requireLongEnoughHmac(String name, String label, JsonObject jwk) {
    if (!"oct".equals(jwk.getValue("kty")) || !(jwk.getValue("k") instanceof String k)) {
      return;
    }
    String algorithm = jwk.getValue("alg") instanceof String alg ? alg : "HS256";
    int min = MIN_HMAC_BYTES.getOrDefault(algorithm, 32);
    int length;
    try {
      length = Base64.getUrlDecoder().decode(k).length;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          name + ": " + label + " has a \"k\" that is not base64url");
    }
    if (length < min) {
      throw new IllegalArgumentException(
          name
              + ": "
              + label
              + " is a "
              + algorithm
              + " key of "
              + length
              + " bytes; at least "
              + min
              + " are required");
    }
  }

  private static String whyUnusable(JsonObject jwk) {
    Object use = jwk.getValue("use");
    if (use != null && !"sig".equals(use)) {
      return "\"use\" is " + Json.encode(use) + ", not \"sig\"";
    }
    return "not a signature verification key vertx-auth-jwt can load (kty "
        + jwk.getValue("kty")
        + ", alg "
        + jwk.getValue("alg")
        + ", or its key material)";
  }

  private static String label(int index, Object key) {
    if (key instanceof JsonObject jwk && jwk.getValue("kid") != null) {
      return "key #" + index + " (kid " + jwk.getValue("kid") + ")";
    }
    return "key #" + index;
  }

  /** The source, once its verifier is known to hold at least one key able to verify a signature. */
  private static KeySource checked(
      String name, ExpectedClaims claims, JWTAuth verifier, int keys, List<String> skipped) {
    Set<String> algorithms = VerifierProbe.verifiableAlgorithms(verifier, claims);
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException(
          name
              + " yields no key that can verify a signature: the service does not "
              + "start without one, since tokens would not be verified at all");
    }
    return new KeySource(name, claims, verifier, algorithms, keys, List.copyOf(skipped));
  }

  private static JWTAuthOptions options(SecurityConfig config, ExpectedClaims claims) {
    JWTOptions verification = new JWTOptions().setLeeway(config.jwtLeewaySeconds());
    if (claims.issuer() != null) {
      verification.setIssuer(claims.issuer());
    }
    if (claims.audience() != null) {
      verification.setAudience(List.of(claims.audience()));
    }
    return new JWTAuthOptions().setJWTOptions(verification);
  }

  private static String read(String name, String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(name + " cannot be read: " + e, e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }
}
