package dev.userbatch.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line for every other member that joins or leaves, with its Hazelcast address and the size
 * of the cluster after the change. A node that joins a running cluster logs each member it finds
 * there as joined; its own arrival is {@link ClusteredVertx}'s "clustered event bus started".
 */
final class MembershipLog implements MembershipListener {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipLog.class);

  @Override
  public void memberAdded(MembershipEvent event) {
    if (event.getMember().localMember()) {
      return;
    }
    LOG.atInfo()
        .addKeyValue("member", address(event.getMember()))
        .addKeyValue("members", event.getMembers().size())
        .log("cluster member joined");
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    LOG.atWarn()
        .addKeyValue("member", address(event.getMember()))
        .addKeyValue("members", event.getMembers().size())
        .log("cluster member left");
  }

  private static String address(Member member) {
    return member.getAddress().getHost() + ":" + member.getAddress().getPort();
  }
}
