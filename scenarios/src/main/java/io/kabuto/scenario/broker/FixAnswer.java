package io.kabuto.scenario.broker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.gateway.GatewayReject;
import io.kabuto.matching.Prices;
import io.kabuto.matching.Reject;
import io.kabuto.scenario.history.History;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import quickfix.FieldNotFound;
import quickfix.Message;
import quickfix.field.ClOrdID;
import quickfix.field.CumQty;
import quickfix.field.ExecID;
import quickfix.field.ExecType;
import quickfix.field.LastLiquidityInd;
import quickfix.field.LastPx;
import quickfix.field.LastQty;
import quickfix.field.LeavesQty;
import quickfix.field.MsgType;
import quickfix.field.OrdStatus;
import quickfix.field.OrderID;
import quickfix.field.OrderQty;
import quickfix.field.Price;
import quickfix.field.Side;
import quickfix.field.Symbol;
import quickfix.field.Text;

/**
 * The answer to one FIX request, gathered from the reports the gateway sends, and rendered as the
 * HTTP gateway would have answered the same request (status code and JSON body), which is what
 * the history and the checker read.
 *
 * <p>FIX does not mark where the answer to a NewOrderSingle ends, so: its ExecutionReports are
 * the New, the fills in which the order removed liquidity (LastLiquidityInd 2: the order was the
 * aggressor, so the fill is from the command that placed it; a later fill of the resting order
 * added liquidity) and the Canceled of an IOC remainder. An IOC answer ends when nothing is left
 * (filled, or the remainder cancelled). A DAY order may rest, which no report says: after its New
 * the route sends a TestRequest, and the answer ends {@link #GRACE_MILLIS} ms after the Heartbeat
 * answering it (the gateway sends the answer's reports back to back, but its thread may be
 * descheduled between two of them, so a fill may follow the Heartbeat; such a fill is still told
 * apart from later ones by its LastLiquidityInd). The events the HTTP gateway would list are
 * then ACCEPTED, the TRADEs, and CANCELLED or, for a DAY order with quantity left, RESTED.
 *
 * <p>An OrderCancelReplaceRequest's answer is read the same way: its Replaced report (ExecType 5,
 * carrying the new ClOrdID), the fills in which the repriced order removed liquidity, ended by
 * the TestRequest as for a DAY order, or an OrderCancelReject. Its events are REPLACED, the
 * TRADEs and RESTED when quantity is left, except for a smaller quantity at the same price, which
 * the book applies in place (the order keeps its time priority and is not rested again).
 */
final class FixAnswer {
  static final long GRACE_MILLIS = 100;

  private final OrderIntent intent;
  /** A replace the book applies in place (same price, smaller quantity): no RESTED follows. */
  private final boolean keepsPriority;
  private final List<Message> reports = new ArrayList<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private boolean started;
  private boolean closed;
  private boolean delimited;
  private String delimiter;

  FixAnswer(OrderIntent intent) {
    this(intent, false);
  }

  FixAnswer(OrderIntent intent, boolean keepsPriority) {
    this.intent = intent;
    this.keepsPriority = keepsPriority;
  }

  CompletableFuture<Void> done() {
    return done;
  }

  /** The ClOrdID the gateway's reports about this request carry. */
  String reportedClOrdId() {
    return intent.op() == OrderIntent.Op.STATUS ? intent.origClOrdId() : intent.clOrdId();
  }

  /** Takes {@code m} if it is part of this answer; true if a TestRequest must now mark its end. */
  synchronized boolean offer(Message m, boolean[] taken) {
    taken[0] = false;
    if (closed || !reportedClOrdId().equals(str(m, ClOrdID.FIELD))) {
      return false;
    }
    String type = FixSession.type(m);
    char exec = MsgType.EXECUTION_REPORT.equals(type) ? chr(m, ExecType.FIELD) : 0;
    switch (intent.op()) {
      case NEW -> {
        if (!started && (exec == ExecType.REJECTED || exec == ExecType.ORDER_STATUS)) {
          take(m, taken, true);
        } else if (!started && exec == ExecType.NEW) {
          started = true;
          take(m, taken, false);
          return !"IOC".equals(intent.tif()); // an IOC answer ends by itself: nothing left
        } else if (started && exec == ExecType.TRADE
            && chr(m, LastLiquidityInd.FIELD) == '0' + LastLiquidityInd.REMOVED_LIQUIDITY) {
          take(m, taken, num(m, LeavesQty.FIELD) == 0);
        } else if (started && exec == ExecType.CANCELED && str(m, ExecID.FIELD).endsWith("-C")) {
          take(m, taken, true); // an IOC remainder: answered ExecIDs end -C, others are events
        }
      }
      case REPLACE -> {
        if (!started && MsgType.ORDER_CANCEL_REJECT.equals(type)) {
          take(m, taken, true);
        } else if (!started && exec == ExecType.REPLACED) {
          started = true;
          take(m, taken, false);
          return true; // quantity is left (the book refuses a replace that leaves none): may rest
        } else if (started && exec == ExecType.TRADE
            && chr(m, LastLiquidityInd.FIELD) == '0' + LastLiquidityInd.REMOVED_LIQUIDITY) {
          take(m, taken, num(m, LeavesQty.FIELD) == 0);
        }
      }
      case CANCEL -> {
        if (exec == ExecType.CANCELED || MsgType.ORDER_CANCEL_REJECT.equals(type)) {
          take(m, taken, true);
        }
      }
      case STATUS -> {
        if (exec == ExecType.ORDER_STATUS) {
          take(m, taken, true);
        }
      }
    }
    return false;
  }

  private void take(Message m, boolean[] taken, boolean last) {
    reports.add(m);
    taken[0] = true;
    if (last) {
      closed = true;
      done.complete(null);
    }
  }

  synchronized void delimitWith(String testReqId) {
    delimiter = testReqId;
  }

  /** The Heartbeat answering a TestRequest: the answer is complete if it was ours. */
  synchronized void heartbeat(String testReqId) {
    if (testReqId.equals(delimiter)) {
      delimited = true;
      done.complete(null);
    }
  }

  /** True if the answer ended by the Heartbeat: wait {@link #GRACE_MILLIS}, then {@link #close}. */
  synchronized boolean delimited() {
    return delimited && !closed;
  }

  /** No more reports are part of this answer. */
  synchronized void close() {
    closed = true;
  }

  /** What the FIX reports said, as ExecType letters (9 for an OrderCancelReject). */
  synchronized String execTypes() {
    List<String> out = new ArrayList<>();
    for (Message m : reports) {
      out.add(MsgType.EXECUTION_REPORT.equals(FixSession.type(m)) ? String.valueOf(chr(m, ExecType.FIELD)) : "9");
    }
    return String.join(",", out);
  }

  /** The answer as the HTTP gateway gives it; call once {@link #done()} completed. */
  synchronized GatewayClient.Outcome outcome(long ms) {
    Message first = reports.get(0);
    String type = FixSession.type(first);
    char exec = MsgType.EXECUTION_REPORT.equals(type) ? chr(first, ExecType.FIELD) : 0;
    if (MsgType.ORDER_CANCEL_REJECT.equals(type) || exec == ExecType.REJECTED) {
      return refusal(first, ms);
    }
    if (exec == ExecType.ORDER_STATUS) {
      return status(first, ms);
    }
    return accepted(ms);
  }

  private GatewayClient.Outcome accepted(long ms) {
    ObjectNode b = History.JSON.createObjectNode();
    Message last = reports.get(reports.size() - 1);
    b.put("clOrdId", intent.clOrdId());
    b.put("symbol", str(last, Symbol.FIELD));
    b.put("orderId", str(last, OrderID.FIELD));
    b.put("status", "accepted");
    ArrayNode events = History.JSON.createArrayNode();
    long filled = 0;
    long leaves = 0;
    boolean cancelled = false;
    for (Message m : reports) {
      ObjectNode e = events.addObject();
      char exec = chr(m, ExecType.FIELD);
      long qty = num(m, OrderQty.FIELD);
      leaves = num(m, LeavesQty.FIELD);
      switch (exec) {
        case ExecType.NEW -> {
          e.put("type", "ACCEPTED");
          putPrice(e, m);
          e.put("qty", qty);
          e.put("leaves", leaves);
        }
        case ExecType.REPLACED -> {
          e.put("type", "REPLACED");
          putPrice(e, m);
          e.put("qty", qty);
          e.put("leaves", leaves);
        }
        case ExecType.TRADE -> {
          e.put("type", "TRADE");
          e.put("tradeId", tradeId(str(m, ExecID.FIELD)));
          e.put("price", Prices.format(Prices.parseYen(str(m, LastPx.FIELD))));
          e.put("qty", num(m, LastQty.FIELD));
          e.put("leaves", leaves);
          e.put("aggressor", true);
          filled += num(m, LastQty.FIELD);
        }
        case ExecType.CANCELED -> {
          e.put("type", "CANCELLED");
          putPrice(e, m);
          e.put("qty", qty);
          // the quantity that left the book: what was neither filled before nor now
          e.put("leaves", qty - num(m, CumQty.FIELD));
          cancelled = true;
          leaves = 0;
        }
        default -> throw new IllegalStateException("not part of an answer: ExecType " + exec);
      }
    }
    boolean rests = intent.op() == OrderIntent.Op.NEW ? "DAY".equals(intent.tif())
        : intent.op() == OrderIntent.Op.REPLACE && !keepsPriority;
    if (rests && !cancelled && leaves > 0) {
      ObjectNode e = events.addObject();
      e.put("type", "RESTED");
      e.put("price", Prices.format(intent.price()));
      e.put("qty", intent.qty());
      e.put("leaves", leaves);
    }
    b.put("state", cancelled ? "cancelled" : leaves == 0 ? "filled" : "live");
    b.put("filled", filled);
    b.put("leaves", leaves);
    b.set("events", events);
    return new GatewayClient.Outcome(200, b, null, ms);
  }

  /** ExecType I: the order's state now, as the HTTP lookup gives it. */
  private GatewayClient.Outcome status(Message m, long ms) {
    ObjectNode b = History.JSON.createObjectNode();
    b.put("clOrdId", str(m, ClOrdID.FIELD));
    b.put("symbol", str(m, Symbol.FIELD));
    String state = switch (chr(m, OrdStatus.FIELD)) {
      case OrdStatus.FILLED -> "filled";
      case OrdStatus.CANCELED -> "cancelled";
      case OrdStatus.REJECTED -> "unknown"; // the book does not know the order today
      default -> "live";
    };
    if (state.equals("unknown")) {
      b.put("status", "unknown");
      b.put("state", "unknown");
      b.put("error", str(m, Text.FIELD));
      return new GatewayClient.Outcome(200, b, null, ms);
    }
    b.put("orderId", str(m, OrderID.FIELD));
    b.put("status", state);
    b.put("state", state);
    b.put("side", chr(m, Side.FIELD) == Side.BUY ? "BUY" : "SELL");
    putPrice(b, m);
    b.put("qty", num(m, OrderQty.FIELD));
    b.put("filled", num(m, CumQty.FIELD));
    b.put("leaves", num(m, LeavesQty.FIELD));
    return new GatewayClient.Outcome(200, b, null, ms);
  }

  /**
   * A Rejected or OrderCancelReject: the gateway's Text starts with the refusal's code ({@code
   * CODE: reason}), which gives the HTTP gateway's status for it.
   */
  private GatewayClient.Outcome refusal(Message m, long ms) {
    String text = str(m, Text.FIELD);
    int colon = text.indexOf(':');
    String code = colon > 0 ? text.substring(0, colon) : "";
    String reason = colon > 0 ? text.substring(colon + 1).trim() : text;
    ObjectNode b = History.JSON.createObjectNode();
    b.put("clOrdId", intent.clOrdId());
    int http;
    if (isGatewayCode(code)) {
      b.put("status", "refused");
      http = switch (GatewayReject.valueOf(code)) {
        case RATE_LIMITED -> 429;
        case KILL_SWITCH -> 403;
        case DUPLICATE_CLORDID -> 409;
        case QUANTITY_LIMIT, NOTIONAL_LIMIT, MARKET_HALTED -> 422;
        case UNKNOWN_CLORDID -> 404;
        case EXCHANGE_UNAVAILABLE, EXCHANGE_BUSY -> 503;
        case INVALID -> 400;
      };
    } else if (isBookCode(code)) {
      b.put("status", "rejected");
      http = code.equals(Reject.INTERNAL_ERROR.name()) ? 503 : 422;
    } else {
      // the FIX front end's own validation (a missing or malformed field)
      b.put("status", "refused");
      code = GatewayReject.INVALID.name();
      reason = text;
      http = 400;
    }
    b.put("error", reason);
    b.put("code", code);
    return new GatewayClient.Outcome(http, b, null, ms);
  }

  private static boolean isGatewayCode(String code) {
    for (GatewayReject r : GatewayReject.values()) {
      if (r.name().equals(code)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isBookCode(String code) {
    for (Reject r : Reject.values()) {
      if (r.name().equals(code)) {
        return true;
      }
    }
    return false;
  }

  private static void putPrice(ObjectNode n, Message m) {
    String p = str(m, Price.FIELD);
    if (!p.isEmpty()) {
      n.put("price", Prices.format(Prices.parseYen(p)));
    }
  }

  /** The book's trade id from a fill's ExecID, {@code <symbol>-T<tradeId>-B|S}. */
  static long tradeId(String execId) {
    int t = execId.lastIndexOf("-T");
    int end = execId.lastIndexOf('-');
    if (t < 0 || end <= t + 2) {
      throw new IllegalArgumentException("not a fill's ExecID: " + execId);
    }
    return Long.parseLong(execId.substring(t + 2, end));
  }

  static String str(quickfix.FieldMap m, int tag) {
    try {
      return m.isSetField(tag) ? m.getString(tag) : "";
    } catch (FieldNotFound e) {
      return "";
    }
  }

  static char chr(quickfix.FieldMap m, int tag) {
    String s = str(m, tag);
    return s.isEmpty() ? 0 : s.charAt(0);
  }

  /** A quantity field (FIX sends decimals, "100" or "100.0"); 0 if absent. */
  static long num(quickfix.FieldMap m, int tag) {
    String s = str(m, tag);
    return s.isEmpty() ? 0 : new java.math.BigDecimal(s).longValueExact();
  }
}
