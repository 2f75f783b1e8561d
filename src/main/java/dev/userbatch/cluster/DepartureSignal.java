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
  private final Vertx vertx;

  DepartureSignal(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void memberAdded(MembershipEvent event) {}

  @Override
  public void memberRemoved(MembershipEvent event) {
    vertx
        .eventBus()
        .publish(
            NodeEvents.MEMBER_LEFT,
            event.getMember().getAddress().toString(),
            new DeliveryOptions().setLocalOnly(true));
  }
}
