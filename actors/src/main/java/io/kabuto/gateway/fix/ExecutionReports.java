package io.kabuto.gateway.fix;

import io.kabuto.book.OrderBook;
import io.kabuto.gateway.OrderIds;
import io.kabuto.matching.CancelReason;
import io.kabuto.matching.Prices;
import io.kabuto.matching.Side;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import quickfix.Message;
import quickfix.SessionID;
import quickfix.field.AvgPx;
import quickfix.field.ClOrdID;
import quickfix.field.CumQty;
import quickfix.field.CxlRejReason;
import quickfix.field.CxlRejResponseTo;
import quickfix.field.ExecID;
import quickfix.field.ExecType;
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
 * Builds the ExecutionReports and OrderCancelRejects of the acceptor, and tracks the orders
 * placed through it ({@link OrderTrack}) for their CumQty, AvgPx and OrdStatus.
 */
final class ExecutionReports {
  private final FixSessions sessions;
  /** Book order id -> the order, placed through this acceptor. */
  private final Map<Long, OrderTrack> tracks = new ConcurrentHashMap<>();
  private final AtomicLong execIds = new AtomicLong();
  private final String execIdPrefix = Long.toString(System.currentTimeMillis(), 36) + "-";

  ExecutionReports(FixSessions sessions) {
    this.sessions = sessions;
  }

  /** Starts tracking a new order; false if it is already tracked (a resend). */
  boolean track(OrderTrack t) {
    return tracks.putIfAbsent(t.orderId, t) == null;
  }

  boolean tracked(long orderId) {
    return tracks.containsKey(orderId);
  }

  void untrack(long orderId) {
    tracks.remove(orderId);
  }

  /**
   * ExecutionReports for the events of one answer, to the owners of the orders they concern
   * (the requester, and the resting side of a trade when its owner is logged on here).
   *
   * @param clOrdId the request's ClOrdID
   * @param origClOrdId the replaced/cancelled order's ClOrdID (null for a new order)
   */
  synchronized void answer(List<OrderBook.EventData> events, SessionID sid, String clOrdId,
      String origClOrdId) {
    for (OrderBook.EventData e : events) {
      switch (e.type()) {
        case ACCEPTED -> {
          OrderTrack t = tracks.get(e.orderId());
          if (t != null) {
            FixSessions.send(withOrder(er(t, ExecType.NEW, OrdStatus.NEW), t, null), sid);
          }
        }
        case TRADE -> {
          fill(tracks.get(e.orderId()), e, e.leaves());
          fill(tracks.get(e.otherOrderId()), e, e.otherLeaves());
        }
        case CANCELLED -> {
          OrderTrack t = tracks.get(e.orderId());
          if (t != null) {
            t.leaves = 0;
            t.done = true;
            ExecutionReport er = er(t, ExecType.CANCELED, OrdStatus.CANCELED);
            CancelReason why = e.cancelReason();
            er.set(new Text(why == null ? "cancelled" : "cancelled: " + why));
            boolean requested = origClOrdId != null && why == CancelReason.REQUESTED;
            withOrder(er, t, requested ? origClOrdId : null);
            if (requested) {
              er.set(new ClOrdID(clOrdId));
            }
            sendToOwner(er, t, sid);
          }
        }
        case REPLACED -> {
          OrderTrack t = tracks.get(e.orderId());
          if (t != null) {
            t.price = e.price();
            t.qty = e.qty();
            t.leaves = e.leaves();
            t.clOrdId = clOrdId;
            ExecutionReport er = er(t, ExecType.REPLACED,
                t.cum > 0 ? OrdStatus.PARTIALLY_FILLED : OrdStatus.NEW);
            FixSessions.send(withOrder(er, t, origClOrdId), sid);
          }
        }
        default -> { }
      }
    }
  }

  private void fill(OrderTrack t, OrderBook.EventData e, long leaves) {
    if (t == null) {
      return;
    }
    t.fill(e.qty(), e.price(), leaves);
    ExecutionReport er = er(t, ExecType.TRADE,
        leaves == 0 ? OrdStatus.FILLED : OrdStatus.PARTIALLY_FILLED);
    er.set(new LastQty(e.qty()));
    er.set(new LastPx(yen(e.price())));
    sendToOwner(withOrder(er, t, null), t, null);
  }

  private void sendToOwner(Message m, OrderTrack t, SessionID fallback) {
    SessionID owner = sessions.loggedOnSession(t.participant);
    if (owner != null) {
      FixSessions.send(m, owner);
    } else if (fallback != null) {
      FixSessions.send(m, fallback);
    }
  }

  /** One ExecutionReport (ExecType I) with an order's current state, as the book tells it. */
  void status(SessionID sid, OrderBook.OrderStatus st, String clOrdId, String symbol,
      char sideChar) {
    OrderTrack t;
    double avg;
    synchronized (this) {
      t = tracks.get(st.orderId());
      if (t != null) {
        t.qty = st.qty();
        t.leaves = st.leaves();
      }
      avg = t != null && t.cum > 0 ? t.avgPx() : 0;
    }
    char status = switch (st.state()) {
      case FILLED -> OrdStatus.FILLED;
      case CANCELLED -> OrdStatus.CANCELED;
      default -> st.filled() > 0 ? OrdStatus.PARTIALLY_FILLED : OrdStatus.NEW;
    };
    ExecutionReport er = er(Long.toString(st.orderId()), ExecType.ORDER_STATUS, status,
        sideChar, st.leaves(), st.filled(), avg);
    er.set(new ClOrdID(clOrdId));
    er.set(new Symbol(symbol));
    er.set(new OrderQty(st.qty()));
    if (st.price() > 0) {
      er.set(new Price(yen(st.price())));
    }
    er.set(new Text("order status (resend of ClOrdID " + clOrdId + ": no new order)"));
    FixSessions.send(er, sid);
  }

  void rejected(SessionID sid, String clOrdId, String symbol, char side, int reason,
      String text) {
    ExecutionReport er = er("NONE", ExecType.REJECTED, OrdStatus.REJECTED, side, 0, 0, 0);
    er.set(new ClOrdID(clOrdId));
    if (!symbol.isEmpty()) {
      er.set(new Symbol(symbol));
    }
    er.set(new OrdRejReason(reason));
    er.set(new Text(text));
    FixSessions.send(er, sid);
  }

  OrderCancelReject cancelReject(int participant, String clOrdId, String orig, char responseTo,
      int reason, String text) {
    OrderTrack t = tracks.get(OrderIds.of(participant, orig));
    char status;
    synchronized (this) {
      status = t == null ? OrdStatus.REJECTED : t.done ? (t.leaves == 0 && t.cum == t.qty
          ? OrdStatus.FILLED : OrdStatus.CANCELED)
          : t.cum > 0 ? OrdStatus.PARTIALLY_FILLED : OrdStatus.NEW;
    }
    OrderCancelReject ocr = new OrderCancelReject(
        new OrderID(t == null ? "NONE" : Long.toString(t.orderId)), new ClOrdID(clOrdId),
        new OrigClOrdID(orig), new OrdStatus(status), new CxlRejResponseTo(responseTo));
    ocr.set(new CxlRejReason(reason));
    ocr.set(new Text(text));
    return ocr;
  }

  private ExecutionReport er(OrderTrack t, char execType, char ordStatus) {
    return er(Long.toString(t.orderId), execType, ordStatus, t.fixSide(), t.leaves, t.cum,
        t.avgPx());
  }

  private ExecutionReport er(String orderId, char execType, char ordStatus, char side,
      long leaves, long cum, double avgPx) {
    return new ExecutionReport(new OrderID(orderId),
        new ExecID(execIdPrefix + execIds.incrementAndGet()), new ExecType(execType),
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
