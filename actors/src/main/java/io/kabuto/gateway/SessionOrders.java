package io.kabuto.gateway;

import io.kabuto.book.BookTopics;
import io.kabuto.book.OrderBook;
import io.kabuto.gateway.ParticipantSession.Answer;
import io.kabuto.gateway.ParticipantSession.CancelOrder;
import io.kabuto.gateway.ParticipantSession.Command;
import io.kabuto.gateway.ParticipantSession.Execution;
import io.kabuto.gateway.ParticipantSession.GetOrder;
import io.kabuto.gateway.ParticipantSession.NewOrder;
import io.kabuto.gateway.ParticipantSession.ReplaceOrder;
import io.kabuto.gateway.ParticipantSession.Reply;
import io.kabuto.matching.EventType;
import io.kabuto.matching.SelfTradePrevention;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * A {@link ParticipantSession}'s order entry: the pre-trade checks, the participant's ClOrdIDs
 * and what they name, and the book command each request becomes. Runs on the session's actor;
 * the session sends to the books (with retries) and answers.
 *
 * <ul>
 *   <li><b>ClOrdID is idempotent.</b> A ClOrdID maps to a derived book order id
 *       ({@link OrderIds}), so a resend (PossResend, the same ClOrdID again, after a failover,
 *       through another gateway) reaches the same order, and the book answers with its state
 *       instead of creating a second order. The same ClOrdID with other fields is refused.
 *   <li><b>Orders placed through another gateway node.</b> A cancel, replace or lookup of an
 *       OrigClOrdID this node never saw, carrying the symbol, goes to that symbol's book under
 *       the derived order id; the book checks ownership and refuses an unknown order. After a
 *       replace, the order keeps the id of its first ClOrdID, so through another node it is
 *       named by its first ClOrdID.
 *   <li><b>Checks</b> (arrowhead, 2015): the order-rate cap (token bucket) comes before any
 *       other work, then the kill switch, the halt, and hard limits per order (quantity,
 *       notional).
 * </ul>
 */
final class SessionOrders {

  /** What the session remembers of a ClOrdID: the order it names ({@code order} null when it
   * was learned from the book, i.e. placed through another gateway node). */
  private record Known(String symbol, long orderId, NewOrder order) {}

  /** An order's latest ClOrdID and its current price and quantity (after replaces). */
  private record Latest(String clOrdId, long price, long qty) {}

  private final ParticipantSession session;
  private final ActorSystem<?> system;
  private final Participant participant;
  private final TokenBucket rate;
  private final SessionKillSwitch killSwitch;
  /** Books the session saw the participant in (the session's set, shared). */
  private final Set<String> symbolsTouched;
  private final Map<String, Known> orders = new HashMap<>();
  private final Map<Long, Latest> latest = new HashMap<>();
  private final Map<String, Reply> cancelsAndReplaces = new HashMap<>();

  SessionOrders(ParticipantSession session, ActorSystem<?> system, Participant participant,
      TokenBucket rate, SessionKillSwitch killSwitch, Set<String> symbolsTouched) {
    this.session = session;
    this.system = system;
    this.participant = participant;
    this.rate = rate;
    this.killSwitch = killSwitch;
    this.symbolsTouched = symbolsTouched;
  }

  /** A cancel or replace answer, which a resend of its ClOrdID gets again. */
  void remember(String clOrdId, Reply answer) {
    cancelsAndReplaces.put(clOrdId, answer);
  }

  Behavior<Command> onNew(NewOrder o) {
    // The rate cap comes first: a flooding participant costs one token-bucket check per
    // message and no other work, whatever it sends.
    if (!rate.tryTake(System.nanoTime())) {
      return session.refuse(o.replyTo(), o.clOrdId(), GatewayReject.RATE_LIMITED,
          participant.overRateCap());
    }
    if (o.clOrdId() == null || o.clOrdId().isBlank() || o.symbol() == null
        || o.symbol().isBlank()) {
      return session.refuse(o.replyTo(), o.clOrdId(), GatewayReject.INVALID, "ClOrdID and "
          + "symbol are required");
    }
    if (session.busy(false)) {
      return session.refuseBusy(o.replyTo(), o.clOrdId());
    }
    Known known = orders.get(o.clOrdId());
    if (known != null) {
      if (known.order() != null && !sameOrder(known.order(), o)) {
        return session.refuse(o.replyTo(), o.clOrdId(), GatewayReject.DUPLICATE_CLORDID,
            GatewayReject.DUPLICATE_CLORDID.reason() + " (" + known.symbol() + ")");
      }
      // A resend: the book answers with the original order's state (its ids are idempotent;
      // for an order learned from the book, the book compares the fields).
      return session.send(place(o, known.orderId()));
    }
    if (killSwitch.engaged()) {
      return session.refuse(o.replyTo(), o.clOrdId(), GatewayReject.KILL_SWITCH, null);
    }
    String halted = haltReason(o.symbol());
    if (halted != null) {
      return session.refuse(o.replyTo(), o.clOrdId(), GatewayReject.MARKET_HALTED, halted);
    }
    if (o.qty() > participant.maxOrderQty()) {
      return session.refuse(o.replyTo(), o.clOrdId(), GatewayReject.QUANTITY_LIMIT,
          "quantity " + o.qty() + " > limit " + participant.maxOrderQty());
    }
    String overNotional = overNotional(o.price(), o.qty());
    if (overNotional != null) {
      return session.refuse(o.replyTo(), o.clOrdId(), GatewayReject.NOTIONAL_LIMIT, overNotional);
    }
    // trading again after a disconnect: a late retry must not cancel this
    killSwitch.stopMassCancels();
    long orderId = OrderIds.of(participant.id(), o.clOrdId());
    orders.put(o.clOrdId(), new Known(o.symbol(), orderId, o));
    latest.put(orderId, new Latest(o.clOrdId(), o.price(), o.qty()));
    symbolsTouched.add(o.symbol());
    return session.send(place(o, orderId));
  }

  /** Why price x qty is over the participant's notional limit, or null (market orders: null). */
  private String overNotional(long price, long qty) {
    if (price <= 0) {
      return null;
    }
    // Prices are in 0.1-yen units; the notional limit is in yen. Overflow is over any limit.
    long notional;
    try {
      notional = Math.multiplyExact(price, qty) / 10;
    } catch (ArithmeticException e) {
      notional = Long.MAX_VALUE;
    }
    return notional > participant.maxNotional()
        ? "notional " + notional + " yen > limit " + participant.maxNotional() : null;
  }

  private Pending place(NewOrder o, long orderId) {
    return session.pending(o.clOrdId(), o.symbol(), orderId, o.replyTo(), false,
        r -> new OrderBook.PlaceOrder(orderId, participant.id(), o.side(), o.type(), o.tif(),
            o.price(), o.qty(), SelfTradePrevention.NONE, o.time(), r));
  }

  Behavior<Command> onCancel(CancelOrder c) {
    Reply done = cancelsAndReplaces.get(c.clOrdId());
    if (done != null) {
      c.replyTo().tell(done);
      return session;
    }
    if (session.busy(true)) {
      return session.refuseBusy(c.replyTo(), c.clOrdId());
    }
    Known k = orders.get(c.origClOrdId());
    if (k == null) {
      if (!elsewhere(c.origClOrdId(), c.symbol())) {
        return unknown(c.replyTo(), c.clOrdId(), c.origClOrdId());
      }
      // Placed through another gateway node: the book knows it by its derived id and checks
      // that it is this participant's.
      long id = OrderIds.of(participant.id(), c.origClOrdId());
      return session.send(session.pending(c.clOrdId(), c.symbol(), id, c.replyTo(), true,
          r -> new OrderBook.CancelOrder(id, participant.id(), c.time(), r)));
    }
    return session.send(session.pending(c.clOrdId(), k.symbol(), k.orderId(), c.replyTo(), true,
        r -> new OrderBook.CancelOrder(k.orderId(), participant.id(), c.time(), r)));
  }

  Behavior<Command> onReplace(ReplaceOrder c) {
    // A replace is an order message like a new one: the same cap, checked first.
    if (!rate.tryTake(System.nanoTime())) {
      return session.refuse(c.replyTo(), c.clOrdId(), GatewayReject.RATE_LIMITED,
          participant.overRateCap());
    }
    return replace(c);
  }

  private Behavior<Command> replace(ReplaceOrder c) {
    Reply done = cancelsAndReplaces.get(c.clOrdId());
    if (done != null) {
      c.replyTo().tell(done);
      return session;
    }
    if (killSwitch.engaged()) {
      return session.refuse(c.replyTo(), c.clOrdId(), GatewayReject.KILL_SWITCH, null);
    }
    if (session.busy(false)) {
      return session.refuseBusy(c.replyTo(), c.clOrdId());
    }
    Known k = orders.get(c.origClOrdId());
    if (k == null) {
      if (!elsewhere(c.origClOrdId(), c.symbol())) {
        return unknown(c.replyTo(), c.clOrdId(), c.origClOrdId());
      }
      // Learn the order (price, quantity, owner) from its book, then replace it as if known.
      return learn(c.clOrdId(), c.origClOrdId(), c.symbol(), c.replyTo(), status -> replace(c));
    }
    String halted = haltReason(k.symbol());
    if (halted != null) {
      return session.refuse(c.replyTo(), c.clOrdId(), GatewayReject.MARKET_HALTED, halted);
    }
    if (c.newQty() > participant.maxOrderQty()) {
      return session.refuse(c.replyTo(), c.clOrdId(), GatewayReject.QUANTITY_LIMIT,
          "quantity " + c.newQty() + " > limit " + participant.maxOrderQty());
    }
    Latest now = latest.get(k.orderId());
    long price = c.newPrice() > 0 ? c.newPrice() : now.price();
    long qty = c.newQty() > 0 ? c.newQty() : now.qty();
    String overNotional = overNotional(price, qty);
    if (overNotional != null) {
      return session.refuse(c.replyTo(), c.clOrdId(), GatewayReject.NOTIONAL_LIMIT, overNotional);
    }
    killSwitch.stopMassCancels();
    orders.putIfAbsent(c.clOrdId(), k); // the new ClOrdID names the same order from now on
    Pending p = session.pending(c.clOrdId(), k.symbol(), k.orderId(), c.replyTo(), true,
        r -> new OrderBook.ModifyOrder(k.orderId(), participant.id(), price, qty, c.time(), r));
    return session.send(p.withThen(response -> {
      if (response instanceof OrderBook.Accepted) {
        latest.put(k.orderId(), new Latest(c.clOrdId(), price, qty));
      }
      return session.answer(p, response);
    }));
  }

  Behavior<Command> onGet(GetOrder g) {
    Known k = orders.get(g.clOrdId());
    if (k == null) {
      if (!elsewhere(g.clOrdId(), g.symbol())) {
        return session.refuse(g.replyTo(), g.clOrdId(), GatewayReject.UNKNOWN_CLORDID, null);
      }
      return learn(g.clOrdId(), g.clOrdId(), g.symbol(), g.replyTo(), status -> {
        Answer a = new Answer(g.clOrdId(), g.symbol(), status.orderId(), status);
        g.replyTo().tell(a);
        return session;
      });
    }
    return session.send(session.pending(g.clOrdId(), k.symbol(), k.orderId(), g.replyTo(), false,
        r -> new OrderBook.GetOrder(k.orderId(), r)));
  }

  /**
   * An unsolicited execution of one of the participant's orders, named by the order's latest
   * ClOrdID if this node knows it; a replace made elsewhere moves the order's price and
   * quantity here too.
   */
  Execution execution(BookTopics.OwnExecution x) {
    Latest l = latest.get(x.orderId());
    Execution e = new Execution(l == null ? null : l.clOrdId(), x.symbol(), x.orderId(),
        x.event(), x.bookSeq(), x.index(), x.bustReason());
    if (l != null && x.event() != null && x.event().type() == EventType.REPLACED) {
      latest.put(x.orderId(), new Latest(l.clOrdId(), x.event().price(), x.event().qty()));
    }
    return e;
  }

  /** Whether an OrigClOrdID this node does not know may be looked for in {@code symbol}. */
  private static boolean elsewhere(String origClOrdId, String symbol) {
    return origClOrdId != null && !origClOrdId.isEmpty() && symbol != null && !symbol.isBlank();
  }

  private Behavior<Command> unknown(ActorRef<Reply> to, String clOrdId, String origClOrdId) {
    return session.refuse(to, clOrdId, GatewayReject.UNKNOWN_CLORDID, "OrigClOrdID "
        + origClOrdId + ": " + GatewayReject.UNKNOWN_CLORDID.reason() + " on this gateway node "
        + "(for an order placed through another node, send its symbol)");
  }

  /**
   * Asks {@code symbol}'s book for the order that {@code origClOrdId} derives to; if it is this
   * participant's, remembers it and continues with its status, else refuses UNKNOWN_CLORDID.
   */
  private Behavior<Command> learn(String clOrdId, String origClOrdId, String symbol,
      ActorRef<Reply> replyTo, Function<OrderBook.OrderStatus, Behavior<Command>> next) {
    long id = OrderIds.of(participant.id(), origClOrdId);
    Pending p = session.pending(clOrdId, symbol, id, replyTo, false,
        r -> new OrderBook.GetOrder(id, r));
    return session.send(p.withThen(response -> {
      if (response instanceof OrderBook.OrderStatus s && s.state() != OrderBook.OrderState.UNKNOWN
          && s.participant() == participant.id()) {
        orders.putIfAbsent(origClOrdId, new Known(symbol, id, null));
        latest.putIfAbsent(id, new Latest(origClOrdId, s.price(), s.qty()));
        symbolsTouched.add(symbol);
        return next.apply(s);
      }
      if (response instanceof OrderBook.Rejected) {
        return session.answer(p, response); // e.g. no such symbol: the book's reason is the clearest
      }
      return session.refuse(replyTo, clOrdId, GatewayReject.UNKNOWN_CLORDID, "OrigClOrdID "
          + origClOrdId + ": no order of this participant with this ClOrdID in " + symbol
          + "'s book today (after a replace, an order keeps the id of its first ClOrdID: "
          + "name it by that one)");
    }));
  }

  /**
   * Why {@code symbol} is halted on this node (the node's in-memory halt state, kept by its halt
   * applier from Distributed Data: no storage involved), or null.
   */
  private String haltReason(String symbol) {
    var halt = io.kabuto.market.MarketGate.get(system).table().haltFor(symbol);
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
