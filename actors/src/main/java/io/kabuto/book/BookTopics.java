package io.kabuto.book;

import io.kabuto.CborSerializable;
import io.kabuto.marketdata.MarketDataMessage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The cluster-wide topics the order books publish on after each persisted command: one per
 * symbol for market data, one per participant for the executions of its orders that it did not
 * ask for itself (passive fills, expiries, mass cancels, busts). A node needs one topic actor per
 * name, whether it publishes or subscribes; this extension creates it on first use.
 *
 * <p>Delivery is at most once (Pekko's distributed pub-sub). Market data is sequence-numbered
 * per symbol and a subscriber repairs a gap from the book; executions can be looked up with the
 * order's status.
 */
public final class BookTopics implements Extension {

  /**
   * An event about order {@code orderId} of {@code participant} that was not part of the reply
   * to that participant's own command: the resting side of a trade, an expiry or a phase-change
   * cancel, a cancel by a mass cancel or a kill switch, a trade bust. {@code event} is the book
   * event ({@link OrderBook.EventData}); {@code bookSeq} is the book's {@code Applied} (or
   * {@code Busted}) sequence it was persisted in and {@code index} its position there, so
   * (symbol, bookSeq, index, orderId) identifies it for deduplication (orderId because both
   * sides of a trade share the index and may have one owner).
   *
   * <p>A bust has {@code bustReason != null}: {@code event} is then the busted TRADE itself (as
   * first published; {@code event.tradeId()} names it), which no longer counts: the order's
   * filled quantity is {@code event.qty()} lower. Every other execution has a null reason.
   */
  public record OwnExecution(String symbol, long bookSeq, int index, long orderId, int participant,
      OrderBook.EventData event, String bustReason) implements CborSerializable {}

  public static final class Id extends ExtensionId<BookTopics> {
    @Override
    public BookTopics createExtension(ActorSystem<?> system) {
      return new BookTopics(system);
    }
  }

  public static final Id ID = new Id();

  public static BookTopics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final ActorSystem<?> system;
  private final Map<String, ActorRef<Topic.Command<MarketDataMessage>>> marketData = new ConcurrentHashMap<>();
  private final Map<Integer, ActorRef<Topic.Command<OwnExecution>>> executions = new ConcurrentHashMap<>();

  private volatile ActorRef<Topic.Command<MarketDataMessage>> status;

  private BookTopics(ActorSystem<?> system) {
    this.system = system;
  }

  /** The topic of {@code symbol}'s market data. */
  public ActorRef<Topic.Command<MarketDataMessage>> marketData(String symbol) {
    ActorRef<Topic.Command<MarketDataMessage>> t = marketData.get(symbol);
    if (t != null) return t;
    return marketData.computeIfAbsent(symbol, s -> system.systemActorOf(
        Topic.create(MarketDataMessage.class, "md-" + s),
        // a symbol may hold characters an actor name may not
        "topic-md-" + java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8), Props.empty()));
  }

  /**
   * The trading-session status of every book: the STATUS messages of all symbols' market data
   * (phase changes, halt notices), a few a day. Gateways follow it to push TradingSessionStatus;
   * subscribing to every symbol's market data for that sent them every trade and top of book.
   */
  public ActorRef<Topic.Command<MarketDataMessage>> tradingStatus() {
    ActorRef<Topic.Command<MarketDataMessage>> t = status;
    if (t != null) return t;
    synchronized (this) {
      if (status == null) {
        status = system.systemActorOf(Topic.create(MarketDataMessage.class, "trading-status"),
            "topic-trading-status", Props.empty());
      }
      return status;
    }
  }

  /** The topic of the unsolicited executions of participant {@code participant}'s orders. */
  public ActorRef<Topic.Command<OwnExecution>> executions(int participant) {
    ActorRef<Topic.Command<OwnExecution>> t = executions.get(participant);
    if (t != null) return t;
    return executions.computeIfAbsent(participant, p -> system.systemActorOf(
        Topic.create(OwnExecution.class, "exec-" + p), "topic-exec-" + p, Props.empty()));
  }
}
