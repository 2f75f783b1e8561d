package dev.userbatch.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import dev.userbatch.batch.NodeEvents;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Tells this node's coordinators that a member left ({@link NodeEvents#MEMBER_LEFT}, local only): a
 * chunk sent to it gets no reply, and waiting for the chunk timeout (2 minutes by default) to send
 * it again would hold the whole batch.
 */
final class DepartureSignal implements MembershipListener {
  /**
   * Vert.x drops the departed member's handlers from its routing only after Hazelcast's event: a
   * chunk sent again at once went round-robin to the dead member again (half of them, in
   * FailoverClusterIT) and waited for the chunk timeout.
   */
  static final long ROUTING_SETTLE_MS = 3_000;

  private final Vertx vertx;

  DepartureSignal(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void memberAdded(MembershipEvent event) {}

  @Override
  public void memberRemoved(MembershipEvent event) {
    String member = event.getMember().getAddress().toString();
    vertx.setTimer(
        ROUTING_SETTLE_MS,
        t ->
            vertx
                .eventBus()
                .publish(NodeEvents.MEMBER_LEFT, member, new DeliveryOptions().setLocalOnly(true)));
  }
}
