package io.kabuto.gateway.fix;

import io.kabuto.book.OrderBook;
import io.kabuto.gateway.Gateway;
import io.kabuto.gateway.GatewayReject;
import io.kabuto.gateway.OrderIds;
import io.kabuto.gateway.Participant;
import io.kabuto.gateway.ParticipantSession;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Prices;
import io.kabuto.matching.Reject;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import io.kabuto.persistence.node.Asks;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import quickfix.FieldNotFound;
import quickfix.SessionID;
import quickfix.field.ClOrdID;
import quickfix.field.CxlRejReason;
import quickfix.field.CxlRejResponseTo;
import quickfix.field.OrdRejReason;
import quickfix.field.OrdType;
import quickfix.field.OrderQty;
import quickfix.field.OrigClOrdID;
import quickfix.field.PossDupFlag;
import quickfix.field.PossResend;
import quickfix.field.Price;
import quickfix.field.Symbol;
import quickfix.fix44.MessageCracker;
import quickfix.fix44.NewOrderSingle;
import quickfix.fix44.OrderCancelReplaceRequest;
import quickfix.fix44.OrderCancelRequest;
import quickfix.fix44.OrderStatusRequest;

/**
 * The application messages a broker may send, validated and turned into {@link
 * ParticipantSession} commands; the session's answers go to {@link ExecutionReports}. Messages
 * without an {@code onMessage} here get a BusinessMessageReject from the cracker.
 *
 * <p>A NewOrderSingle with PossDupFlag/PossResend, or whose ClOrdID this acceptor has seen, gets
 * one ExecutionReport with ExecType I (order status) describing the order's current state; the
 * ClOrdID is idempotent in the core, so no second order is created.
 */
final class OrderEntry extends MessageCracker {
  private final ActorSystem<?> system;
  private final Gateway gateway;
  private final FixSessions sessions;
  private final ExecutionReports reports;
  private final Duration askTimeout;

  OrderEntry(ActorSystem<?> system, FixSessions sessions, ExecutionReports reports) {
    this.system = system;
    this.gateway = Gateway.get(system);
    this.sessions = sessions;
    this.reports = reports;
    this.askTimeout = gateway.settings().bookDeadline().plus(gateway.settings().attemptTimeout())
        .plusSeconds(2);
  }

  // ================================================================ new orders

  @Override
  public void onMessage(NewOrderSingle m, SessionID sid) throws FieldNotFound {
    Participant p = sessions.participant(sid);
    String clOrdId = m.getString(ClOrdID.FIELD);
    char sideChar = m.getChar(quickfix.field.Side.FIELD);
    String symbol = m.isSetField(Symbol.FIELD) ? m.getString(Symbol.FIELD).trim() : "";
    Rejections.Rej rej = null;
    Side side = switch (sideChar) {
      case quickfix.field.Side.BUY -> Side.BUY;
      case quickfix.field.Side.SELL -> Side.SELL;
      default -> null;
    };
    OrderType type = switch (m.getChar(OrdType.FIELD)) {
      case OrdType.MARKET -> OrderType.MARKET;
      case OrdType.LIMIT -> OrderType.LIMIT;
      default -> null;
    };
    TimeInForce tif = !m.isSetField(quickfix.field.TimeInForce.FIELD) ? TimeInForce.DAY
        : switch (m.getChar(quickfix.field.TimeInForce.FIELD)) {
          case quickfix.field.TimeInForce.DAY -> TimeInForce.DAY;
          case quickfix.field.TimeInForce.IMMEDIATE_OR_CANCEL -> TimeInForce.IOC;
          case quickfix.field.TimeInForce.FILL_OR_KILL -> TimeInForce.FOK;
          default -> null;
        };
    long qty = 0;
    long price = 0;
    if (symbol.isEmpty()) {
      rej = new Rejections.Rej(OrdRejReason.UNKNOWN_SYMBOL, "Symbol (55) is required");
    } else if (side == null) {
      rej = new Rejections.Rej(OrdRejReason.UNSUPPORTED_ORDER_CHARACTERISTIC,
          "Side " + sideChar + " not supported: 1 (buy) or 2 (sell)");
    } else if (type == null) {
      rej = new Rejections.Rej(OrdRejReason.UNSUPPORTED_ORDER_CHARACTERISTIC,
          "OrdType not supported: 1 (market) or 2 (limit)");
    } else if (tif == null) {
      rej = new Rejections.Rej(OrdRejReason.UNSUPPORTED_ORDER_CHARACTERISTIC,
          "TimeInForce not supported: 0 (day), 3 (IOC) or 4 (FOK)");
    } else if (!m.isSetField(OrderQty.FIELD)) {
      rej = new Rejections.Rej(OrdRejReason.INCORRECT_QUANTITY, "OrderQty (38) is required");
    }
    if (rej == null) {
      try {
        qty = quantity(m.getString(OrderQty.FIELD));
      } catch (IllegalArgumentException e) {
        rej = new Rejections.Rej(OrdRejReason.INCORRECT_QUANTITY, e.getMessage());
      }
    }
    if (rej == null && type == OrderType.LIMIT) {
      if (!m.isSetField(Price.FIELD)) {
        rej = new Rejections.Rej(OrdRejReason.OTHER, "Price (44) is required for a limit order");
      } else {
        try {
          price = Prices.parseYen(m.getString(Price.FIELD));
          if (price <= 0) {
            rej = new Rejections.Rej(OrdRejReason.OTHER, "Price must be positive");
          }
        } catch (RuntimeException e) {
          rej = new Rejections.Rej(OrdRejReason.OTHER, "Price " + m.getString(Price.FIELD)
              + ": not a price in yen with at most one decimal (0.1 yen)");
        }
      }
    }
    if (rej != null) {
      reports.rejected(sid, clOrdId, symbol, sideChar, rej.reason(), rej.text());
      return;
    }
    boolean resend = flag(m.getHeader(), PossDupFlag.FIELD) || flag(m.getHeader(),
        PossResend.FIELD);
    long orderId = OrderIds.of(p.id(), clOrdId);
    boolean known = !reports.track(new OrderTrack(p.id(), symbol, side, orderId, clOrdId, qty,
        price));
    final long q = qty;
    final long px = price;
    ask(p, r -> new ParticipantSession.NewOrder(clOrdId, symbol, side, type, tif, px, q,
        System.currentTimeMillis(), r)).whenComplete((reply, failure) -> {
          if (reply instanceof ParticipantSession.Answer a
              && a.book() instanceof OrderBook.Accepted acc) {
            if (resend || known) {
              sendStatus(sid, p, clOrdId, symbol, sideChar);
            } else {
              reports.answer(a.orderId(), a.symbol(), acc.events(), sid, clOrdId, null);
            }
          } else {
            if (!known) {
              reports.untrack(orderId);
            }
            Rejections.Rej r = Rejections.of(reply, failure);
            reports.rejected(sid, clOrdId, symbol, sideChar, r.reason(), r.text());
          }
        });
  }

  /** A positive whole number of shares. */
  static long quantity(String text) {
    BigDecimal d;
    try {
      d = new BigDecimal(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("OrderQty " + text + " is not a number");
    }
    if (d.signum() <= 0) {
      throw new IllegalArgumentException("OrderQty must be positive, got " + text);
    }
    try {
      return d.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("OrderQty " + text + " is not a whole number of shares "
          + "or is too large");
    }
  }

  private static boolean flag(quickfix.FieldMap m, int tag) {
    try {
      return m.isSetField(tag) && m.getBoolean(tag);
    } catch (FieldNotFound | RuntimeException e) {
      return false;
    }
  }

  /** A resend: one ExecutionReport (ExecType I) with the order's current state. */
  private void sendStatus(SessionID sid, Participant p, String clOrdId, String symbol,
      char sideChar) {
    ask(p, r -> new ParticipantSession.GetOrder(clOrdId, symbol, r)).whenComplete((reply, failure) -> {
      if (reply instanceof ParticipantSession.Answer a
          && a.book() instanceof OrderBook.OrderStatus st
          && st.state() != OrderBook.OrderState.UNKNOWN) {
        reports.status(sid, st, clOrdId, symbol,
            "order status (resend of ClOrdID " + clOrdId + ": no new order)");
      } else {
        Rejections.Rej r = Rejections.of(reply, failure);
        reports.rejected(sid, clOrdId, symbol, sideChar, r.reason(), r.text());
      }
    });
  }

  // ================================================================ order status

  /**
   * OrderStatusRequest (35=H): ExecType I with the order's state, asked of the book directly by
   * the order id derived from the ClOrdID, so it answers for orders placed through any gateway
   * node (a broker reconciling after a failover). An order the book does not know today gets
   * ExecType I with OrdStatus rejected.
   */
  @Override
  public void onMessage(OrderStatusRequest m, SessionID sid) throws FieldNotFound {
    Participant p = sessions.participant(sid);
    String clOrdId = m.getString(ClOrdID.FIELD);
    String symbol = m.getString(Symbol.FIELD).trim();
    char sideChar = m.getChar(quickfix.field.Side.FIELD);
    long orderId = OrderIds.of(p.id(), clOrdId);
    Asks.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>askOnDispatcher(
        gateway.books(), r -> new ShardingEnvelope<>(symbol, new OrderBook.GetOrder(orderId, r)),
        askTimeout, system).whenComplete((resp, failure) -> {
          if (resp instanceof OrderBook.OrderStatus st
              && st.state() != OrderBook.OrderState.UNKNOWN && st.participant() == p.id()) {
            reports.status(sid, st, clOrdId, symbol, "order status");
          } else if (failure != null || resp == null) {
            reports.unknownOrder(sid, clOrdId, symbol, sideChar, "EXCHANGE_UNAVAILABLE: "
                + GatewayReject.EXCHANGE_UNAVAILABLE.reason() + "; ask again");
          } else {
            reports.unknownOrder(sid, clOrdId, symbol, sideChar, "no order with ClOrdID "
                + clOrdId + " in " + symbol + " today");
          }
        });
  }

  // ================================================================ cancel / replace

  @Override
  public void onMessage(OrderCancelRequest m, SessionID sid) throws FieldNotFound {
    Participant p = sessions.participant(sid);
    String clOrdId = m.getString(ClOrdID.FIELD);
    String orig = m.getString(OrigClOrdID.FIELD);
    // The symbol lets a gateway node that never saw the order reach it (placed elsewhere).
    String symbol = m.isSetField(Symbol.FIELD) ? m.getString(Symbol.FIELD) : null;
    ask(p, r -> new ParticipantSession.CancelOrder(clOrdId, orig, symbol,
        System.currentTimeMillis(), r))
        .whenComplete((reply, failure) -> {
          if (reply instanceof ParticipantSession.Answer a
              && a.book() instanceof OrderBook.Accepted acc) {
            reports.answer(a.orderId(), a.symbol(), acc.events(), sid, clOrdId, orig);
          } else {
            cancelReject(sid, p, clOrdId, orig, CxlRejResponseTo.ORDER_CANCEL_REQUEST, reply,
                failure);
          }
        });
  }

  @Override
  public void onMessage(OrderCancelReplaceRequest m, SessionID sid) throws FieldNotFound {
    Participant p = sessions.participant(sid);
    String clOrdId = m.getString(ClOrdID.FIELD);
    String orig = m.getString(OrigClOrdID.FIELD);
    long price = 0;
    long qty = 0;
    String problem = null;
    try {
      if (m.isSetField(Price.FIELD)) {
        price = Prices.parseYen(m.getString(Price.FIELD));
        if (price <= 0) {
          problem = "Price must be positive";
        }
      }
      if (m.isSetField(OrderQty.FIELD)) {
        qty = quantity(m.getString(OrderQty.FIELD));
      }
    } catch (RuntimeException e) {
      problem = e.getMessage();
    }
    if (problem == null && price == 0 && qty == 0) {
      problem = "nothing to replace: give a new Price (44) and/or OrderQty (38)";
    }
    if (problem != null) {
      sessions.send(reports.cancelReject(p.id(), clOrdId, orig,
          CxlRejResponseTo.ORDER_CANCEL_REPLACE_REQUEST, CxlRejReason.OTHER, problem), sid);
      return;
    }
    final long px = price;
    final long q = qty;
    String symbol = m.isSetField(Symbol.FIELD) ? m.getString(Symbol.FIELD) : null;
    ask(p, r -> new ParticipantSession.ReplaceOrder(clOrdId, orig, symbol, px, q,
        System.currentTimeMillis(), r)).whenComplete((reply, failure) -> {
          if (reply instanceof ParticipantSession.Answer a
              && a.book() instanceof OrderBook.Accepted acc) {
            reports.answer(a.orderId(), a.symbol(), acc.events(), sid, clOrdId, orig);
          } else {
            cancelReject(sid, p, clOrdId, orig, CxlRejResponseTo.ORDER_CANCEL_REPLACE_REQUEST,
                reply, failure);
          }
        });
  }

  private void cancelReject(SessionID sid, Participant p, String clOrdId, String orig,
      char responseTo, ParticipantSession.Reply reply, Throwable failure) {
    Rejections.Rej r = Rejections.of(reply, failure);
    int reason = CxlRejReason.OTHER;
    if (reply instanceof ParticipantSession.Refused f
        && f.code() == GatewayReject.UNKNOWN_CLORDID) {
      reason = CxlRejReason.UNKNOWN_ORDER;
    } else if (reply instanceof ParticipantSession.Answer a
        && a.book() instanceof OrderBook.Rejected bk && bk.code() == Reject.UNKNOWN_ORDER) {
      // Not live on the book: too late if this node saw the order, else (named by symbol for
      // an order placed elsewhere, or never placed) the book cannot tell, so unknown.
      reason = reports.tracked(a.orderId()) ? CxlRejReason.TOO_LATE_TO_CANCEL
          : CxlRejReason.UNKNOWN_ORDER;
    }
    sessions.send(reports.cancelReject(p.id(), clOrdId, orig, responseTo, reason, r.text()),
        sid);
  }

  // ================================================================ plumbing

  private CompletionStage<ParticipantSession.Reply> ask(Participant p,
      Function<ActorRef<ParticipantSession.Reply>, ParticipantSession.Command> request) {
    return Asks.askOnDispatcher(gateway.session(p), request::apply, askTimeout, system);
  }
}
