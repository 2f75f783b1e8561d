package dev.userbatch.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The meter registry of one service instance, and the Vert.x instance that reports into it (HTTP
 * server, pools, event bus, JVM). Labels are limited to bounded values: no remote addresses, no raw
 * paths, no user ids.
 */
public final class Telemetry {
  /**
   * Pools that were given no name get a random UUID from Vert.x (the Redis clients): one new series
   * per client and restart.
   */
  private static final Pattern GENERATED_POOL_NAME =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final BatchMetrics batchMetrics;
  private final ResponseStreamMetrics responseStreams;
  private final String registryName = "user-batch-" + UUID.randomUUID();

  public Telemetry() {
    this(null);
  }

  /**
   * @param node the {@code node} label of every meter (the cluster member this process is), or null
   *     for a single node, whose metrics carry no such label
   */
  public Telemetry(String node) {
    if (node != null) {
      // before any meter exists: common tags only reach the meters registered after them
      registry.config().commonTags("node", node);
    }
    // Unnamed pools are reported under their type instead of a random UUID, so the series of all
    // such pools of one type add up (Vert.x keys its gauges by the filtered id) and survive
    // restarts.
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                String poolName = id.getTag(Label.POOL_NAME.toString());
                if (poolName == null || !GENERATED_POOL_NAME.matcher(poolName).matches()) {
                  return id;
                }
                String poolType = id.getTag(Label.POOL_TYPE.toString());
                return id.replaceTags(
                    Tags.of(id.getTagsAsIterable())
                        .and(Label.POOL_NAME.toString(), poolType == null ? "unnamed" : poolType));
              }
            });
    // Histogram buckets for the timers that dashboards take percentiles of.
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public DistributionStatisticConfig configure(
                  Meter.Id id, DistributionStatisticConfig config) {
                if (id.getName().equals("vertx.http.server.response.time")
                    || id.getName().equals("vertx.sql.processing.time")
                    || id.getName().equals("vertx.redis.processing.time")) {
                  return DistributionStatisticConfig.builder()
                      .percentilesHistogram(true)
                      .build()
                      .merge(config);
                }
                return config;
              }
            });
    batchMetrics = new BatchMetrics(registry);
    responseStreams = new ResponseStreamMetrics(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public BatchMetrics batchMetrics() {
    return batchMetrics;
  }

  public ResponseStreamMetrics responseStreams() {
    return responseStreams;
  }

  public Vertx newVertx(VertxOptions options) {
    return builder(options).build();
  }

  /** A clustered Vert.x instance reporting here, once it has joined the cluster. */
  public Future<Vertx> newClusteredVertx(VertxOptions options, ClusterManager clusterManager) {
    return builder(options).withClusterManager(clusterManager).buildClustered();
  }

  private VertxBuilder builder(VertxOptions options) {
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            // Vert.x keeps backends in a JVM-wide map by name: under the shared default name, a
            // second
            // instance in the same JVM (tests, embedding) would report into the first one's
            // registry
            // and its own /metrics would show no Vert.x or JVM metrics.
            .setRegistryName(registryName)
            .setJvmMetricsEnabled(true)
            .setLabels(
                EnumSet.of(
                    Label.HTTP_METHOD,
                    Label.HTTP_CODE,
                    Label.HTTP_ROUTE,
                    Label.POOL_TYPE,
                    Label.POOL_NAME,
                    Label.EB_ADDRESS,
                    Label.EB_SIDE,
                    Label.EB_FAILURE,
                    Label.CLIENT_NAME,
                    Label.NAMESPACE));
    return Vertx.builder()
        .with(options.setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }
}
