package dev.userbatch.cluster;

import dev.userbatch.support.ClusterKeys;
import dev.userbatch.support.JarNode;
import dev.userbatch.support.TestService;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/** The settings of clustered jar nodes in the cluster tests, and their timing log. */
final class ClusterSettings {
  private ClusterSettings() {}

  /** The ports of one node. */
  record Ports(int http, int cluster, int eventBus) {
    static Ports free() {
      return new Ports(TestService.freePort(), TestService.freePort(), TestService.freePort());
    }

    String member() {
      return "127.0.0.1:" + cluster;
    }
  }

  /** A member named {@code node} presenting its own key of {@code stores}. */
  static Map<String, String> clustered(
      String node, Ports ports, String members, String role, ClusterKeys stores, String secret) {
    Map<String, String> env = new HashMap<>();
    env.put("CLUSTER", "true");
    env.put("ROLE", role);
    env.put("NODE_NAME", node);
    env.put("CLUSTER_SECRET", secret);
    env.put("CLUSTER_MEMBERS", members);
    env.put("CLUSTER_HOST", "127.0.0.1");
    env.put("CLUSTER_PORT", String.valueOf(ports.cluster()));
    env.put("EVENT_BUS_PORT", String.valueOf(ports.eventBus()));
    env.put("CLUSTER_KEY_STORE", stores.keyStore(node).toString());
    env.put("CLUSTER_KEY_STORE_PASSWORD", stores.password());
    env.put("CLUSTER_TRUST_STORE", stores.trustStore().toString());
    env.put("CLUSTER_TRUST_STORE_PASSWORD", stores.password());
    return env;
  }

  /** The members the node's readiness reports; -1 when it reports no cluster. */
  static int members(JarNode node) {
    JsonObject cluster = node.readyCheck("cluster");
    return cluster == null || cluster.getJsonObject("data") == null
        ? -1
        : cluster.getJsonObject("data").getInteger("members", -1);
  }

  /** One line to the output and to {@code target/cluster-it/timings.txt}. */
  static void timing(String format, Object... args) {
    String line = String.format(format, args);
    System.out.println("[cluster-it] " + line);
    try {
      Path file = Path.of("target", "cluster-it", "timings.txt");
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          line + System.lineSeparator(),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
