package dev.userbatch.http;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * The client's IP address: the socket's peer, unless that peer is a configured trusted proxy, in
 * which case X-Forwarded-For is read from the right, skipping trusted proxies. A client cannot
 * choose its address by sending the header itself.
 */
final class ClientAddress {
  private ClientAddress() {
  }

  static String of(RoutingContext ctx, Set<String> trustedProxies) {
    SocketAddress peer = ctx.request().remoteAddress();
    String address = peer == null ? null : peer.hostAddress();
    if (address == null || !trustedProxies.contains(address)) {
      return address;
    }
    String forwarded = ctx.request().getHeader("X-Forwarded-For");
    if (forwarded == null) {
      return address;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return address;
  }
}
