package dev.userbatch.batch;

/**
 * Local event-bus addresses on which a node tells its own components about the cluster: published
 * with {@code DeliveryOptions#setLocalOnly(true)}, never sent to other members.
 */
public final class NodeEvents {
  /** A cluster member left (its Hazelcast address is the body): chunks in flight may be lost. */
  public static final String MEMBER_LEFT = "users.node.member-left";

  private NodeEvents() {}
}
