package io.kabuto.gateway;

import io.kabuto.CborSerializable;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * One participant's session on a gateway node: the actor that owns the participant's state
 * (its ClOrdIDs, its protections) and talks to the order books for it.
 *
 * <ul>
 *   <li><b>ClOrdID is idempotent.</b> A ClOrdID maps to a derived book order id
 *       ({@link OrderIds}), so a resend (PossResend, the same ClOrdID again, after a failover,
 *       through another gateway) reaches the same order, and the book answers with its state
 *       instead of creating a second order. The same ClOrdID with other fields is refused.
 *   <li><b>Failover is latency, not loss.</b> While a book is failing over, a request is retried
 *       with the same order id every {@code attempt-timeout} until {@code book-deadline}; only
 *       then is it refused with EXCHANGE_UNAVAILABLE (its state is then unknown, and a resend
 *       tells it).
 *   <li><b>Protections</b> (arrowhead, 2015): an order-rate cap (token bucket), hard limits per
 *       order (quantity, notional), cancel-on-disconnect, and a kill switch that cancels every
 *       order this session knows and refuses new ones until released.
 *   <li>A participant can only touch its own orders: the books check the participant id on
 *       cancel and modify, and ClOrdIDs are looked up in this participant's map only.
 * </ul>
 */
public final class ParticipantSession extends AbstractBehavior<ParticipantSession.Command> {

  public interface Command extends CborSerializable {}

  public record NewOrder(String clOrdId, String symbol, Side side, OrderType type,
      TimeInForce tif, long price, long qty, long time, ActorRef<Reply> replyTo)
      implements Command {}

  public record CancelOrder(String clOrdId, String origClOrdId, long time,
      ActorRef<Reply> replyTo) implements Command {}

  /** New limit price (0 = keep) and new total quantity (0 = keep) of a live order. */
  public record ReplaceOrder(String clOrdId, String origClOrdId, long newPrice, long newQty,
      long time, ActorRef<Reply> replyTo) implements Command {}

  public record GetOrder(String clOrdId, ActorRef<Reply> replyTo) implements Command {}

  /** Engage (cancel everything, refuse new orders) or release the kill switch. */
  public record KillSwitch(boolean engage, long time, ActorRef<Reply> replyTo)
      implements Command {}

  /** The participant's connection dropped (FIX logout/disconnect, WebSocket closed). */
  public record Disconnected(long time) implements Command {}

  /**
   * Also send every later reply of this session (from any front-end) to {@code subscriber}, until
   * it stops or unsubscribes: the HTTP gateway's WebSocket execution stream.
   */
  public record Subscribe(ActorRef<Reply> subscriber) implements Command {}

  public record Unsubscribe(ActorRef<Reply> subscriber) implements Command {}

  private record BookAnswered(Pending pending, OrderBook.Response response, Throwable failure)
      implements Command {}

  private record Retry(Pending pending) implements Command {}

  /** What the session answers. */
  public sealed interface Reply extends CborSerializable {
    String clOrdId();
  }

  /** The book's answer ({@code OrderBook.Accepted}, {@code Rejected}, {@code OrderStatus}). */
  public record Answer(String clOrdId, String symbol, long orderId, OrderBook.Response book)
      implements Reply {}

  /** Refused by the gateway; the book was not asked (or did not answer in time). */
  public record Refused(String clOrdId, GatewayReject code, String reason) implements Reply {}

  /** The kill switch changed; {@code cancelled} live orders were sent a cancel. */
  public record KillSwitchState(String clOrdId, boolean engaged, int cancelled) implements Reply {}

  /**
   * An event about one of the participant's orders that no request of this session asked for:
   * the resting side of a trade, an expiry, a cancel by a kill switch or mass cancel on any
   * gateway, a trade bust. {@code clOrdId} is the order's ClOrdID if this gateway node knows it
   * (the order was placed or replaced through it), else null. {@code (symbol, bookSeq, index)}
   * identifies the event.
   */
  public record Execution(String clOrdId, String symbol, long orderId, OrderBook.EventData event,
      long bookSeq, int index) implements Reply {}

  /** What the session remembers of a ClOrdID: the order it names. */
  private record Known(String symbol, long orderId, NewOrder order) {}

  /** {@code remember}: a cancel or replace, whose answer a resend of its ClOrdID gets again. */
  private record Pending(String clOrdId, String symbol, long orderId,
      Function<ActorRef<OrderBook.Response>, OrderBook.Command> command, ActorRef<Reply> replyTo,
      long deadlineNanos, int attempt, boolean remember) {
    Pending next() {
      return new Pending(clOrdId, symbol, orderId, command, replyTo, deadlineNanos, attempt + 1,
          remember);
    }
  }

  public static Behavior<Command> create(Participant participant, GatewaySettings settings,
      ActorRef<ShardingEnvelope<OrderBook.Command>> books) {
    return Behaviors.setup(ctx -> new ParticipantSession(ctx, participant, settings, books));
  }

  private final Participant participant;
  private final GatewaySettings settings;
  private final ActorRef<ShardingEnvelope<OrderBook.Command>> books;
  private final TokenBucket rate;
  private final Map<String, Known> orders = new HashMap<>();
  private final Map<String, Reply> cancelsAndReplaces = new HashMap<>();
  private boolean killed;
  private final java.util.Set<ActorRef<Reply>> subscribers = new java.util.HashSet<>();

  private ParticipantSession(ActorContext<Command> ctx, Participant participant,
      GatewaySettings settings, ActorRef<ShardingEnvelope<OrderBook.Command>> books) {
    super(ctx);
    this.participant = participant;
    this.settings = settings;
    this.books = books;
    this.rate = new TokenBucket(participant.ratePerSecond(), participant.ratePerSecond(),
        System.nanoTime());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NewOrder.class, this::onNew)
        .onMessage(CancelOrder.class, this::onCancel)
        .onMessage(ReplaceOrder.class, this::onReplace)
        .onMessage(GetOrder.class, this::onGet)
        .onMessage(KillSwitch.class, this::onKillSwitch)
        .onMessage(Disconnected.class, this::onDisconnected)
        .onMessage(BookAnswered.class, this::onBookAnswered)
        .onMessage(Retry.class, r -> send(r.pending()))
        .onMessage(Subscribe.class, s -> {
          if (subscribers.add(s.subscriber())) {
            getContext().watchWith(s.subscriber(), new Unsubscribe(s.subscriber()));
          }
          return this;
        })
        .onMessage(Unsubscribe.class, u -> {
          subscribers.remove(u.subscriber());
          return this;
        })
        .build();
  }

  private Behavior<Command> onNew(NewOrder o) {
    if (o.clOrdId() == null || o.clOrdId().isBlank() || o.symbol() == null
        || o.symbol().isBlank()) {
      return refuse(o.replyTo(), o.clOrdId(), GatewayReject.INVALID, "ClOrdID and symbol are "
          + "required");
    }
    Known known = orders.get(o.clOrdId());
    if (known != null) {
      if (!sameOrder(known.order(), o)) {
        return refuse(o.replyTo(), o.clOrdId(), GatewayReject.DUPLICATE_CLORDID,
            GatewayReject.DUPLICATE_CLORDID.reason() + " (" + known.symbol() + ")");
      }
      // A resend: the book answers with the original order's state (its ids are idempotent).
      return send(place(o, known.orderId()));
    }
    if (killed) {
      return refuse(o.replyTo(), o.clOrdId(), GatewayReject.KILL_SWITCH, null);
    }
    String halted = haltReason(o.symbol());
    if (halted != null) {
      return refuse(o.replyTo(), o.clOrdId(), GatewayReject.MARKET_HALTED, halted);
    }
    if (!rate.tryTake(System.nanoTime())) {
      return refuse(o.replyTo(), o.clOrdId(), GatewayReject.RATE_LIMITED,
          "more than " + (long) participant.ratePerSecond() + " orders per second");
    }
    if (o.qty() > participant.maxOrderQty()) {
      return refuse(o.replyTo(), o.clOrdId(), GatewayReject.QUANTITY_LIMIT,
          "quantity " + o.qty() + " > limit " + participant.maxOrderQty());
    }
    // Prices are in 0.1-yen units; the notional limit is in yen. Overflow is over any limit.
    if (o.price() > 0) {
      long notional;
      try {
        notional = Math.multiplyExact(o.price(), o.qty()) / 10;
      } catch (ArithmeticException e) {
        notional = Long.MAX_VALUE;
      }
      if (notional > participant.maxNotional()) {
        return refuse(o.replyTo(), o.clOrdId(), GatewayReject.NOTIONAL_LIMIT,
            "notional " + notional + " yen > limit " + participant.maxNotional());
      }
    }
    long orderId = OrderIds.of(participant.id(), o.clOrdId());
    orders.put(o.clOrdId(), new Known(o.symbol(), orderId, o));
    return send(place(o, orderId));
  }

  private Pending place(NewOrder o, long orderId) {
    return pending(o.clOrdId(), o.symbol(), orderId, o.replyTo(), false,
        r -> new OrderBook.PlaceOrder(orderId, participant.id(), o.side(), o.type(), o.tif(),
            o.price(), o.qty(), SelfTradePrevention.NONE, o.time(), r));
  }

  private Behavior<Command> onCancel(CancelOrder c) {
    Reply done = cancelsAndReplaces.get(c.clOrdId());
    if (done != null) {
      c.replyTo().tell(done);
      return this;
    }
    Known k = orders.get(c.origClOrdId());
    if (k == null) {
      return refuse(c.replyTo(), c.clOrdId(), GatewayReject.UNKNOWN_CLORDID,
          "OrigClOrdID " + c.origClOrdId() + ": " + GatewayReject.UNKNOWN_CLORDID.reason());
    }
    return send(pending(c.clOrdId(), k.symbol(), k.orderId(), c.replyTo(), true,
        r -> new OrderBook.CancelOrder(k.orderId(), participant.id(), c.time(), r)));
  }

  private Behavior<Command> onReplace(ReplaceOrder c) {
    Reply done = cancelsAndReplaces.get(c.clOrdId());
    if (done != null) {
      c.replyTo().tell(done);
      return this;
    }
    Known k = orders.get(c.origClOrdId());
    if (k == null) {
      return refuse(c.replyTo(), c.clOrdId(), GatewayReject.UNKNOWN_CLORDID,
          "OrigClOrdID " + c.origClOrdId() + ": " + GatewayReject.UNKNOWN_CLORDID.reason());
    }
    String halted = haltReason(k.symbol());
    if (halted != null) {
      return refuse(c.replyTo(), c.clOrdId(), GatewayReject.MARKET_HALTED, halted);
    }
    if (c.newQty() > participant.maxOrderQty()) {
      return refuse(c.replyTo(), c.clOrdId(), GatewayReject.QUANTITY_LIMIT,
          "quantity " + c.newQty() + " > limit " + participant.maxOrderQty());
    }
    orders.putIfAbsent(c.clOrdId(), k); // the new ClOrdID names the same order from now on
    long price = c.newPrice() > 0 ? c.newPrice() : k.order().price();
    long qty = c.newQty() > 0 ? c.newQty() : k.order().qty();
    return send(pending(c.clOrdId(), k.symbol(), k.orderId(), c.replyTo(), true,
        r -> new OrderBook.ModifyOrder(k.orderId(), participant.id(), price, qty, c.time(), r)));
  }

  private Behavior<Command> onGet(GetOrder g) {
    Known k = orders.get(g.clOrdId());
    if (k == null) {
      return refuse(g.replyTo(), g.clOrdId(), GatewayReject.UNKNOWN_CLORDID, null);
    }
    return send(pending(g.clOrdId(), k.symbol(), k.orderId(), g.replyTo(), false,
        r -> new OrderBook.GetOrder(k.orderId(), r)));
  }

  private Behavior<Command> onKillSwitch(KillSwitch k) {
    killed = k.engage();
    int cancelled = k.engage() ? cancelAll(k.time()) : 0;
    getContext().getLog().warn("participant {}: kill switch {}{}", participant.name(),
        k.engage() ? "ENGAGED" : "released",
        k.engage() ? ", cancel sent for " + cancelled + " orders" : "");
    if (k.replyTo() != null) {
      k.replyTo().tell(new KillSwitchState(null, killed, cancelled));
    }
    return this;
  }

  private Behavior<Command> onDisconnected(Disconnected d) {
    if (participant.cancelOnDisconnect()) {
      int n = cancelAll(d.time());
      getContext().getLog().info("participant {} disconnected: cancel-on-disconnect sent {} "
          + "cancels", participant.name(), n);
    }
    return this;
  }

  /** Sends a cancel for every order this session placed; dead ones are refused by the book. */
  private int cancelAll(long time) {
    int n = 0;
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (Known k : orders.values()) {
      if (!seen.add(k.orderId())) {
        continue; // a replace's ClOrdID names the same order
      }
      books.tell(new ShardingEnvelope<>(k.symbol(), new OrderBook.CancelOrder(k.orderId(),
          participant.id(), time, getContext().getSystem().ignoreRef())));
      n++;
    }
    return n;
  }

  // ---------------------------------------------------------------- the book, with retries

  private Pending pending(String clOrdId, String symbol, long orderId, ActorRef<Reply> replyTo,
      boolean remember, Function<ActorRef<OrderBook.Response>, OrderBook.Command> command) {
    return new Pending(clOrdId, symbol, orderId, command, replyTo,
        System.nanoTime() + settings.bookDeadline().toNanos(), 1, remember);
  }

  private Behavior<Command> send(Pending p) {
    getContext().ask(OrderBook.Response.class, books, settings.attemptTimeout(),
        r -> new ShardingEnvelope<>(p.symbol(), p.command().apply(r)),
        (response, failure) -> new BookAnswered(p, response, failure));
    return this;
  }

  private Behavior<Command> onBookAnswered(BookAnswered a) {
    Pending p = a.pending();
    if (a.failure() != null) {
      if (System.nanoTime() < p.deadlineNanos()) {
        // The book is failing over: the same request (same order id) again.
        getContext().getSelf().tell(new Retry(p.next()));
        return this;
      }
      return refuse(p.replyTo(), p.clOrdId(), GatewayReject.EXCHANGE_UNAVAILABLE,
          GatewayReject.EXCHANGE_UNAVAILABLE.reason() + " (" + p.attempt() + " attempts in "
              + settings.bookDeadline() + ")");
    }
    Answer answer = new Answer(p.clOrdId(), p.symbol(), p.orderId(), a.response());
    if (p.remember()) {
      cancelsAndReplaces.put(p.clOrdId(), answer);
    }
    if (p.replyTo() != null) {
      p.replyTo().tell(answer);
    }
    subscribers.forEach(s -> s.tell(answer));
    return this;
  }

  private Behavior<Command> refuse(ActorRef<Reply> to, String clOrdId, GatewayReject code,
      String reason) {
    Refused refused = new Refused(clOrdId, code, reason == null ? code.reason() : reason);
    if (to != null) {
      to.tell(refused);
    }
    subscribers.forEach(s -> s.tell(refused));
    return this;
  }

  /**
   * Why {@code symbol} is halted on this node (the node's in-memory halt state, kept by its halt
   * applier from Distributed Data: no storage involved), or null.
   */
  private String haltReason(String symbol) {
    var halt = io.kabuto.market.MarketGate.get(getContext().getSystem()).table().haltFor(symbol);
    return halt.halted()
        ? GatewayReject.MARKET_HALTED.reason() + (halt.reason() == null || halt.reason().isBlank()
            ? "" : " (" + halt.reason() + ")")
        : null;
  }

  private static boolean sameOrder(NewOrder a, NewOrder b) {
    return Objects.equals(a.symbol(), b.symbol()) && a.side() == b.side()
        && a.type() == b.type() && a.tif() == b.tif() && a.price() == b.price()
        && a.qty() == b.qty();
  }
}
