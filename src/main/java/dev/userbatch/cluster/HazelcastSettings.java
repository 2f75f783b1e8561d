package dev.userbatch.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import dev.userbatch.config.ClusterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Hazelcast configuration of this node: {@code conf/cluster.xml} (the file a user edits), with
 * the settings of {@link ClusterConfig} applied over it, so that the environment variables always
 * win and the safety rules hold whatever the file says: one interface, a derived cluster name, a
 * fixed port.
 */
final class HazelcastSettings {
  /** Read by Hazelcast's static loggers, some of which exist before any Config does. */
  private static final String LOGGING_TYPE = "hazelcast.logging.type";

  private HazelcastSettings() {}

  static Config of(ClusterConfig cluster) {
    if (System.getProperty(LOGGING_TYPE) == null) {
      System.setProperty(LOGGING_TYPE, "slf4j");
    }
    Config config = read(cluster.configFile());
    config.setClusterName(ClusterName.derive(cluster.clusterName(), cluster.clusterSecret()));
    config.setProperty(LOGGING_TYPE, "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    network.getInterfaces().clear().setEnabled(true).addInterface(cluster.host());
    if (!cluster.members().isEmpty()) {
      tcpIpOnly(network.getJoin(), cluster);
    }
    config.addListenerConfig(new ListenerConfig(new MembershipLog()));
    return config;
  }

  /** CLUSTER_MEMBERS given: join those by TCP/IP, and by nothing else. */
  private static void tcpIpOnly(JoinConfig join, ClusterConfig cluster) {
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(false);
    join.getKubernetesConfig().setEnabled(false);
    join.getAwsConfig().setEnabled(false);
    join.getGcpConfig().setEnabled(false);
    join.getAzureConfig().setEnabled(false);
    join.getEurekaConfig().setEnabled(false);
    join.getDiscoveryConfig().getDiscoveryStrategyConfigs().clear();
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
  }

  /** The file if it exists, else the copy inside the jar (like conf/application.json). */
  private static Config read(String file) {
    Path path = Path.of(file);
    try {
      if (Files.isRegularFile(path)) {
        try (InputStream in = Files.newInputStream(path)) {
          return new XmlConfigBuilder(in).build();
        }
      }
      try (InputStream in = HazelcastSettings.class.getClassLoader().getResourceAsStream(file)) {
        if (in == null) {
          throw new IllegalArgumentException("CLUSTER_CONFIG_FILE " + file + " does not exist");
        }
        return new XmlConfigBuilder(in).build();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("CLUSTER_CONFIG_FILE " + file + " cannot be read", e);
    }
  }
}
