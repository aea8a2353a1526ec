package io.kabuto.gateway.fix;

import io.kabuto.book.OrderBook;
import io.kabuto.gateway.OrderIds;
import io.kabuto.gateway.ParticipantSession;
import io.kabuto.matching.CancelReason;
import io.kabuto.matching.EventType;
import io.kabuto.matching.Prices;
import io.kabuto.matching.Side;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import quickfix.SessionID;
import quickfix.field.AvgPx;
import quickfix.field.ClOrdID;
import quickfix.field.CumQty;
import quickfix.field.CxlRejReason;
import quickfix.field.CxlRejResponseTo;
import quickfix.field.ExecID;
import quickfix.field.ExecRefID;
import quickfix.field.ExecType;
import quickfix.field.LastLiquidityInd;
import quickfix.field.LastPx;
import quickfix.field.LastQty;
import quickfix.field.LeavesQty;
import quickfix.field.OrdRejReason;
import quickfix.field.OrdStatus;
import quickfix.field.OrderID;
import quickfix.field.OrderQty;
import quickfix.field.OrigClOrdID;
import quickfix.field.Price;
import quickfix.field.Symbol;
import quickfix.field.Text;
import quickfix.fix44.ExecutionReport;
import quickfix.fix44.OrderCancelReject;

/**
 * Builds the ExecutionReports and OrderCancelRejects of the acceptor, and tracks the orders it
 * reports on ({@link OrderTrack}) for their CumQty, AvgPx and OrdStatus.
 *
 * <p>Two sources, never overlapping: the answer to a broker's own request reports only the
 * events about the order that request concerned ({@link #answer}); every other event about a
 * participant's order (the resting side of a trade, an expiry, a kill switch or mass cancel, a
 * bust) arrives as a {@link ParticipantSession.Execution} from the participant's session
 * ({@link #execution}), whichever gateway node or front-end placed the order.
 *
 * <p>An order this node has not seen (placed through another gateway node or before a restart)
 * is adopted on its first execution from the book's {@link OrderBook.OrderStatus}: its ClOrdID
 * is the one the session knows, else the book order id as text; its CumQty is the order quantity
 * minus its leaves after the event; its AvgPx is known (and reported) only if this node saw
 * every fill of it, i.e. the adopted order had none before, and is 0 otherwise.
 */
final class ExecutionReports {
  private final FixSessions sessions;
  private final ExecIds execIds = new ExecIds();
  /** Book order id -> the order. */
  private final Map<Long, OrderTrack> tracks = new ConcurrentHashMap<>();
  /**
   * One order's reports (its answer, its unsolicited executions, its status) are made under its
   * stripe's lock, so its track is updated and its reports sent in one order; other orders, and
   * every other session of the node, go on in parallel (one node-wide lock serialized them all).
   */
  private final Object[] locks = new Object[64];

  ExecutionReports(FixSessions sessions) {
    this.sessions = sessions;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  private Object lock(long orderId) {
    return locks[(int) (orderId ^ (orderId >>> 32)) & (locks.length - 1)];
  }

  /** Starts tracking a new order; false if it is already tracked (a resend). */
  boolean track(OrderTrack t) {
    return tracks.putIfAbsent(t.orderId, t) == null;
  }

  void untrack(long orderId) {
    tracks.remove(orderId);
  }

  boolean tracked(long orderId) {
    return tracks.containsKey(orderId);
  }

  // ================================================================ the broker's own requests

  /**
   * ExecutionReports for the events of one answer that concern the request's order {@code
   * orderId}, to the requester. The other side of a trade is reported to its owner by {@link
   * #execution} (reporting it here too would report it twice).
   *
   * @param clOrdId the request's ClOrdID
   * @param origClOrdId the replaced/cancelled order's ClOrdID (null for a new order)
   */
  void answer(long orderId, String symbol, List<OrderBook.EventData> events,
      SessionID sid, String clOrdId, String origClOrdId) {
    synchronized (lock(orderId)) {
      answerLocked(orderId, symbol, events, sid, clOrdId, origClOrdId);
    }
  }

  private void answerLocked(long orderId, String symbol, List<OrderBook.EventData> events,
      SessionID sid, String clOrdId, String origClOrdId) {
    for (OrderBook.EventData e : events) {
      if (!e.concerns(orderId)) {
        continue;
      }
      switch (e.type()) {
        case ACCEPTED -> {
          OrderTrack t = tracks.get(orderId);
          if (t != null) {
            sessions.send(withOrder(er(t, ExecIds.answered(symbol, orderId, "N"),
                ExecType.NEW, OrdStatus.NEW), t, null), sid);
          }
        }
        case TRADE -> {
          Side mine = e.orderId() == orderId ? Side.BUY : Side.SELL;
          OrderTrack t = trackOrAdopt(orderId, symbol, mine, clOrdId, e, null);
          sessions.send(fill(t, e, mine), sid);
        }
        case CANCELLED -> {
          OrderTrack t = trackOrAdopt(orderId, symbol, e.sideValue(), clOrdId, e, null);
          CancelReason why = e.cancelReason();
          boolean requested = origClOrdId != null && why == CancelReason.REQUESTED;
          ExecutionReport er = cancelled(t, ExecIds.answered(symbol, orderId, "C"),
              why == null ? "cancelled" : "cancelled: " + why, requested ? origClOrdId : null);
          if (requested) {
            er.set(new ClOrdID(clOrdId));
          }
          sessions.send(er, sid);
        }
        case REPLACED -> {
          OrderTrack t = trackOrAdopt(orderId, symbol, e.sideValue(), clOrdId, e, null);
          t.price = e.price();
          t.qty = e.qty();
          t.leaves = e.leaves();
          t.clOrdId = clOrdId;
          ExecutionReport er = er(t, ExecIds.answered(symbol, orderId, "R" + clOrdId),
              ExecType.REPLACED, t.cum > 0 ? OrdStatus.PARTIALLY_FILLED : OrdStatus.NEW);
          sessions.send(withOrder(er, t, origClOrdId), sid);
        }
        default -> { }
      }
    }
  }

  // ================================================================ unsolicited executions

  /** True if an execution of this order needs the book's order status first (not tracked). */
  boolean needsStatus(ParticipantSession.Execution x) {
    return !tracks.containsKey(x.orderId());
  }

  /**
   * Reports an execution the participant did not ask for to its logged-on session (nothing if
   * it logged out meanwhile: a resend or an OrderStatusRequest tells the state).
   *
   * @param status the book's status of an order this node does not track, or null
   */
  void execution(int participant, ParticipantSession.Execution x,
      OrderBook.OrderStatus status) {
    synchronized (lock(x.orderId())) {
      executionLocked(participant, x, status);
    }
  }

  private void executionLocked(int participant, ParticipantSession.Execution x,
      OrderBook.OrderStatus status) {
    SessionID sid = sessions.loggedOnSession(participant);
    if (sid == null) {
      return;
    }
    OrderBook.EventData e = x.event();
    long orderId = x.orderId();
    if (isBust(x)) {
      sessions.send(bust(x), sid);
      return;
    }
    switch (e.type()) {
      case TRADE -> {
        Side mine = e.orderId() == orderId ? Side.BUY : Side.SELL;
        OrderTrack t = trackOrAdopt(orderId, x.symbol(), mine, x.clOrdId(), e, status);
        sessions.send(fill(t, e, mine), sid);
      }
      case CANCELLED -> {
        OrderTrack t = trackOrAdopt(orderId, x.symbol(), e.sideValue(), x.clOrdId(), e, status);
        CancelReason why = e.cancelReason();
        String text = why == CancelReason.REQUESTED
            ? "cancelled by a kill switch, mass cancel or cancel-on-disconnect"
            : "cancelled: " + why;
        sessions.send(cancelled(t, ExecIds.topicEvent(x.symbol(), x.bookSeq(), x.index(),
            t.side), text, null), sid);
      }
      default -> { } // ACCEPTED/RESTED/REPLACED only ever answer the owner's own request
    }
  }

  /**
   * A trade declared invalid after the fact: the book publishes it with a bust reason, and the
   * event is then the busted TRADE itself.
   */
  static boolean isBust(ParticipantSession.Execution x) {
    return x.bustReason() != null;
  }

  /** ExecType H (Trade Cancel), referring to the fill it cancels by that fill's ExecID. */
  private ExecutionReport bust(ParticipantSession.Execution x) {
    OrderBook.EventData e = x.event();
    Side mine = e.orderId() == x.orderId() ? Side.BUY : Side.SELL;
    OrderTrack t = tracks.get(x.orderId());
    if (t != null) {
      t.cum = Math.max(0, t.cum - e.qty());
      t.notional = Math.max(0, t.notional - e.price() * e.qty());
      t.done = false;
    }
    String fillId = ExecIds.fill(x.symbol(), e.tradeId(), mine);
    ExecutionReport er = t != null ? withOrder(er(t, "BUST-" + fillId, ExecType.TRADE_CANCEL,
        t.ordStatus()), t, null)
        : er(Long.toString(x.orderId()), "BUST-" + fillId, ExecType.TRADE_CANCEL,
            OrdStatus.NEW, ExecutionReports.fixSide(mine), 0, 0, 0);
    if (t == null) {
      er.set(new ClOrdID(x.clOrdId() != null ? x.clOrdId() : Long.toString(x.orderId())));
      er.set(new Symbol(x.symbol()));
    }
    er.set(new ExecRefID(fillId));
    er.set(new LastQty(e.qty()));
    er.set(new LastPx(yen(e.price())));
    er.set(new Text("trade " + e.tradeId() + " busted: " + x.bustReason()));
    return er;
  }

  // ================================================================ building blocks

  private OrderTrack trackOrAdopt(long orderId, String symbol, Side side, String clOrdId,
      OrderBook.EventData e, OrderBook.OrderStatus status) {
    OrderTrack t = tracks.get(orderId);
    if (t != null) {
      return t;
    }
    boolean trade = e.type() == EventType.TRADE;
    long leavesAfter = !trade ? 0 : e.orderId() == orderId ? e.leaves() : e.otherLeaves();
    // Quantity and fills so far: from the book if asked, else from the event (a lower bound).
    long qty;
    long filledBefore;
    long price;
    if (status != null && status.state() != OrderBook.OrderState.UNKNOWN) {
      qty = status.qty();
      price = status.price();
      long cancelled = e.type() == EventType.CANCELLED ? e.leaves() : 0;
      filledBefore = Math.max(0, qty - leavesAfter - cancelled - (trade ? e.qty() : 0));
    } else {
      qty = e.type() == EventType.REPLACED ? e.qty() : leavesAfter + (trade ? e.qty()
          : e.leaves());
      price = e.type() == EventType.REPLACED ? e.price() : 0;
      filledBefore = e.type() == EventType.REPLACED ? e.qty() - e.leaves() : 0;
    }
    t = new OrderTrack(participantOf(orderId), symbol, side == null ? Side.BUY : side, orderId,
        clOrdId != null ? clOrdId : Long.toString(orderId), qty, price);
    t.cum = filledBefore;
    t.leaves = qty - filledBefore;
    t.avgKnown = filledBefore == 0 && (status != null || e.type() != EventType.CANCELLED);
    tracks.put(orderId, t);
    return t;
  }

  private static int participantOf(long orderId) {
    return (int) (orderId >>> 47);
  }

  private ExecutionReport fill(OrderTrack t, OrderBook.EventData e, Side mine) {
    long leaves = mine == Side.BUY ? e.leaves() : e.otherLeaves();
    t.fill(e.qty(), e.price(), leaves);
    ExecutionReport er = er(t, ExecIds.fill(t.symbol, e.tradeId(), mine), ExecType.TRADE,
        leaves == 0 ? OrdStatus.FILLED : OrdStatus.PARTIALLY_FILLED);
    er.set(new LastQty(e.qty()));
    er.set(new LastPx(yen(e.price())));
    if (e.sideValue() != null) { // an auction trade has no aggressor
      er.set(new LastLiquidityInd(e.sideValue() == mine ? LastLiquidityInd.REMOVED_LIQUIDITY
          : LastLiquidityInd.ADDED_LIQUIDITY));
    }
    return withOrder(er, t, null);
  }

  private ExecutionReport cancelled(OrderTrack t, String execId, String text, String orig) {
    t.leaves = 0;
    t.done = true;
    ExecutionReport er = er(t, execId, ExecType.CANCELED, OrdStatus.CANCELED);
    er.set(new Text(text));
    return withOrder(er, t, orig);
  }

  /** One ExecutionReport (ExecType I) with an order's current state, as the book tells it. */
  void status(SessionID sid, OrderBook.OrderStatus st, String clOrdId, String symbol,
      String text) {
    double avg;
    synchronized (lock(st.orderId())) {
      OrderTrack t = tracks.get(st.orderId());
      if (t != null) {
        t.qty = st.qty();
        t.leaves = st.leaves();
      }
      avg = t != null && t.cum == st.filled() ? t.avgPx() : 0;
    }
    char status = switch (st.state()) {
      case FILLED -> OrdStatus.FILLED;
      case CANCELLED -> OrdStatus.CANCELED;
      default -> st.filled() > 0 ? OrdStatus.PARTIALLY_FILLED : OrdStatus.NEW;
    };
    ExecutionReport er = er(Long.toString(st.orderId()), execIds.other(), ExecType.ORDER_STATUS,
        status, fixSide(st.side()), st.leaves(), st.filled(), avg);
    er.set(new ClOrdID(clOrdId));
    er.set(new Symbol(symbol));
    er.set(new OrderQty(st.qty()));
    if (st.price() > 0) {
      er.set(new Price(yen(st.price())));
    }
    er.set(new Text(text));
    sessions.send(er, sid);
  }

  /** ExecType I for an order the book does not know (OrdStatus rejected). */
  void unknownOrder(SessionID sid, String clOrdId, String symbol, char side, String text) {
    ExecutionReport er = er("NONE", execIds.other(), ExecType.ORDER_STATUS, OrdStatus.REJECTED,
        side, 0, 0, 0);
    er.set(new ClOrdID(clOrdId));
    er.set(new Symbol(symbol));
    er.set(new OrdRejReason(OrdRejReason.UNKNOWN_ORDER));
    er.set(new Text(text));
    sessions.send(er, sid);
  }

  void rejected(SessionID sid, String clOrdId, String symbol, char side, int reason,
      String text) {
    ExecutionReport er = er("NONE", execIds.other(), ExecType.REJECTED, OrdStatus.REJECTED,
        side, 0, 0, 0);
    er.set(new ClOrdID(clOrdId));
    if (!symbol.isEmpty()) {
      er.set(new Symbol(symbol));
    }
    er.set(new OrdRejReason(reason));
    er.set(new Text(text));
    sessions.send(er, sid);
  }

  OrderCancelReject cancelReject(int participant, String clOrdId, String orig, char responseTo,
      int reason, String text) {
    OrderTrack t = tracks.get(OrderIds.of(participant, orig));
    char status;
    synchronized (lock(OrderIds.of(participant, orig))) {
      status = t == null ? OrdStatus.REJECTED : t.ordStatus();
    }
    OrderCancelReject ocr = new OrderCancelReject(
        new OrderID(t == null ? "NONE" : Long.toString(t.orderId)), new ClOrdID(clOrdId),
        new OrigClOrdID(orig), new OrdStatus(status), new CxlRejResponseTo(responseTo));
    ocr.set(new CxlRejReason(reason));
    ocr.set(new Text(text));
    return ocr;
  }

  private static ExecutionReport er(OrderTrack t, String execId, char execType, char ordStatus) {
    return er(Long.toString(t.orderId), execId, execType, ordStatus, t.fixSide(), t.leaves,
        t.cum, t.avgPx());
  }

  private static ExecutionReport er(String orderId, String execId, char execType,
      char ordStatus, char side, long leaves, long cum, double avgPx) {
    return new ExecutionReport(new OrderID(orderId), new ExecID(execId), new ExecType(execType),
        new OrdStatus(ordStatus), new quickfix.field.Side(side), new LeavesQty(leaves),
        new CumQty(cum), new AvgPx(avgPx));
  }

  private static ExecutionReport withOrder(ExecutionReport er, OrderTrack t, String orig) {
    er.set(new ClOrdID(t.clOrdId));
    if (orig != null) {
      er.set(new OrigClOrdID(orig));
    }
    er.set(new Symbol(t.symbol));
    er.set(new OrderQty(t.qty));
    if (t.price > 0) {
      er.set(new Price(yen(t.price)));
    }
    return er;
  }

  static double yen(long units) {
    return Double.parseDouble(Prices.format(units));
  }

  static char fixSide(Side s) {
    return s == Side.BUY ? quickfix.field.Side.BUY : quickfix.field.Side.SELL;
  }
}
