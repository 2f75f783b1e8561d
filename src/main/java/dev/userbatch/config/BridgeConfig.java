package dev.userbatch.config;

import io.vertx.core.json.JsonObject;

/**
 * Limits of the TCP event-bus bridge (part of {@link ServiceConfig}; the bridge itself is on only
 * when {@code bridgePort} is set).
 *
 * @param bridgeHost address the bridge binds to; loopback unless an operator opens it
 * @param bridgeMaxFrameBytes largest frame accepted; a longer announced length closes the
 *     connection before any of the frame is buffered
 * @param bridgeIdleTimeoutSeconds a connection without traffic in either direction for this long is
 *     closed
 * @param bridgeMaxConnections connections open at once; more are refused
 * @param bridgeTlsCertFile PEM certificate chain: TLS when set with {@code bridgeTlsKeyFile}
 * @param bridgeTlsKeyFile PEM private key
 */
public record BridgeConfig(
    String bridgeHost,
    int bridgeMaxFrameBytes,
    int bridgeIdleTimeoutSeconds,
    int bridgeMaxConnections,
    String bridgeTlsCertFile,
    String bridgeTlsKeyFile) {

  public BridgeConfig {
    if (bridgeHost == null || bridgeHost.isBlank()) {
      throw new IllegalArgumentException(
          "Configuration bridgeHost (env BRIDGE_HOST) must not be blank");
    }
    positive("bridgeMaxFrameBytes", bridgeMaxFrameBytes);
    positive("bridgeIdleTimeoutSeconds", bridgeIdleTimeoutSeconds);
    positive("bridgeMaxConnections", bridgeMaxConnections);
    if ((bridgeTlsCertFile == null) != (bridgeTlsKeyFile == null)) {
      throw new IllegalArgumentException(
          "Bridge TLS needs both BRIDGE_TLS_CERT_FILE and BRIDGE_TLS_KEY_FILE");
    }
  }

  public boolean tls() {
    return bridgeTlsCertFile != null;
  }

  static BridgeConfig fromJson(JsonObject json) {
    return new BridgeConfig(
        text(json, "bridgeHost"),
        Math.toIntExact(ServiceConfig.longField(json, "bridgeMaxFrameBytes")),
        Math.toIntExact(ServiceConfig.longField(json, "bridgeIdleTimeoutSeconds")),
        Math.toIntExact(ServiceConfig.longField(json, "bridgeMaxConnections")),
        text(json, "bridgeTlsCertFile"),
        text(json, "bridgeTlsKeyFile"));
  }

  private static void positive(String field, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          "Configuration "
              + field
              + " (env "
              + ServiceConfig.envName(field)
              + ") must be positive, got "
              + value);
    }
  }

  private static String text(JsonObject json, String field) {
    Object value = json.getValue(field);
    return value == null || String.valueOf(value).isBlank() ? null : String.valueOf(value).trim();
  }
}
