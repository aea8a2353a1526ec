package io.kabuto.book;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
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
 *
 * <p>If sharding places one of these books on this node, its entity here forwards to the local
 * book rather than starting a second incarnation in the same JVM: the journal plugin keeps one
 * epoch per persistence id and node, so two incarnations on one node would share it and fencing
 * could not tell them apart.
 */
public final class LegacyPrimaries implements Extension {
  public static final String KEY = "kabuto.book.legacy-primary-of";
  private static final java.util.concurrent.atomic.AtomicInteger ROUTES = new java.util.concurrent.atomic.AtomicInteger();

  public static final class Id extends ExtensionId<LegacyPrimaries> {
    @Override
    public LegacyPrimaries createExtension(ActorSystem<?> system) {
      return new LegacyPrimaries(system);
    }
  }

  public static final Id ID = new Id();

  public static LegacyPrimaries get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final ActorSystem<?> system;
  /** The local books, started with the extension, as the legacy service did. */
  private final Map<String, ActorRef<OrderBook.Command>> books = new LinkedHashMap<>();

  private LegacyPrimaries(ActorSystem<?> system) {
    this.system = system;
    for (String symbol : symbols(system)) {
      books.put(symbol, system.systemActorOf(BookFront.create(symbol), "legacy-primary-book-"
          + java.net.URLEncoder.encode(symbol, java.nio.charset.StandardCharsets.UTF_8), Props.empty()));
      system.log().error("order book {} runs on this node as its legacy primary, outside cluster "
          + "sharding ({}): a second primary next to the cluster's own; remove the setting", symbol, KEY);
    }
  }

  /** The symbols of {@link #KEY} in {@code system}'s config (empty when unset). */
  public static List<String> symbols(ActorSystem<?> system) {
    var c = system.settings().config();
    return c.hasPath(KEY) ? c.getStringList(KEY) : List.of();
  }

  /**
   * The sharded entity of {@code symbol} on this node: its order book, or when this node runs
   * that book as its legacy primary, a forwarder to that one.
   */
  static Behavior<OrderBook.Command> shardedEntity(ActorSystem<?> system, String symbol) {
    if (!symbols(system).contains(symbol)) {
      return BookFront.create(symbol);
    }
    ActorRef<OrderBook.Command> local = get(system).books.get(symbol);
    return Behaviors.receiveMessage(c -> {
      local.tell(c);
      return Behaviors.same();
    });
  }

  /**
   * Where this node's gateway sends book commands: {@code region} itself, or when {@link #KEY}
   * lists symbols, an actor that passes those to the local books and the rest to {@code region}.
   */
  public static ActorRef<ShardingEnvelope<OrderBook.Command>> route(ActorSystem<?> system,
      ActorRef<ShardingEnvelope<OrderBook.Command>> region) {
    if (symbols(system).isEmpty()) {
      return region;
    }
    Map<String, ActorRef<OrderBook.Command>> local = get(system).books;
    return system.systemActorOf(Behaviors.<ShardingEnvelope<OrderBook.Command>>receiveMessage(env -> {
      ActorRef<OrderBook.Command> book = local.get(env.entityId());
      if (book != null) {
        book.tell(env.message());
      } else {
        region.tell(env);
      }
      return Behaviors.same();
    }), "kabuto-legacy-primaries-" + ROUTES.incrementAndGet(), Props.empty());
  }
}
