package dev.userbatch.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one server is, how it was chosen, and the embedded server to stop (null when it is not
 * ours).
 */
final class Endpoint {
  private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);

  final String url;
  final String mode;
  final String logText;
  final AutoCloseable server;
  private boolean stopped;

  Endpoint(String url, String mode, String logText, AutoCloseable server) {
    this.url = url;
    this.mode = mode;
    this.logText = logText;
    this.server = server;
  }

  static Endpoint of(EmbeddedPostgresServer server) {
    return new Endpoint(server.url(), server.description(), server.description(), server);
  }

  static Endpoint of(EmbeddedRedisServer server) {
    return new Endpoint(server.url(), server.description(), server.description(), server);
  }

  synchronized void stop() {
    if (server == null || stopped) {
      return;
    }
    stopped = true;
    try {
      server.close();
    } catch (Exception e) {
      LOG.warn("Error while stopping {}: {}", mode, e.toString(), e);
    }
  }
}
