package dev.userbatch.busapi;

import dev.userbatch.batch.Operation;
import dev.userbatch.batch.RequestException;
import dev.userbatch.batch.Scopes;
import dev.userbatch.busapi.BridgeConnection.Grant;
import dev.userbatch.config.BridgeConfig;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.security.BearerAuth;
import dev.userbatch.security.JwtSetup;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional TCP event-bus bridge for clients in other languages (off unless BRIDGE_PORT is set),
 * speaking the vertx-tcp-eventbus-bridge protocol. Only the {@code users.batch.*} API addresses can
 * be sent to, and only {@code users.events} listened to; every frame must carry a valid JWT with
 * the right scope in its {@code authorization} header. The token's subject becomes the {@code
 * actor} header and the peer's address the {@code clientIp} header (so the event-bus API
 * rate-limits bridge clients as HTTP ones), and the token itself is not passed on.
 *
 * <p>The connections are served by {@link BridgeConnection} rather than by the library's bridge:
 * its frame parser (5.0.7) buffers whatever length a client announces, and it offers no way to hand
 * it a socket we have checked first. Here a frame longer than {@code BRIDGE_MAX_FRAME_BYTES} closes
 * the connection before it is buffered, connections beyond {@code BRIDGE_MAX_CONNECTIONS} are
 * refused, idle ones are closed, and the bind address is loopback unless configured.
 */
public final class TcpBridgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TcpBridgeVerticle.class);

  private static final String AUTHORIZATION = "authorization";

  private final ServiceConfig config;
  private NetServer bridge;
  private BearerAuth auth;
  private int open;

  public TcpBridgeVerticle(ServiceConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    auth = new BearerAuth(JwtSetup.create(vertx, config.security()));
    BridgeConfig limits = config.bridge();
    NetServerOptions options =
        new NetServerOptions()
            .setIdleTimeout(limits.bridgeIdleTimeoutSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS);
    if (limits.tls()) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(limits.bridgeTlsCertFile())
                  .setKeyPath(limits.bridgeTlsKeyFile()));
    }
    bridge = vertx.createNetServer(options).connectHandler(this::admit);
    return bridge
        .listen(config.bridgePort(), limits.bridgeHost())
        .onSuccess(
            server ->
                LOG.info(
                    "TCP event-bus bridge listening on {}:{}{}",
                    limits.bridgeHost(),
                    config.bridgePort(),
                    limits.tls() ? " (TLS)" : ""));
  }

  /** One more connection, unless as many as allowed are open already. */
  private void admit(NetSocket socket) {
    if (open >= config.bridge().bridgeMaxConnections()) {
      socket.end(BridgeFrames.encode(BridgeFrames.error("too_many_connections")));
      return;
    }
    open++;
    BridgeConnection connection =
        new BridgeConnection(vertx, socket, config.bridge().bridgeMaxFrameBytes(), this::authorize);
    socket.exceptionHandler(
        err -> {
          LOG.debug("bridge connection from {} failed: {}", socket.remoteAddress(), err.toString());
          socket.close();
        });
    socket.closeHandler(
        closed -> {
          open--;
          connection.closed();
        });
  }

  /**
   * Checks the frame's token for the scope its address needs; the headers to forward (the client's,
   * minus those the bridge owns, plus the actor and client address).
   */
  private Future<Grant> authorize(JsonObject frame, String address, NetSocket socket) {
    Object rawHeaders = frame.getValue("headers");
    if (rawHeaders != null && !(rawHeaders instanceof JsonObject)) {
      return Future.failedFuture("invalid_headers");
    }
    JsonObject headers = rawHeaders == null ? new JsonObject() : (JsonObject) rawHeaders;
    String token = null;
    for (String name : headers.fieldNames()) {
      if (name.equalsIgnoreCase(AUTHORIZATION) && headers.getValue(name) instanceof String value) {
        token = value;
      }
    }
    if (token == null) {
      return Future.failedFuture("unauthorized");
    }
    // Listening to events needs the read scope; an operation, the scope the table gives it.
    String scope = Operation.fromApiAddress(address).map(Operation::scope).orElse(Scopes.READ);
    String bearer = token.regionMatches(true, 0, "Bearer ", 0, 7) ? token : "Bearer " + token;
    return auth.authorize(bearer, scope)
        .recover(
            refused ->
                Future.failedFuture(
                    refused instanceof RequestException r && r.status() == 403
                        ? "forbidden"
                        : "unauthorized"))
        .map(
            caller -> {
              // Event-bus headers are case-insensitive: drop every spelling of the headers the
              // bridge owns
              // (a client's "Actor" would otherwise be read as the actor), the client's codec
              // choice and
              // anything that is not a string.
              JsonObject forwarded = new JsonObject();
              headers.forEach(
                  header -> {
                    String name = header.getKey();
                    if (header.getValue() instanceof String value
                        && !name.equalsIgnoreCase(AUTHORIZATION)
                        && !name.equalsIgnoreCase(EventBusApiVerticle.ACTOR)
                        && !name.equalsIgnoreCase(EventBusApiVerticle.CLIENT_IP)
                        && !name.equalsIgnoreCase(EventBusApiVerticle.VIA)
                        && !name.equalsIgnoreCase("codecName")) {
                      forwarded.put(name, value);
                    }
                  });
              forwarded.put(EventBusApiVerticle.ACTOR, caller.actor());
              forwarded.put(EventBusApiVerticle.CLIENT_IP, socket.remoteAddress().hostAddress());
              // Marks the caller as remote: the event-bus API then answers with redacted items, as
              // HTTP does.
              forwarded.put(EventBusApiVerticle.VIA, "tcp-bridge");
              return new Grant(forwarded, expiresAtMillis(bearer.substring(7).trim()));
            });
  }

  /**
   * The {@code exp} of a token the JWT provider has just verified, in epoch milliseconds
   * (Long.MAX_VALUE without one): the caller it returns does not carry it.
   */
  static long expiresAtMillis(String verifiedToken) {
    String[] parts = verifiedToken.split("\\.");
    if (parts.length < 2) {
      return Long.MAX_VALUE;
    }
    try {
      JsonObject claims =
          new JsonObject(
              new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      return claims.getValue("exp") instanceof Number exp ? exp.longValue() * 1000 : Long.MAX_VALUE;
    } catch (RuntimeException unreadable) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Closes the bridge and its sockets. The service stops it after the event-bus API drained: by
   * then a batch sent through the bridge fails with NO_HANDLERS, and the replies to the batches its
   * clients sent before have been written to them.
   */
  @Override
  public Future<?> stop() {
    return bridge.close();
  }
}
