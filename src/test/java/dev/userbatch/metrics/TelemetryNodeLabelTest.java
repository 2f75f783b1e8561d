package dev.userbatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.PrometheusText;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 5: a cluster member's metrics carry its {@code node} label; a single node's carry
 * none.
 */
class TelemetryNodeLabelTest {

  @Test
  void everyMeterOfAClusterMemberCarriesItsNode() {
    Telemetry telemetry = new Telemetry("node-7");
    telemetry.batchMetrics().batchRejected("create");
    telemetry.batchMetrics().cacheError();
    PrometheusText text = PrometheusText.parse(telemetry.registry().scrape());
    assertThat(text.samples())
        .isNotEmpty()
        .allMatch(sample -> "node-7".equals(sample.labels().get("node")));
    assertThat(
            text.value(
                "batch_operations_total", Map.of("operation", "create", "status", "rejected")))
        .isEqualTo(1.0);
  }

  @Test
  void aSingleNodesMetricsCarryNoNodeLabel() {
    Telemetry telemetry = new Telemetry();
    telemetry.batchMetrics().batchRejected("create");
    assertThat(PrometheusText.parse(telemetry.registry().scrape()).samples())
        .isNotEmpty()
        .noneMatch(sample -> sample.labels().containsKey("node"));
  }
}
