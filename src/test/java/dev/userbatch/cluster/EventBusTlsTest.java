package dev.userbatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userbatch.config.ClusterConfig;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.support.ClusterKeys;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 6: the event bus of a cluster is TLS both ways, from stores checked at start-up.
 */
class EventBusTlsTest {
  private static ClusterKeys keys;

  @BeforeAll
  static void keys() {
    keys = ClusterKeys.make("unit", "node-1");
  }

  private static ClusterConfig cluster(String... more) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "CLUSTER",
                "true",
                "CLUSTER_SECRET",
                "cluster-secret-of-the-tls-test-0123456789",
                "CLUSTER_KEY_STORE",
                keys.keyStore("node-1").toString(),
                "CLUSTER_KEY_STORE_PASSWORD",
                keys.password(),
                "CLUSTER_TRUST_STORE",
                keys.trustStore().toString(),
                "CLUSTER_TRUST_STORE_PASSWORD",
                keys.password(),
                "EVENT_BUS_PORT",
                "5899"));
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return ServiceConfig.load(env).cluster();
  }

  @Test
  void membersPresentTheirKeyAndRequireOneFromTheirPeers() {
    EventBusOptions options = EventBusTls.options(cluster());
    assertThat(options.isSsl()).isTrue();
    assertThat(options.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
    assertThat(options.getKeyCertOptions()).isNotNull();
    assertThat(options.getTrustOptions()).isNotNull();
    assertThat(options.getHost()).isEqualTo("127.0.0.1");
    assertThat(options.getPort()).isEqualTo(5899);
  }

  @Test
  void aStoreThatCannotBeUsedStopsStartUpNamingItsVariable() {
    assertThatThrownBy(
            () -> EventBusTls.options(cluster("CLUSTER_KEY_STORE", "target/no-such.p12")))
        .hasMessageContaining("CLUSTER_KEY_STORE")
        .hasMessageContaining("does not exist");
    assertThatThrownBy(
            () -> EventBusTls.options(cluster("CLUSTER_KEY_STORE_PASSWORD", "wrong-password")))
        .hasMessageContaining("CLUSTER_KEY_STORE")
        .hasMessageContaining("CLUSTER_KEY_STORE_PASSWORD");
    assertThatThrownBy(
            () -> EventBusTls.options(cluster("CLUSTER_TRUST_STORE_PASSWORD", "wrong-password")))
        .hasMessageContaining("CLUSTER_TRUST_STORE");
    // a trust store holds certificates to trust, a key store a key: swapped, both are refused
    assertThatThrownBy(
            () ->
                EventBusTls.options(
                    cluster("CLUSTER_TRUST_STORE", keys.keyStore("node-1").toString())))
        .hasMessageContaining("CLUSTER_TRUST_STORE")
        .hasMessageContaining("no trusted certificate");
    assertThatThrownBy(
            () -> EventBusTls.options(cluster("CLUSTER_KEY_STORE", keys.trustStore().toString())))
        .hasMessageContaining("CLUSTER_KEY_STORE")
        .hasMessageContaining("no private key");
  }
}
