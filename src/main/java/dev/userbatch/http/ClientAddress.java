package dev.userbatch.http;

import io.netty.util.NetUtil;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The client's IP address: the socket's peer, unless that peer is a configured trusted proxy, in
 * which case X-Forwarded-For is read from the right, skipping trusted proxies. A client cannot
 * choose its address by sending the header itself.
 *
 * <p>Every X-Forwarded-For line counts, in order (a proxy may add its hop as a line of its own
 * rather than append it to the client's line). A hop that is not an IP address ends the walk: the
 * last trusted address before it is the best that is known. Addresses are compared in canonical
 * form, so {@code ::1} and {@code 0:0:0:0:0:0:0:1} are the same proxy.
 */
final class ClientAddress {
  static final String FORWARDED_FOR = "X-Forwarded-For";

  private ClientAddress() {}

  static String of(RoutingContext ctx, Set<String> trustedProxies) {
    SocketAddress peer = ctx.request().remoteAddress();
    String address = peer == null ? null : peer.hostAddress();
    if (address == null || !trusted(address, trustedProxies)) {
      return address;
    }
    List<String> hops = new ArrayList<>();
    for (String line : ctx.request().headers().getAll(FORWARDED_FOR)) {
      for (String hop : line.split(",")) {
        if (!hop.isBlank()) {
          hops.add(hop.trim());
        }
      }
    }
    String nearest = address;
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (!isIpAddress(hop)) {
        return nearest;
      }
      if (!trusted(hop, trustedProxies)) {
        return hop;
      }
      nearest = hop;
    }
    return nearest;
  }

  private static boolean isIpAddress(String text) {
    return NetUtil.isValidIpV4Address(text) || NetUtil.isValidIpV6Address(text);
  }

  private static boolean trusted(String address, Set<String> trustedProxies) {
    if (trustedProxies.isEmpty()) {
      return false;
    }
    if (trustedProxies.contains(address)) {
      return true;
    }
    String canonical = canonical(address);
    if (canonical == null) {
      return false;
    }
    for (String proxy : trustedProxies) {
      if (canonical.equals(canonical(proxy))) {
        return true;
      }
    }
    return false;
  }

  /** The canonical text of an IP literal (IPv4-mapped IPv6 as IPv4), or null for anything else. */
  private static String canonical(String address) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null) {
      return null;
    }
    try {
      return NetUtil.toAddressString(java.net.InetAddress.getByAddress(bytes));
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }
}
