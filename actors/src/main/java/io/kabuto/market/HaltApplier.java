package io.kabuto.market;

import io.kabuto.book.OrderBook;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * One per matching node: applies the halt flags of {@link MarketHalts#HALTS} to the books this
 * node hosts and reports it in {@link MarketHalts#APPLIED}. On every change it first installs
 * the new state in the node's {@link MarketGate} (from then on every book on the node enforces
 * it on its next command, books that start later included), then tells each hosted book with
 * {@link OrderBook.MarketHalt} and writes the generation once they answered (or after {@code
 * ack-timeout}, naming the silent ones: a book busy recovering from a dead journal cannot
 * execute anyway, and reads the gate as soon as it runs a command). Nothing here touches storage.
 */
public final class HaltApplier {
  private HaltApplier() {}

  public interface Command {}

  private record HaltsChanged(MarketHalts.Table table) implements Command {}

  private record Hosted(long generation, Set<String> symbols) implements Command {}

  private record BookAnswered(long generation, String symbol, boolean ok) implements Command {}

  private record SweepTimeout(long generation) implements Command {}

  private enum Ignore implements Command { INSTANCE }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Behavior<Command> create(Duration ackTimeout) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      var replicator = DistributedData.get(ctx.getSystem()).replicator();
      ActorRef<Replicator.SubscribeResponse<LWWMap<String, MarketHalts.Entry>>> changes =
          ctx.messageAdapter((Class) Replicator.SubscribeResponse.class, r ->
              r instanceof Replicator.Changed<?> c
                  ? new HaltsChanged(MarketHalts.Table.of((LWWMap<String, MarketHalts.Entry>) c.dataValue()))
                  : Ignore.INSTANCE);
      replicator.tell(new Replicator.Subscribe<>(MarketHalts.HALTS, changes));
      HaltApplier.State st = new HaltApplier.State(ctx, timers, ackTimeout);
      // Report generation 0 at once, so a node with nothing to apply counts as up to date.
      st.sweep(MarketGate.get(ctx.getSystem()).table());
      return Behaviors.receive(Command.class)
          .onMessage(HaltsChanged.class, m -> {
            MarketGate.get(ctx.getSystem()).install(m.table());
            if (m.table().generation() > st.generation) st.sweep(m.table());
            return Behaviors.same();
          })
          .onMessage(Hosted.class, m -> {
            st.onHosted(m);
            return Behaviors.same();
          })
          .onMessage(BookAnswered.class, m -> {
            st.onAnswer(m);
            return Behaviors.same();
          })
          .onMessage(SweepTimeout.class, m -> {
            if (m.generation() == st.generation && !st.reported) st.report();
            return Behaviors.same();
          })
          .onMessage(Ignore.class, m -> Behaviors.same())
          .build();
    }));
  }

  /** The sweep in progress (actor-confined). */
  private static final class State {
    final ActorContext<Command> ctx;
    final TimerScheduler<Command> timers;
    final Duration ackTimeout;
    final String self;
    final SelfUniqueAddress selfUnique;
    MarketHalts.Table table = MarketHalts.Table.EMPTY;
    long generation = -1;
    Set<String> books = Set.of();
    final Set<String> pending = new HashSet<>();
    boolean reported;

    State(ActorContext<Command> ctx, TimerScheduler<Command> timers, Duration ackTimeout) {
      this.ctx = ctx;
      this.timers = timers;
      this.ackTimeout = ackTimeout;
      this.self = Cluster.get(ctx.getSystem()).selfMember().address().toString();
      this.selfUnique = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
    }

    void sweep(MarketHalts.Table t) {
      table = t;
      generation = t.generation();
      reported = false;
      pending.clear();
      long g = generation;
      ActorRef<ShardRegion.CurrentShardRegionState> adapter = ctx.messageAdapter(
          ShardRegion.CurrentShardRegionState.class, s -> {
            Set<String> ids = new TreeSet<>();
            for (ShardRegion.ShardState shard : s.getShards()) ids.addAll(shard.getEntityIds());
            return new Hosted(g, ids);
          });
      ClusterSharding.get(ctx.getSystem()).shardState()
          .tell(new GetShardRegionState(OrderBook.ENTITY_TYPE_KEY, adapter));
      timers.startSingleTimer("sweep", new SweepTimeout(g), ackTimeout);
    }

    void onHosted(Hosted h) {
      if (h.generation() != generation) return;
      books = h.symbols();
      pending.addAll(books);
      if (pending.isEmpty()) {
        report();
        return;
      }
      ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
      for (String symbol : books) {
        MarketGate.Halt halt = table.haltFor(symbol);
        long g = generation;
        ctx.ask(OrderBook.Response.class, sharding.entityRefFor(OrderBook.ENTITY_TYPE_KEY, symbol),
            ackTimeout, r -> new OrderBook.MarketHalt(g, halt.halted(), halt.reason(), r),
            (r, e) -> new BookAnswered(g, symbol, e == null));
      }
    }

    void onAnswer(BookAnswered a) {
      if (a.generation() != generation || !a.ok()) return;
      pending.remove(a.symbol());
      if (pending.isEmpty() && !reported) report();
    }

    void report() {
      reported = true;
      timers.cancel("sweep");
      List<String> silent = new ArrayList<>(new TreeSet<>(pending));
      if (!silent.isEmpty()) {
        ctx.getLog().warn("halt generation {}: books {} did not answer within {}; they are gated "
            + "by this node's halt state on their next command (check their journal: a book that "
            + "cannot recover cannot trade either)", generation, silent, ackTimeout);
      }
      MarketHalts.Applied applied = new MarketHalts.Applied(generation, books.size(),
          books.size() - silent.size(), List.copyOf(silent), System.currentTimeMillis());
      ctx.getLog().info("halt generation {} in force on this node: halts {} ({} books told)",
          generation, table.inForce(), books.size());
      ActorRef<Replicator.UpdateResponse<LWWMap<String, MarketHalts.Applied>>> ignore =
          ctx.getSystem().ignoreRef();
      // WriteAll reaches every reachable member now; the rest get it by gossip.
      DistributedData.get(ctx.getSystem()).replicator().tell(new Replicator.Update<>(
          MarketHalts.APPLIED, LWWMap.create(), new Replicator.WriteAll(Duration.ofSeconds(2)),
          ignore, m -> m.put(selfUnique, self, applied)));
    }
  }
}
