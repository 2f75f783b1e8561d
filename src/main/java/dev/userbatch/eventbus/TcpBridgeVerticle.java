package dev.userbatch.eventbus;

import dev.userbatch.config.ServiceConfig;
import dev.userbatch.events.OutboxRelayVerticle;
import dev.userbatch.security.BearerAuth;
import dev.userbatch.security.JwtSetup;
import dev.userbatch.security.Scopes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional TCP event-bus bridge for clients in other languages (off unless BRIDGE_PORT is
 * set). Only the {@code users.batch.*} API addresses can be sent to, and only {@code users.events}
 * listened to; every frame must carry a valid JWT with the right scope in its
 * {@code authorization} header. The token's subject becomes the {@code actor} header, and the token
 * itself is not passed on.
 */
public final class TcpBridgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TcpBridgeVerticle.class);

  private static final String AUTHORIZATION = "authorization";

  private final ServiceConfig config;
  private TcpEventBusBridge bridge;

  public TcpBridgeVerticle(ServiceConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    BearerAuth auth = new BearerAuth(JwtSetup.create(vertx, config.security()));
    BridgeOptions options = new BridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddressRegex("users\\.batch\\.[a-z-]+"))
        .addOutboundPermitted(new PermittedOptions().setAddress(OutboxRelayVerticle.ADDRESS));
    bridge = TcpEventBusBridge.create(vertx, options, new NetServerOptions(), event -> guard(auth, event));
    return bridge.listen(config.bridgePort(), "0.0.0.0")
        .onSuccess(b -> LOG.info("TCP event-bus bridge listening on port {}", config.bridgePort()));
  }

  private void guard(BearerAuth auth, BridgeEvent event) {
    switch (event.type()) {
      case SEND, PUBLISH, REGISTER -> authorize(auth, event);
      default -> event.complete(true);
    }
  }

  private void authorize(BearerAuth auth, BridgeEvent event) {
    JsonObject frame = event.getRawMessage();
    String address = frame.getValue("address") instanceof String a ? a : "";
    Object rawHeaders = frame.getValue("headers");
    if (rawHeaders != null && !(rawHeaders instanceof JsonObject)) {
      event.complete(false);
      return;
    }
    JsonObject headers = rawHeaders == null ? new JsonObject() : (JsonObject) rawHeaders;
    String token = null;
    for (String name : headers.fieldNames()) {
      if (name.equalsIgnoreCase(AUTHORIZATION) && headers.getValue(name) instanceof String value) {
        token = value;
      }
    }
    String scope = address.equals(OutboxRelayVerticle.ADDRESS) || address.endsWith(".lookup")
        ? Scopes.READ : Scopes.WRITE;
    if (token == null) {
      event.complete(false);
      return;
    }
    String header = token.regionMatches(true, 0, "Bearer ", 0, 7) ? token : "Bearer " + token;
    auth.authorize(header, scope).onComplete(result -> {
      if (result.failed()) {
        event.complete(false);
        return;
      }
      // Event-bus headers are case-insensitive: drop every spelling of the headers the bridge owns
      // (a client's "Actor" would otherwise be read as the actor), and the client's codec choice.
      headers.fieldNames().removeIf(name -> name.equalsIgnoreCase(AUTHORIZATION)
          || name.equalsIgnoreCase(EventBusApiVerticle.ACTOR) || name.equalsIgnoreCase(EventBusApiVerticle.VIA)
          || name.equalsIgnoreCase("codecName"));
      headers.put(EventBusApiVerticle.ACTOR, result.result().actor());
      // Marks the caller as remote: the event-bus API then answers with redacted items, as HTTP does.
      headers.put(EventBusApiVerticle.VIA, "tcp-bridge");
      event.setRawMessage(frame.put("headers", headers));
      event.complete(true);
    });
  }

  @Override
  public Future<?> stop() {
    return bridge.close();
  }
}
