package io.kabuto.node;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.remote.RemoteActorRefProvider;
import scala.Option;

/**
 * The fast path from "Down" to "removed": every node quarantines a member as soon as it sees it
 * Down, which marks it terminated in this node's reachability, so the leader removes it (and
 * sharding restarts its books elsewhere) without waiting for the heartbeat failure detector to
 * call it unreachable.
 *
 * <p>That decouples failover from failure detection. The detector can then be conservative (a
 * busy node on a loaded machine is not a dead one: {@code base.conf}) while a confirmed death
 * (the watchdog saw the process exit, {@code cluster kill}, an operator's down, a storage CRASH
 * that downs itself) still moves the books in well under a second.
 *
 * <p>Safe because Down is final in Pekko: a downed member can never come back under the same
 * incarnation, whatever is quarantined. A downed node that is in fact alive (downed by the split
 * brain resolver on the other side of a partition) is cut off a little sooner than it would be
 * at its removal; its books are fenced on the storage replicas by their next incarnation anyway.
 */
public final class DownedMemberQuarantine {
  private DownedMemberQuarantine() {}

  public static void start(ActorSystem<?> system) {
    system.systemActorOf(behavior(), "downed-member-quarantine", Props.empty());
  }

  static Behavior<ClusterEvent.MemberDowned> behavior() {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(ctx.getSelf(), ClusterEvent.MemberDowned.class));
      return Behaviors.receiveMessage(downed -> {
        Member m = downed.member();
        if (!m.uniqueAddress().equals(cluster.selfMember().uniqueAddress())
            && Adapter.toClassic(ctx.getSystem()) instanceof ExtendedActorSystem ext
            && ext.provider() instanceof RemoteActorRefProvider remote) {
          ctx.getLog().info("member {} is Down: quarantining it so that it is removed at once",
              m.address());
          remote.quarantine(m.address(), Option.<Object>apply(m.uniqueAddress().longUid()),
              "member is Down");
        }
        return Behaviors.same();
      });
    });
  }
}
