package dev.userbatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userbatch.config.ClusterConfig.Role;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, items 1, 2 and 6: clustered mode is off by default, and on only with its safety
 * settings.
 */
class ClusterConfigTest {
  private static final String SECRET = "s".repeat(ClusterConfig.MIN_SECRET_LENGTH);

  private static Map<String, String> clustered(String... more) {
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
    return env;
  }

  @Test
  void offByDefaultRunningEverything() {
    ClusterConfig cluster = ServiceConfig.load(Map.of()).cluster();
    assertThat(cluster.enabled()).isFalse();
    assertThat(cluster.role()).isEqualTo(Role.ALL);
    assertThat(cluster.host()).isEqualTo("127.0.0.1");
  }

  @Test
  void clusteredSettingsAreReadFromTheEnvironment() {
    ClusterConfig cluster =
        ServiceConfig.load(
                clustered(
                    "ROLE",
                    "Worker",
                    "CLUSTER_MEMBERS",
                    " 10.0.0.1:5701, 10.0.0.2:5701 ,",
                    "CLUSTER_HOST",
                    "10.0.0.1",
                    "CLUSTER_PORT",
                    "5702",
                    "EVENT_BUS_PORT",
                    "5802",
                    "CLUSTER_NAME",
                    "prod"))
            .cluster();
    assertThat(cluster.enabled()).isTrue();
    assertThat(cluster.role()).isEqualTo(Role.WORKER);
    assertThat(cluster.role().runsWorkers()).isTrue();
    assertThat(cluster.role().servesApi()).isFalse();
    assertThat(cluster.members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    assertThat(cluster.port()).isEqualTo(5702);
    assertThat(cluster.eventBusAddress()).isEqualTo("10.0.0.1");
    assertThat(cluster.eventBusPort()).isEqualTo(5802);
    assertThat(cluster.node()).isEqualTo("10.0.0.1:5702");
    assertThat(
            ServiceConfig.load(clustered("NODE_NAME", "worker-7", "EVENT_BUS_HOST", "10.0.0.9"))
                .cluster())
        .satisfies(
            named -> {
              assertThat(named.node()).isEqualTo("worker-7");
              assertThat(named.eventBusAddress()).isEqualTo("10.0.0.9");
            });
  }

  @Test
  void aRoleOtherThanAllNeedsACluster() {
    assertThatThrownBy(() -> ServiceConfig.load(Map.of("ROLE", "api")))
        .hasMessageContaining("ROLE=api needs CLUSTER=true");
    assertThatThrownBy(() -> ServiceConfig.load(Map.of("ROLE", "coordinator")))
        .hasMessageContaining("ROLE")
        .hasMessageContaining("all, api or worker");
    assertThatThrownBy(() -> ServiceConfig.load(Map.of("CLUSTER", "yes")))
        .hasMessageContaining("CLUSTER")
        .hasMessageContaining("true or false");
  }

  @Test
  void aClusterNeedsItsSecretAndTlsStores() {
    Map<String, String> noSecret = clustered();
    noSecret.remove("CLUSTER_SECRET");
    assertThatThrownBy(() -> ServiceConfig.load(noSecret)).hasMessageContaining("CLUSTER_SECRET");
    assertThatThrownBy(() -> ServiceConfig.load(clustered("CLUSTER_SECRET", "short")))
        .hasMessageContaining("CLUSTER_SECRET")
        .hasMessageContaining("32");
    Map<String, String> noKeyStore = clustered();
    noKeyStore.remove("CLUSTER_KEY_STORE");
    assertThatThrownBy(() -> ServiceConfig.load(noKeyStore))
        .hasMessageContaining("CLUSTER_KEY_STORE");
    Map<String, String> noTrustStore = clustered();
    noTrustStore.remove("CLUSTER_TRUST_STORE");
    assertThatThrownBy(() -> ServiceConfig.load(noTrustStore))
        .hasMessageContaining("CLUSTER_TRUST_STORE");
  }

  @Test
  void hazelcastBindsToOneInterfaceNeverAll() {
    assertThatThrownBy(() -> ServiceConfig.load(clustered("CLUSTER_HOST", "0.0.0.0")))
        .hasMessageContaining("CLUSTER_HOST")
        .hasMessageContaining("not all of them");
    assertThatThrownBy(() -> ServiceConfig.load(clustered("CLUSTER_HOST", "node-1.internal")))
        .hasMessageContaining("CLUSTER_HOST")
        .hasMessageContaining("IPv4 address");
    assertThatThrownBy(() -> ServiceConfig.load(clustered("EVENT_BUS_HOST", "0.0.0.0")))
        .hasMessageContaining("EVENT_BUS_HOST");
    assertThatThrownBy(() -> ServiceConfig.load(clustered("CLUSTER_MEMBERS", "10.0.0.1")))
        .hasMessageContaining("CLUSTER_MEMBERS")
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> ServiceConfig.load(clustered("CLUSTER_PORT", "0")))
        .hasMessageContaining("CLUSTER_PORT");
  }

  @Test
  void theSecretAndPasswordsStayOutOfItsText() {
    ClusterConfig cluster =
        ServiceConfig.load(
                clustered(
                    "CLUSTER_KEY_STORE_PASSWORD",
                    "key-pass-123",
                    "CLUSTER_TRUST_STORE_PASSWORD",
                    "trust-pass-456"))
            .cluster();
    assertThat(cluster.toString())
        .doesNotContain(SECRET)
        .doesNotContain("key-pass-123")
        .doesNotContain("trust-pass-456")
        .contains("node.p12");
    assertThat(List.of(cluster.keyStorePassword(), cluster.trustStorePassword()))
        .containsExactly("key-pass-123", "trust-pass-456");
  }
}
