package io.kabuto.book;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Map;
import scala.collection.immutable.Set;
import scala.concurrent.Future;

/**
 * Where order books live: a new book goes to the matching node with the fewest (Pekko's least-shard
 * allocation), and a book is never moved automatically once the cluster has settled.
 *
 * <p>An exchange does not move books during trading except on a failure or an operator's request:
 * every move makes the book unavailable for its hand-off, and a hand-off that meets a network
 * hiccup (a lost message, a short partition) leaves the book unavailable until the hand-off
 * timeout (issue 13: a shard rebalanced onto a restarted node was unreachable for over 40 s).
 * Pekko's least-shard strategy rebalances whenever the nodes' book counts differ by more than one,
 * which is exactly what a restarted node causes. So automatic rebalancing is allowed only in
 * {@code kabuto.book.rebalance-window} after the node running the shard coordinator became Up (the
 * coordinator is a singleton on the oldest matching node): at cluster start, when matching nodes
 * join one after another and the first ones would otherwise keep all the books. After that the
 * strategy answers "nothing to move"; a failed node's books are still allocated at once (that
 * is allocation, not rebalancing) to the survivors with the fewest books, and a node that comes
 * back gets new books only. A coordinator taken over after a failure runs on a node that has
 * been up for a while, so it does not open a new window.
 */
public final class BookAllocation implements ShardCoordinator.ActorSystemDependentAllocationStrategy {
  private final ShardCoordinator.ShardAllocationStrategy least;
  private final Duration window;
  private final LongSupplier nowMillis;
  private volatile long startedMillis = -1;

  /**
   * @param absoluteLimit, relativeLimit: of Pekko's least-shard strategy while rebalancing is allowed
   * @param window rebalancing allowed this long after the coordinator's node became Up; zero: never
   */
  BookAllocation(int absoluteLimit, double relativeLimit, Duration window, LongSupplier nowMillis) {
    this.least = ShardCoordinator.ShardAllocationStrategy$.MODULE$.leastShardAllocationStrategy(
        absoluteLimit, relativeLimit);
    this.window = window;
    this.nowMillis = nowMillis;
  }

  /**
   * The strategy of a node: least-shard limits from Pekko's config, the window from {@code
   * kabuto.book.rebalance-window}, counted from the moment this node is Up.
   */
  public static BookAllocation of(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    com.typesafe.config.Config config = system.settings().config();
    String least = "pekko.cluster.sharding.least-shard-allocation-strategy.";
    BookAllocation a = new BookAllocation(config.getInt(least + "rebalance-absolute-limit"),
        config.getDouble(least + "rebalance-relative-limit"),
        config.getDuration("kabuto.book.rebalance-window"), System::currentTimeMillis);
    org.apache.pekko.cluster.Cluster.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system))
        .registerOnMemberUp(() -> a.upAt(System.currentTimeMillis()));
    return a;
  }

  @Override
  public void start(ActorSystem system) {
    if (least instanceof ShardCoordinator.ActorSystemDependentAllocationStrategy s) {
      s.start(system);
    }
  }

  /** This node became Up at {@code millis}: the window starts. */
  void upAt(long millis) {
    startedMillis = millis;
  }

  /** Whether automatic rebalancing is still allowed (the start-up window). */
  boolean rebalancing() {
    return startedMillis >= 0 && nowMillis.getAsLong() - startedMillis < window.toMillis();
  }

  @Override
  public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
      Map<ActorRef, IndexedSeq<String>> currentShardAllocations) {
    return least.allocateShard(requester, shardId, currentShardAllocations);
  }

  @Override
  public Future<Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> currentShardAllocations,
      Set<String> rebalanceInProgress) {
    if (!rebalancing()) {
      return Future.successful(scala.collection.immutable.Set$.MODULE$.<String>empty());
    }
    return least.rebalance(currentShardAllocations, rebalanceInProgress);
  }
}
