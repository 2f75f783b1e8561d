package dev.userbatch.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * What readiness reports of the cluster: whether this node is still a member, how many members
 * there are, and how many of them have a handler at an address (the chunk workers' ping address:
 * the worker nodes).
 */
public final class ClusterView {
  private final ClusterManager manager;

  private ClusterView(ClusterManager manager) {
    this.manager = manager;
  }

  /** The view of a clustered Vert.x instance; null for a single node. */
  public static ClusterView of(Vertx vertx) {
    if (!vertx.isClustered() || !(vertx instanceof VertxInternal internal)) {
      return null;
    }
    return new ClusterView(internal.clusterManager());
  }

  /**
   * Whether this node is a member: Vert.x has not left the cluster, and Hazelcast still runs under
   * it (Hazelcast can stop on its own, and Vert.x's cluster manager would still call itself
   * active).
   */
  public boolean member() {
    if (!manager.isActive() || manager.getNodeId() == null) {
      return false;
    }
    if (manager instanceof HazelcastClusterManager hazelcast) {
      HazelcastInstance instance = hazelcast.getHazelcastInstance();
      return instance != null && instance.getLifecycleService().isRunning();
    }
    return true;
  }

  /** The members now; 0 when this node has just stopped being one (Hazelcast no longer answers). */
  public int members() {
    try {
      return manager.getNodes().size();
    } catch (RuntimeException notRunning) {
      return 0;
    }
  }

  /** The number of members with a handler registered at {@code address}. */
  public Future<Integer> nodesWith(String address) {
    Promise<List<RegistrationInfo>> registrations = Promise.promise();
    manager.getRegistrations(address, registrations);
    return registrations
        .future()
        .map(list -> (int) list.stream().map(RegistrationInfo::nodeId).distinct().count());
  }
}
