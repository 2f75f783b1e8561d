package dev.userbatch.support;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a real server, for faults that only a broken network produces. It can cut
 * one client's connection while the server side stays open (the server finishes what it is doing,
 * its answer is dropped), and it can refuse service: while down, each new connection is accepted,
 * counted and closed at once.
 */
public final class CuttableProxy implements AutoCloseable {
  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;

  /** Connections by the local port of their server side. */
  private final Map<Integer, Link> links = new ConcurrentHashMap<>();

  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicInteger refused = new AtomicInteger();

  /** One proxied connection; once cut, the server's answers go nowhere. */
  private static final class Link {
    final NetSocket downstream;
    final NetSocket upstream;
    volatile boolean cut;

    Link(NetSocket downstream, NetSocket upstream) {
      this.downstream = downstream;
      this.upstream = upstream;
    }
  }

  public CuttableProxy(String targetHost, int targetPort) {
    this.vertx = Vertx.vertx();
    this.client = vertx.createNetClient();
    this.server =
        vertx
            .createNetServer()
            .connectHandler(
                downstream -> {
                  if (down.get()) {
                    refused.incrementAndGet();
                    downstream.close();
                    return;
                  }
                  downstream.pause();
                  client
                      .connect(targetPort, targetHost)
                      .onSuccess(
                          upstream -> {
                            Link link = new Link(downstream, upstream);
                            links.put(upstream.localAddress().port(), link);
                            downstream.handler(upstream::write);
                            upstream.handler(
                                data -> {
                                  if (!link.cut) {
                                    downstream.write(data);
                                  }
                                });
                            downstream.closeHandler(
                                v -> {
                                  if (!link.cut) {
                                    upstream.close();
                                  }
                                });
                            upstream.closeHandler(v -> downstream.close());
                            downstream.resume();
                          })
                      .onFailure(err -> downstream.close());
                });
    FaultSupport.await(server.listen(0, "127.0.0.1"), 10);
  }

  public int port() {
    return server.actualPort();
  }

  /**
   * Closes the client side of the connection whose server side uses local port {@code upstreamPort}
   * (PostgreSQL's {@code pg_stat_activity.client_port}); the server side stays open, so the server
   * completes what it was running and its answer is lost. Returns whether such a connection
   * existed.
   */
  public boolean cutClientOf(int upstreamPort) {
    Link link = links.get(upstreamPort);
    if (link == null || link.cut) {
      return false;
    }
    link.cut = true;
    link.downstream.close();
    return true;
  }

  /**
   * Cuts every connection (both sides close) and refuses new ones until {@code setDown(false)}: the
   * proxied server is gone for the client, while it stays up for everyone else.
   */
  public void cutAll() {
    down.set(true);
    links
        .values()
        .forEach(
            link -> {
              link.cut = true;
              link.downstream.close();
              link.upstream.close();
            });
    links.clear();
  }

  /**
   * While down, new connections are accepted, counted ({@link #refusedConnections()}) and closed.
   */
  public void setDown(boolean isDown) {
    down.set(isDown);
  }

  public int refusedConnections() {
    return refused.get();
  }

  @Override
  public void close() {
    FaultSupport.await(vertx.close(), 10);
  }
}
