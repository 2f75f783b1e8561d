package dev.userbatch.cluster;

import dev.userbatch.config.ClusterConfig;
import dev.userbatch.metrics.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the Vert.x instance of a clustered node: Hazelcast (membership, handler table) and the
 * event bus over TLS. Returns once this node is a member and its event-bus server listens.
 */
public final class ClusteredVertx {
  private static final Logger LOG = LoggerFactory.getLogger(ClusteredVertx.class);

  /** Joining waits {@code hazelcast.wait.seconds.before.join} and for the master's answer. */
  private static final long JOIN_TIMEOUT_SECONDS = 120;

  private ClusteredVertx() {}

  public static Vertx start(ClusterConfig cluster, Telemetry telemetry, VertxOptions options)
      throws Exception {
    long configuring = System.nanoTime();
    options.setEventBusOptions(EventBusTls.options(cluster));
    HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastSettings.of(cluster));
    long started = System.nanoTime();
    Vertx vertx =
        telemetry
            .newClusteredVertx(options, manager)
            .toCompletionStage()
            .toCompletableFuture()
            .get(JOIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    LOG.atInfo()
        .addKeyValue("node", cluster.node())
        .addKeyValue("role", cluster.role().name().toLowerCase())
        .addKeyValue("members", manager.getNodes().size())
        .addKeyValue("eventBus", cluster.eventBusAddress() + ":" + cluster.eventBusPort())
        .addKeyValue("configMs", TimeUnit.NANOSECONDS.toMillis(started - configuring))
        .addKeyValue("joinMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
        .log("clustered event bus started");
    manager.getHazelcastInstance().getCluster().addMembershipListener(new DepartureSignal(vertx));
    return vertx;
  }
}
