package io.kabuto.book;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * Incident replay only ({@code kabuto.book.legacy-primary-of}): books this node runs itself as
 * their primary, outside Cluster Sharding, the way a legacy main trading server ran its market
 * whatever the rest of the system did. FXTF's main server (2014-12-16) was such a primary: after
 * two abnormal stops its operating system restarted the trading service, which came back as
 * primary next to the backup that had taken over, and both recorded trades.
 *
 * <p>On this node the gateway's orders for these symbols go to the local book; everything else
 * goes through sharding. The local book is the same journaled book with the same persistence id
 * as the sharded one, so next to it there are two incarnations: with epoch fencing each recovery
 * fences the other and no write of a stale one is acknowledged (they take turns, the log stays
 * one history); with {@code kabuto.storage.fencing = off} both are acknowledged and the journal
 * diverges, which is what the scenario checker must catch. {@code ./kabuto config check} and the
 * node's start-up audit report the setting as an error.
 */
public final class LegacyPrimaries {
  public static final String KEY = "kabuto.book.legacy-primary-of";

  private LegacyPrimaries() {}

  /** The symbols of {@link #KEY} in {@code system}'s config (empty when unset). */
  public static List<String> symbols(ActorSystem<?> system) {
    var c = system.settings().config();
    return c.hasPath(KEY) ? c.getStringList(KEY) : List.of();
  }

  /**
   * Where this node's gateway sends book commands: {@code region} itself, or when {@link #KEY}
   * lists symbols, an actor that runs those books locally and passes the rest to {@code region}.
   */
  public static ActorRef<ShardingEnvelope<OrderBook.Command>> route(ActorSystem<?> system,
      ActorRef<ShardingEnvelope<OrderBook.Command>> region) {
    List<String> symbols = symbols(system);
    if (symbols.isEmpty()) {
      return region;
    }
    return system.systemActorOf(router(symbols, region), "kabuto-legacy-primaries", Props.empty());
  }

  private static Behavior<ShardingEnvelope<OrderBook.Command>> router(List<String> symbols,
      ActorRef<ShardingEnvelope<OrderBook.Command>> region) {
    return Behaviors.setup(ctx -> {
      Map<String, ActorRef<OrderBook.Command>> local = new HashMap<>();
      for (String symbol : symbols) {
        // started at once, as the legacy service did: its recovery is its claim to the book
        local.put(symbol, ctx.spawn(BookFront.create(symbol), "book-" + symbol));
        ctx.getLog().error("order book {} runs on this node as its legacy primary, outside cluster "
            + "sharding ({}): a second primary next to the cluster's own; remove the setting",
            symbol, KEY);
      }
      return Behaviors.receiveMessage(env -> {
        ActorRef<OrderBook.Command> book = local.get(env.entityId());
        if (book != null) {
          book.tell(env.message());
        } else {
          region.tell(env);
        }
        return Behaviors.same();
      });
    });
  }
}
