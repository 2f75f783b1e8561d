package dev.userbatch.cluster;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line when this node joins the cluster and one for every member that joins or leaves
 * later, with the member's Hazelcast address and the size of the cluster after the change.
 */
final class MembershipLog implements InitialMembershipListener {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipLog.class);

  @Override
  public void init(InitialMembershipEvent event) {
    LOG.atInfo().addKeyValue("members", event.getMembers().size())
        .addKeyValue("memberAddresses", event.getMembers().stream().map(MembershipLog::address).toList())
        .log("joined the cluster");
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    if (event.getMember().localMember()) {
      return; // this node's own arrival: init() says it
    }
    LOG.atInfo().addKeyValue("member", address(event.getMember())).addKeyValue("members", event.getMembers().size())
        .log("cluster member joined");
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    LOG.atWarn().addKeyValue("member", address(event.getMember())).addKeyValue("members", event.getMembers().size())
        .log("cluster member left");
  }

  private static String address(Member member) {
    return member.getAddress().getHost() + ":" + member.getAddress().getPort();
  }
}
