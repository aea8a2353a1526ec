package io.kabuto.book;

import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Keeps the books of every listed symbol running: wakes each one (a depth query of 0 levels)
 * every {@code kabuto.book.wake-interval} and at once when a member is removed. Cluster
 * Sharding starts an entity only when a message reaches it, so without this a book whose node
 * died would come back only at its next order, and the first broker to send one would pay the
 * recovery. Runs on every matching node; the wake is idempotent.
 */
public final class ListedBooks {
  private ListedBooks() {}

  private enum Tick { INSTANCE }

  public static Behavior<Object> create(ActorRef<ShardingEnvelope<OrderBook.Command>> books,
      BookSettings settings) {
    Set<String> symbols = settings.listedSymbols();
    return Behaviors.setup(ctx -> {
      Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(
          ctx.getSelf().narrow(), ClusterEvent.MemberRemoved.class));
      ActorRef<OrderBook.Response> ignore = ctx.getSystem().ignoreRef();
      Runnable wake = () -> {
        for (String symbol : symbols) {
          books.tell(new ShardingEnvelope<>(symbol, new OrderBook.GetDepth(0, ignore)));
        }
      };
      return Behaviors.withTimers(timers -> {
        timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.wakeInterval());
        return Behaviors.receiveMessage(msg -> {
          if (msg instanceof ClusterEvent.MemberRemoved removed) {
            ctx.getLog().info("member {} removed: waking the listed books so the ones it hosted "
                + "restart on a survivor now", removed.member().address());
          }
          wake.run();
          return Behaviors.same();
        });
      });
    });
  }
}
