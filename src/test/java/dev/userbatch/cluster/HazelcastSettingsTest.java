package dev.userbatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.userbatch.config.ClusterConfig;
import dev.userbatch.config.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, items 1 and 6: conf/cluster.xml with the service's settings applied over it. Only the
 * configuration is built here: no Hazelcast instance starts.
 */
class HazelcastSettingsTest {
  private static final String SECRET = "cluster-secret-of-the-settings-test-0123456789";

  private static ClusterConfig cluster(String... more) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "CLUSTER",
                "true",
                "CLUSTER_SECRET",
                SECRET,
                "CLUSTER_KEY_STORE",
                "node.p12",
                "CLUSTER_TRUST_STORE",
                "trust.p12"));
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return ServiceConfig.load(env).cluster();
  }

  @Test
  void theShippedFileBindsOneInterfaceJoinsTheMembersByTcpIpAndNeverByMulticast() {
    Config config =
        HazelcastSettings.of(
            cluster(
                "CLUSTER_HOST",
                "10.1.2.3",
                "CLUSTER_PORT",
                "5710",
                "CLUSTER_MEMBERS",
                "10.1.2.3:5710,10.1.2.4:5710"));
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces())
        .containsExactly("10.1.2.3");
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.logging.type")).isEqualTo("slf4j");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5710);
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isFalse();
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers())
        .containsExactly("10.1.2.3:5710", "10.1.2.4:5710");
    // what the Vert.x cluster manager needs is in the shipped file
    assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
    assertThat(config.getMapConfigs()).containsKeys("__vertx.haInfo", "__vertx.nodeInfo");
    assertThat(config.getListenerConfigs())
        .anyMatch(listener -> listener.getImplementation() instanceof MembershipLog);
  }

  @Test
  void theClusterNameIsDerivedFromTheSecretWhichItDoesNotContain() {
    String name = HazelcastSettings.of(cluster("CLUSTER_NAME", "prod")).getClusterName();
    assertThat(name).startsWith("prod-").doesNotContain(SECRET);
    assertThat(HazelcastSettings.of(cluster("CLUSTER_NAME", "prod")).getClusterName())
        .isEqualTo(name);
    assertThat(
            HazelcastSettings.of(cluster("CLUSTER_NAME", "prod", "CLUSTER_SECRET", SECRET + "x"))
                .getClusterName())
        .isNotEqualTo(name);
    assertThat(HazelcastSettings.of(cluster("CLUSTER_NAME", "test")).getClusterName())
        .isNotEqualTo(name);
  }

  @Test
  void aUsersFileKeepsItsJoinUnlessMembersAreGivenAndCannotOpenAllInterfaces(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("cluster.xml");
    Files.writeString(
        file,
        """
        <hazelcast xmlns="http://www.hazelcast.com/schema/config">
          <properties><property name="hazelcast.socket.bind.any">true</property></properties>
          <network>
            <port auto-increment="true">6000</port>
            <interfaces enabled="true"><interface>10.*.*.*</interface></interfaces>
            <join>
              <auto-detection enabled="false"/>
              <multicast enabled="true"/>
            </join>
          </network>
          <map name="custom"><backup-count>2</backup-count></map>
        </hazelcast>
        """);
    Config ownJoin = HazelcastSettings.of(cluster("CLUSTER_CONFIG_FILE", file.toString()));
    assertThat(ownJoin.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isTrue();
    assertThat(ownJoin.getMapConfigs()).containsKey("custom");
    assertThat(ownJoin.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(ownJoin.getNetworkConfig().getInterfaces().getInterfaces())
        .containsExactly("127.0.0.1");
    assertThat(ownJoin.getNetworkConfig().getPort()).isEqualTo(5701);
    assertThat(ownJoin.getNetworkConfig().isPortAutoIncrement()).isFalse();

    Config members =
        HazelcastSettings.of(
            cluster("CLUSTER_CONFIG_FILE", file.toString(), "CLUSTER_MEMBERS", "127.0.0.1:5701"));
    assertThat(members.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(members.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
        .containsExactly("127.0.0.1:5701");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(
            () -> HazelcastSettings.of(cluster("CLUSTER_CONFIG_FILE", "conf/no-such-cluster.xml")))
        .hasMessageContaining("CLUSTER_CONFIG_FILE")
        .hasMessageContaining("no-such-cluster.xml");
  }
}
