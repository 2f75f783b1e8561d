package dev.userbatch.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded servers listen on 127.0.0.1 only. Each prefers a fixed port so that its URL stays
 * the same from one run to the next, and takes any free one when a second instance already holds
 * it.
 */
final class LoopbackPorts {

  static final String LOOPBACK = "127.0.0.1";

  private static final Logger LOG = LoggerFactory.getLogger(LoopbackPorts.class);

  private LoopbackPorts() {}

  /** The preferred port if it is free on 127.0.0.1, otherwise any free port. */
  static int choosePort(int preferred) throws IOException {
    if (isPortFree(preferred)) {
      return preferred;
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      LOG.info("Port {} is in use; using free port {} instead", preferred, s.getLocalPort());
      return s.getLocalPort();
    }
  }

  static boolean isPortFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // like the servers themselves: ignore TIME_WAIT leftovers
      s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
