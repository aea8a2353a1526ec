package io.kabuto.gateway.fix;

import io.kabuto.book.BookTopics;
import io.kabuto.market.MarketHalts;
import io.kabuto.marketdata.MarketDataMessage;
import io.kabuto.matching.Phase;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Pushes TradingSessionStatus to every logged-on FIX session when the market changes:
 *
 * <ul>
 *   <li>halts and resumptions, market-wide and per symbol, from the halt flags in Distributed
 *       Data ({@link MarketHalts#HALTS}, the same source every node's {@code MarketGate} is fed
 *       from; subscribing here keeps the gateway independent of where the halt applier runs);
 *   <li>phase changes, from the {@code STATUS} messages of the listed symbols' books on the
 *       trading-status topic ({@link BookTopics#tradingStatus}): the books change phase together,
 *       so one status is pushed per new phase, not one per book.
 * </ul>
 */
final class TradingSessionFeed {
  private TradingSessionFeed() {}

  private record HaltsChanged(MarketHalts.Table table) {}

  private enum Ignore { INSTANCE }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Behavior<Object> create(Collection<String> listedSymbols,
      TradingSessionStatuses statuses) {
    return Behaviors.setup(ctx -> {
      var replicator = DistributedData.get(ctx.getSystem()).replicator();
      ActorRef<Replicator.SubscribeResponse<LWWMap<String, MarketHalts.Entry>>> changes =
          ctx.messageAdapter((Class) Replicator.SubscribeResponse.class, r ->
              r instanceof Replicator.Changed<?> c
                  ? new HaltsChanged(MarketHalts.Table.of(
                      (LWWMap<String, MarketHalts.Entry>) c.dataValue()))
                  : Ignore.INSTANCE);
      replicator.tell(new Replicator.Subscribe<>(MarketHalts.HALTS, changes));
      ActorRef<MarketDataMessage> md = ctx.messageAdapter(MarketDataMessage.class, m -> m);
      // The status topic only: the symbols' market-data topics carry every trade and top of book.
      BookTopics.get(ctx.getSystem()).tradingStatus().tell(Topic.subscribe(md));
      Map<String, Boolean> halted = new HashMap<>();
      Phase[] phase = {null};
      return Behaviors.receiveMessage(msg -> {
        if (msg instanceof HaltsChanged h) {
          for (Map.Entry<String, MarketHalts.Entry> e : h.table().entries().entrySet()) {
            boolean now = e.getValue().halted();
            Boolean before = halted.put(e.getKey(), now);
            if (before == null ? now : before != now) {
              statuses.halt(e.getKey(), now, e.getValue().reason(), phase[0]);
            }
          }
          statuses.haltsInForce(h.table());
        } else if (msg instanceof MarketDataMessage m
            && m.kind() == MarketDataMessage.Kind.STATUS && m.phase() != null
            && listedSymbols.contains(m.symbol())
            && !Objects.equals(m.phase(), phase[0])) {
          phase[0] = m.phase();
          statuses.phase(m.phase(), m.symbol());
        }
        return Behaviors.same();
      });
    });
  }
}
