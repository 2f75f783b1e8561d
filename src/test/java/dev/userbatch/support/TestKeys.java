package dev.userbatch.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Real key pairs for tests of the PEM and JWKS key modes: the public half as a PEM file or a JSON
 * Web Key, the private half as a vertx-auth-jwt signer, so tokens are made by the real library.
 */
public final class TestKeys {
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private TestKeys() {}

  /** One key pair and its algorithm (RS256 or ES256). */
  public record Pair(String algorithm, KeyPair keys) {
    public String publicPem() {
      return pem("PUBLIC KEY", keys.getPublic().getEncoded());
    }

    public String privatePem() {
      return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /** The public key as a JWK with the given kid and use ("sig", "enc" or null for none). */
    public JsonObject publicJwk(String kid, String use) {
      JsonObject jwk = new JsonObject().put("kid", kid).put("alg", algorithm);
      if (use != null) {
        jwk.put("use", use);
      }
      if (keys.getPublic() instanceof RSAPublicKey rsa) {
        return jwk.put("kty", "RSA")
            .put("n", unsigned(rsa.getModulus()))
            .put("e", unsigned(rsa.getPublicExponent()));
      }
      ECPublicKey ec = (ECPublicKey) keys.getPublic();
      return jwk.put("kty", "EC")
          .put("crv", "P-256")
          .put("x", fixed(ec.getW().getAffineX(), 32))
          .put("y", fixed(ec.getW().getAffineY(), 32));
    }

    /**
     * Signs {@code claims} as they are (no exp added unless present), with {@code kid} in the
     * header when not null.
     */
    public String sign(Vertx vertx, String kid, JsonObject claims) {
      JWTAuth signer =
          JWTAuth.create(
              vertx,
              new JWTAuthOptions()
                  .addPubSecKey(
                      new PubSecKeyOptions()
                          .setAlgorithm(algorithm)
                          .setBuffer(privatePem())
                          .setId(kid)));
      return signer.generateToken(
          claims.copy(), new JWTOptions().setAlgorithm(algorithm).setNoTimestamp(true));
    }
  }

  public static Pair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return new Pair("RS256", generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Pair ec() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return new Pair("ES256", generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JWKS document {"keys": [...]}. */
  public static JsonObject keySet(JsonObject... keys) {
    return new JsonObject().put("keys", new JsonArray(Arrays.asList((Object[]) keys)));
  }

  /** Writes {@code text} to a new file in a fresh temporary directory. */
  public static Path file(String name, String text) {
    try {
      Path file = Files.createTempDirectory("jwt-keys").resolve(name);
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** Base64url of {@code bytes}: the form of an {@code oct} key's {@code k}. */
  public static String base64Url(byte[] bytes) {
    return B64URL.encodeToString(bytes);
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return B64URL.encodeToString(bytes);
  }

  private static String fixed(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(bytes.length, length);
    System.arraycopy(bytes, bytes.length - copy, out, length - copy, copy);
    return B64URL.encodeToString(out);
  }
}
