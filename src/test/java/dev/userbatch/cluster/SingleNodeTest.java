package dev.userbatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.FaultSupport;
import dev.userbatch.support.PrometheusText;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 1: without CLUSTER the service runs as it always did: no Hazelcast instance or
 * thread, a local event bus, no {@code cluster} check and no {@code node} label.
 */
class SingleNodeTest extends ApiTest {

  @Test
  void nothingOfHazelcastStarts() {
    assertThat(service.app.vertx().isClustered()).isFalse();
    assertThat(ClusterView.of(service.app.vertx())).isNull();
    assertThat(Hazelcast.getAllHazelcastInstances()).isEmpty();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(thread -> thread.getName().startsWith("hz."));

    JsonObject ready =
        FaultSupport.await(service.http.get("/health/ready").send(), 10).bodyAsJsonObject();
    assertThat(
            ready.getJsonArray("checks").stream()
                .map(check -> ((JsonObject) check).getString("id")))
        .doesNotContain("cluster");
    String metrics = FaultSupport.await(service.http.get("/metrics").send(), 10).bodyAsString();
    assertThat(PrometheusText.parse(metrics).samples())
        .isNotEmpty()
        .noneMatch(sample -> sample.labels().containsKey("node"));
  }
}
