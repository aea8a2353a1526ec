package io.kabuto.gateway.fix;

import io.kabuto.book.BookSettings;
import io.kabuto.book.OrderBook;
import io.kabuto.gateway.Gateway;
import io.kabuto.gateway.GatewayReject;
import io.kabuto.gateway.OrderIds;
import io.kabuto.gateway.Participant;
import io.kabuto.gateway.ParticipantSession;
import io.kabuto.matching.CancelReason;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Prices;
import io.kabuto.matching.Reject;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quickfix.Application;
import quickfix.ConfigError;
import quickfix.DoNotSend;
import quickfix.FieldNotFound;
import quickfix.FileStoreFactory;
import quickfix.IncorrectDataFormat;
import quickfix.IncorrectTagValue;
import quickfix.Message;
import quickfix.RejectLogon;
import quickfix.SLF4JLogFactory;
import quickfix.Session;
import quickfix.SessionID;
import quickfix.SessionNotFound;
import quickfix.SessionSettings;
import quickfix.ThreadedSocketAcceptor;
import quickfix.UnsupportedMessageType;
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
import quickfix.field.MsgType;
import quickfix.field.OrdRejReason;
import quickfix.field.OrdStatus;
import quickfix.field.OrdType;
import quickfix.field.OrderID;
import quickfix.field.OrderQty;
import quickfix.field.OrigClOrdID;
import quickfix.field.Password;
import quickfix.field.PossDupFlag;
import quickfix.field.PossResend;
import quickfix.field.Price;
import quickfix.field.Symbol;
import quickfix.field.Text;
import quickfix.field.TradSesStatus;
import quickfix.field.TradingSessionID;
import quickfix.fix44.ExecutionReport;
import quickfix.fix44.MessageCracker;
import quickfix.fix44.NewOrderSingle;
import quickfix.fix44.OrderCancelReject;
import quickfix.fix44.OrderCancelReplaceRequest;
import quickfix.fix44.OrderCancelRequest;
import quickfix.fix44.TradingSessionStatus;

/**
 * The FIX 4.4 acceptor of a gateway node (QuickFIX/J): one session per participant of {@code
 * kabuto.gateway.participants} (the broker's SenderCompID is the participant's name, its
 * TargetCompID {@code kabuto.gateway.fix.target-comp-id}, its password goes in tag 554 of the
 * Logon). Sequence numbers and sent messages persist in a file store under {@code store-dir}, so
 * a broker reconnecting after a restart resends and gets resends, without a sequence reset.
 *
 * <ul>
 *   <li>NewOrderSingle, OrderCancelRequest, OrderCancelReplaceRequest go to the participant's
 *       {@link ParticipantSession}; its answers become ExecutionReports (new, trade, cancelled,
 *       replaced, rejected with OrdRejReason and Text) or OrderCancelReject.
 *   <li>A NewOrderSingle with PossDupFlag/PossResend, or whose ClOrdID this acceptor has seen,
 *       gets one ExecutionReport with ExecType I (order status) describing the order's current
 *       state; the ClOrdID is idempotent in the core, so no second order is created.
 *   <li>Trades of a resting order caused by another participant's order are reported to the
 *       resting order's owner too, when it is logged on through this acceptor and the order was
 *       placed through it (since its start); otherwise a resend of its ClOrdID reports them.
 *   <li>Other application messages get a BusinessMessageReject; malformed messages (unknown or
 *       user-defined tags, bad values, missing required fields) a session-level Reject from
 *       QuickFIX/J's validation against the FIX 4.4 data dictionary; garbled ones (checksum, body
 *       length) are dropped, as FIX requires.
 *   <li>Logout or disconnect sends {@link ParticipantSession.Disconnected} (cancel-on-disconnect
 *       when the participant has it).
 *   <li>On logon the participant gets a TradingSessionStatus with the phase of the first listed
 *       book.
 * </ul>
 */
public final class FixAcceptor extends MessageCracker implements Application {

  private static final Logger log = LoggerFactory.getLogger(FixAcceptor.class);
  static final String BEGIN_STRING = "FIX.4.4";

  private final ActorSystem<?> system;
  private final Gateway gateway;
  private final FixSettings settings;
  private final ThreadedSocketAcceptor acceptor;
  private final Duration askTimeout;
  /** SessionID -> participant, for every configured participant. */
  private final Map<SessionID, Participant> participants = new ConcurrentHashMap<>();
  /** Participant id -> its session while logged on. */
  private final Map<Integer, SessionID> loggedOn = new ConcurrentHashMap<>();
  /** Book order id -> what this acceptor knows of the order (placed through it). */
  private final Map<Long, Track> tracks = new ConcurrentHashMap<>();
  private final AtomicLong execIds = new AtomicLong();
  private final String execIdPrefix = Long.toString(System.currentTimeMillis(), 36) + "-";

  /** One order placed through this acceptor. Mutated under the acceptor's lock. */
  private static final class Track {
    final int participant;
    final String symbol;
    final Side side;
    final long orderId;
    String clOrdId;
    long qty;
    long price;
    long cum;
    long notional; // sum of price units x qty
    long leaves;
    boolean done;

    Track(int participant, String symbol, Side side, long orderId, String clOrdId, long qty,
        long price) {
      this.participant = participant;
      this.symbol = symbol;
      this.side = side;
      this.orderId = orderId;
      this.clOrdId = clOrdId;
      this.qty = qty;
      this.price = price;
      this.leaves = qty;
    }
  }

  public FixAcceptor(ActorSystem<?> system) throws ConfigError {
    this.system = system;
    this.gateway = Gateway.get(system);
    this.settings = FixSettings.fromConfig(system.settings().config());
    this.askTimeout = gateway.settings().bookDeadline().plus(gateway.settings().attemptTimeout())
        .plusSeconds(2);
    SessionSettings s = sessionSettings();
    try {
      Files.createDirectories(settings.storeDir());
    } catch (java.io.IOException e) {
      throw new ConfigError("cannot create kabuto.gateway.fix.store-dir " + settings.storeDir()
          + ": " + e);
    }
    this.acceptor = new ThreadedSocketAcceptor(this, new FileStoreFactory(s), s,
        new SLF4JLogFactory(s), new quickfix.fix44.MessageFactory());
  }

  private SessionSettings sessionSettings() {
    SessionSettings s = new SessionSettings();
    s.setString("ConnectionType", "acceptor");
    s.setString("BeginString", BEGIN_STRING);
    s.setString("SocketAcceptAddress", settings.hostname());
    s.setLong("SocketAcceptPort", settings.port());
    s.setString("StartTime", "00:00:00");
    s.setString("EndTime", "00:00:00");
    s.setString("NonStopSession", "Y");
    s.setString("FileStorePath", settings.storeDir().toString());
    s.setString("PersistMessages", "Y");
    s.setString("ResetOnLogon", "N");
    s.setString("ResetOnLogout", "N");
    s.setString("ResetOnDisconnect", "N");
    s.setString("RefreshOnLogon", "Y");
    s.setString("UseDataDictionary", "Y");
    s.setString("DataDictionary", "FIX44.xml");
    s.setString("ValidateUserDefinedFields", "Y");
    s.setString("AllowUnknownMsgFields", "N");
    s.setString("ValidateFieldsHaveValues", "Y");
    s.setString("ValidateFieldsOutOfOrder", "Y");
    s.setString("ValidateIncomingMessage", "Y");
    s.setString("RejectInvalidMessage", "Y");
    s.setString("CheckLatency", "Y");
    s.setLong("MaxLatency", Math.max(1, settings.maxLatency().toSeconds()));
    s.setLong("LogoutTimeout", Math.max(1, settings.logoutTimeout().toSeconds()));
    s.setString("SLF4JLogHeartbeats", "N");
    for (Participant p : gateway.settings().participants().values()) {
      SessionID id = new SessionID(BEGIN_STRING, settings.targetCompId(), p.name());
      participants.put(id, p);
      s.setString(id, "BeginString", BEGIN_STRING);
      s.setString(id, "SenderCompID", settings.targetCompId());
      s.setString(id, "TargetCompID", p.name());
    }
    return s;
  }

  public void start() throws ConfigError {
    acceptor.start();
    log.info("FIX 4.4 acceptor on {}:{} (TargetCompID {}), sessions for {}, store {}",
        settings.hostname(), settings.port(), settings.targetCompId(),
        gateway.settings().participants().keySet(), settings.storeDir());
  }

  public void stop() {
    acceptor.stop();
    log.info("FIX acceptor stopped");
  }

  public int port() {
    return settings.port();
  }

  // ================================================================ session callbacks

  @Override
  public void onCreate(SessionID sessionId) {}

  @Override
  public void onLogon(SessionID sessionId) {
    Participant p = participants.get(sessionId);
    if (p == null) {
      return;
    }
    loggedOn.put(p.id(), sessionId);
    log.info("FIX: {} logged on", p.name());
    sendPhase(sessionId);
  }

  @Override
  public void onLogout(SessionID sessionId) {
    Participant p = participants.get(sessionId);
    if (p == null) {
      return;
    }
    loggedOn.remove(p.id(), sessionId);
    log.info("FIX: {} logged out / disconnected", p.name());
    gateway.session(p).tell(new ParticipantSession.Disconnected(System.currentTimeMillis()));
  }

  @Override
  public void toAdmin(Message message, SessionID sessionId) {}

  @Override
  public void fromAdmin(Message message, SessionID sessionId)
      throws FieldNotFound, IncorrectDataFormat, IncorrectTagValue, RejectLogon {
    if (MsgType.LOGON.equals(message.getHeader().getString(MsgType.FIELD))) {
      String password = message.isSetField(Password.FIELD) ? message.getString(Password.FIELD)
          : "";
      if (gateway.byLogon(sessionId.getTargetCompID(), password).isEmpty()) {
        log.warn("FIX: logon of {} refused: wrong password", sessionId.getTargetCompID());
        throw new RejectLogon("unknown SenderCompID or wrong password (tag 554)");
      }
    }
  }

  @Override
  public void toApp(Message message, SessionID sessionId) throws DoNotSend {}

  @Override
  public void fromApp(Message message, SessionID sessionId)
      throws FieldNotFound, IncorrectDataFormat, IncorrectTagValue, UnsupportedMessageType {
    crack(message, sessionId);
  }

  // ================================================================ new orders

  @Override
  public void onMessage(NewOrderSingle m, SessionID sid) throws FieldNotFound {
    Participant p = participants.get(sid);
    String clOrdId = m.getString(ClOrdID.FIELD);
    char sideChar = m.getChar(quickfix.field.Side.FIELD);
    String symbol = m.isSetField(Symbol.FIELD) ? m.getString(Symbol.FIELD).trim() : "";
    Rej rej = null;
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
      rej = new Rej(OrdRejReason.UNKNOWN_SYMBOL, "Symbol (55) is required");
    } else if (side == null) {
      rej = new Rej(OrdRejReason.UNSUPPORTED_ORDER_CHARACTERISTIC,
          "Side " + sideChar + " not supported: 1 (buy) or 2 (sell)");
    } else if (type == null) {
      rej = new Rej(OrdRejReason.UNSUPPORTED_ORDER_CHARACTERISTIC,
          "OrdType not supported: 1 (market) or 2 (limit)");
    } else if (tif == null) {
      rej = new Rej(OrdRejReason.UNSUPPORTED_ORDER_CHARACTERISTIC,
          "TimeInForce not supported: 0 (day), 3 (IOC) or 4 (FOK)");
    } else if (!m.isSetField(OrderQty.FIELD)) {
      rej = new Rej(OrdRejReason.INCORRECT_QUANTITY, "OrderQty (38) is required");
    }
    if (rej == null) {
      try {
        qty = quantity(m.getString(OrderQty.FIELD));
      } catch (IllegalArgumentException e) {
        rej = new Rej(OrdRejReason.INCORRECT_QUANTITY, e.getMessage());
      }
    }
    if (rej == null && type == OrderType.LIMIT) {
      if (!m.isSetField(Price.FIELD)) {
        rej = new Rej(OrdRejReason.OTHER, "Price (44) is required for a limit order");
      } else {
        try {
          price = Prices.parseYen(m.getString(Price.FIELD));
          if (price <= 0) {
            rej = new Rej(OrdRejReason.OTHER, "Price must be positive");
          }
        } catch (RuntimeException e) {
          rej = new Rej(OrdRejReason.OTHER, "Price " + m.getString(Price.FIELD)
              + ": not a price in yen with at most one decimal (0.1 yen)");
        }
      }
    }
    if (rej != null) {
      sendRejected(sid, clOrdId, symbol, sideChar, rej.reason(), rej.text());
      return;
    }
    boolean resend = flag(m.getHeader(), PossDupFlag.FIELD) || flag(m.getHeader(),
        PossResend.FIELD);
    long orderId = OrderIds.of(p.id(), clOrdId);
    boolean known = tracks.containsKey(orderId);
    if (!known) {
      tracks.putIfAbsent(orderId, new Track(p.id(), symbol, side, orderId, clOrdId, qty, price));
    }
    final long q = qty;
    final long px = price;
    ask(p, r -> new ParticipantSession.NewOrder(clOrdId, symbol, side, type, tif, px, q,
        System.currentTimeMillis(), r)).whenComplete((reply, failure) -> {
          if (reply instanceof ParticipantSession.Answer a
              && a.book() instanceof OrderBook.Accepted acc) {
            if (resend || known) {
              sendStatus(sid, p, clOrdId, symbol, sideChar);
            } else {
              report(acc.events(), sid, clOrdId, null);
            }
          } else {
            if (!known) {
              tracks.remove(orderId);
            }
            Rej r = rejection(reply, failure);
            sendRejected(sid, clOrdId, symbol, sideChar, r.reason(), r.text());
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
    ask(p, r -> new ParticipantSession.GetOrder(clOrdId, r)).whenComplete((reply, failure) -> {
      if (reply instanceof ParticipantSession.Answer a
          && a.book() instanceof OrderBook.OrderStatus st
          && st.state() != OrderBook.OrderState.UNKNOWN) {
        Track t;
        synchronized (this) {
          t = tracks.get(st.orderId());
          if (t != null) {
            t.qty = st.qty();
            t.leaves = st.leaves();
          }
        }
        char status = switch (st.state()) {
          case FILLED -> OrdStatus.FILLED;
          case CANCELLED -> OrdStatus.CANCELED;
          default -> st.filled() > 0 ? OrdStatus.PARTIALLY_FILLED : OrdStatus.NEW;
        };
        double avg = t != null && t.cum > 0 ? avg(t) : (st.filled() > 0 ? Double.NaN : 0);
        ExecutionReport er = er(Long.toString(st.orderId()), ExecType.ORDER_STATUS, status,
            sideChar, st.leaves(), st.filled(), Double.isNaN(avg) ? 0 : avg);
        er.set(new ClOrdID(clOrdId));
        er.set(new Symbol(symbol));
        er.set(new OrderQty(st.qty()));
        if (st.price() > 0) {
          er.set(new Price(yen(st.price())));
        }
        er.set(new Text("order status (resend of ClOrdID " + clOrdId + ": no new order)"));
        send(er, sid);
      } else {
        Rej r = rejection(reply, failure);
        sendRejected(sid, clOrdId, symbol, sideChar, r.reason(), r.text());
      }
    });
  }

  // ================================================================ cancel / replace

  @Override
  public void onMessage(OrderCancelRequest m, SessionID sid) throws FieldNotFound {
    Participant p = participants.get(sid);
    String clOrdId = m.getString(ClOrdID.FIELD);
    String orig = m.getString(OrigClOrdID.FIELD);
    ask(p, r -> new ParticipantSession.CancelOrder(clOrdId, orig, System.currentTimeMillis(), r))
        .whenComplete((reply, failure) -> {
          if (reply instanceof ParticipantSession.Answer a
              && a.book() instanceof OrderBook.Accepted acc) {
            report(acc.events(), sid, clOrdId, orig);
          } else {
            cancelReject(sid, p, clOrdId, orig, CxlRejResponseTo.ORDER_CANCEL_REQUEST, reply,
                failure);
          }
        });
  }

  @Override
  public void onMessage(OrderCancelReplaceRequest m, SessionID sid) throws FieldNotFound {
    Participant p = participants.get(sid);
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
      OrderCancelReject ocr = cancelReject(p, clOrdId, orig,
          CxlRejResponseTo.ORDER_CANCEL_REPLACE_REQUEST, CxlRejReason.OTHER, problem);
      send(ocr, sid);
      return;
    }
    final long px = price;
    final long q = qty;
    ask(p, r -> new ParticipantSession.ReplaceOrder(clOrdId, orig, px, q,
        System.currentTimeMillis(), r)).whenComplete((reply, failure) -> {
          if (reply instanceof ParticipantSession.Answer a
              && a.book() instanceof OrderBook.Accepted acc) {
            report(acc.events(), sid, clOrdId, orig);
          } else {
            cancelReject(sid, p, clOrdId, orig, CxlRejResponseTo.ORDER_CANCEL_REPLACE_REQUEST,
                reply, failure);
          }
        });
  }

  private void cancelReject(SessionID sid, Participant p, String clOrdId, String orig,
      char responseTo, ParticipantSession.Reply reply, Throwable failure) {
    Rej r = rejection(reply, failure);
    int reason = CxlRejReason.OTHER;
    if (reply instanceof ParticipantSession.Refused f
        && f.code() == GatewayReject.UNKNOWN_CLORDID) {
      reason = CxlRejReason.UNKNOWN_ORDER;
    } else if (reply instanceof ParticipantSession.Answer a
        && a.book() instanceof OrderBook.Rejected bk && bk.code() == Reject.UNKNOWN_ORDER) {
      reason = CxlRejReason.TOO_LATE_TO_CANCEL;
    }
    send(cancelReject(p, clOrdId, orig, responseTo, reason, r.text()), sid);
  }

  private OrderCancelReject cancelReject(Participant p, String clOrdId, String orig,
      char responseTo, int reason, String text) {
    Track t = tracks.get(OrderIds.of(p.id(), orig));
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

  // ================================================================ answers -> reports

  /**
   * ExecutionReports for the events of one answer, to the owners of the orders they concern
   * (the requester, and the resting side of a trade when its owner is logged on here).
   *
   * @param clOrdId the request's ClOrdID
   * @param origClOrdId the replaced/cancelled order's ClOrdID (null for a new order)
   */
  private synchronized void report(java.util.List<OrderBook.EventData> events, SessionID sid,
      String clOrdId, String origClOrdId) {
    for (OrderBook.EventData e : events) {
      switch (e.type()) {
        case ACCEPTED -> {
          Track t = tracks.get(e.orderId());
          if (t != null) {
            send(withOrder(er(t, ExecType.NEW, OrdStatus.NEW), t, null), sid);
          }
        }
        case TRADE -> {
          fill(tracks.get(e.orderId()), e, e.leaves());
          fill(tracks.get(e.otherOrderId()), e, e.otherLeaves());
        }
        case CANCELLED -> {
          Track t = tracks.get(e.orderId());
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
          Track t = tracks.get(e.orderId());
          if (t != null) {
            t.price = e.price();
            t.qty = e.qty();
            t.leaves = e.leaves();
            t.clOrdId = clOrdId;
            ExecutionReport er = er(t, ExecType.REPLACED,
                t.cum > 0 ? OrdStatus.PARTIALLY_FILLED : OrdStatus.NEW);
            send(withOrder(er, t, origClOrdId), sid);
          }
        }
        default -> { }
      }
    }
  }

  private void fill(Track t, OrderBook.EventData e, long leaves) {
    if (t == null) {
      return;
    }
    t.cum += e.qty();
    t.notional += e.price() * e.qty();
    t.leaves = leaves;
    if (leaves == 0) {
      t.done = true;
    }
    ExecutionReport er = er(t, ExecType.TRADE,
        leaves == 0 ? OrdStatus.FILLED : OrdStatus.PARTIALLY_FILLED);
    er.set(new LastQty(e.qty()));
    er.set(new LastPx(yen(e.price())));
    sendToOwner(withOrder(er, t, null), t, null);
  }

  private void sendToOwner(Message m, Track t, SessionID fallback) {
    SessionID owner = loggedOn.get(t.participant);
    if (owner != null) {
      send(m, owner);
    } else if (fallback != null) {
      send(m, fallback);
    }
  }

  private ExecutionReport er(Track t, char execType, char ordStatus) {
    return er(Long.toString(t.orderId), execType, ordStatus,
        t.side == Side.BUY ? quickfix.field.Side.BUY : quickfix.field.Side.SELL, t.leaves, t.cum,
        avg(t));
  }

  private ExecutionReport er(String orderId, char execType, char ordStatus, char side,
      long leaves, long cum, double avgPx) {
    ExecutionReport er = new ExecutionReport(new OrderID(orderId),
        new ExecID(execIdPrefix + execIds.incrementAndGet()), new ExecType(execType),
        new OrdStatus(ordStatus), new quickfix.field.Side(side), new LeavesQty(leaves),
        new CumQty(cum), new AvgPx(avgPx));
    return er;
  }

  private static ExecutionReport withOrder(ExecutionReport er, Track t, String orig) {
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

  private static double avg(Track t) {
    return t.cum == 0 ? 0 : (double) t.notional / t.cum / Prices.UNITS_PER_YEN;
  }

  private static double yen(long units) {
    return Double.parseDouble(Prices.format(units));
  }

  private void sendRejected(SessionID sid, String clOrdId, String symbol, char side,
      int reason, String text) {
    ExecutionReport er = er("NONE", ExecType.REJECTED, OrdStatus.REJECTED, side, 0, 0, 0);
    er.set(new ClOrdID(clOrdId));
    if (!symbol.isEmpty()) {
      er.set(new Symbol(symbol));
    }
    er.set(new OrdRejReason(reason));
    er.set(new Text(text));
    send(er, sid);
  }

  private record Rej(int reason, String text) {}

  private static Rej rejection(ParticipantSession.Reply reply, Throwable failure) {
    if (reply instanceof ParticipantSession.Refused f) {
      int reason = switch (f.code()) {
        case QUANTITY_LIMIT, NOTIONAL_LIMIT -> OrdRejReason.ORDER_EXCEEDS_LIMIT;
        case DUPLICATE_CLORDID -> OrdRejReason.DUPLICATE_ORDER;
        case UNKNOWN_CLORDID -> OrdRejReason.UNKNOWN_ORDER;
        case EXCHANGE_UNAVAILABLE -> OrdRejReason.EXCHANGE_CLOSED;
        default -> OrdRejReason.OTHER;
      };
      return new Rej(reason, f.code() + ": " + f.reason());
    }
    if (reply instanceof ParticipantSession.Answer a && a.book() instanceof OrderBook.Rejected r) {
      int reason = switch (r.code()) {
        case UNKNOWN_SYMBOL -> OrdRejReason.UNKNOWN_SYMBOL;
        case MARKET_CLOSED, MARKET_HALTED -> OrdRejReason.EXCHANGE_CLOSED;
        case INVALID_QUANTITY, QUANTITY_TOO_LARGE -> OrdRejReason.INCORRECT_QUANTITY;
        case UNKNOWN_ORDER -> OrdRejReason.UNKNOWN_ORDER;
        case DUPLICATE_ORDER_ID -> OrdRejReason.DUPLICATE_ORDER;
        default -> OrdRejReason.OTHER;
      };
      String text = r.reason() != null && !r.reason().isBlank() ? r.reason() : r.code().reason();
      return new Rej(reason, r.code() + ": " + text);
    }
    if (failure != null) {
      return new Rej(OrdRejReason.EXCHANGE_CLOSED, "EXCHANGE_UNAVAILABLE: "
          + GatewayReject.EXCHANGE_UNAVAILABLE.reason());
    }
    return new Rej(OrdRejReason.OTHER, "unexpected answer " + reply);
  }

  // ================================================================ phase

  private void sendPhase(SessionID sid) {
    Optional<String> first;
    try {
      first = BookSettings.fromConfig(system.settings().config()).listedSymbols().stream()
          .sorted().findFirst();
    } catch (RuntimeException e) {
      first = Optional.empty();
    }
    if (first.isEmpty()) {
      return;
    }
    String symbol = first.get();
    io.kabuto.persistence.node.Asks.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>askOnDispatcher(gateway.books(),
        r -> new ShardingEnvelope<>(symbol, new OrderBook.GetDepth(1, r)), Duration.ofSeconds(3),
        system).whenComplete((resp, failure) -> {
          if (resp instanceof OrderBook.Depth d && d.phase() != null) {
            TradingSessionStatus ts = new TradingSessionStatus(new TradingSessionID("KABUTO"),
                new TradSesStatus(status(d.phase())));
            ts.set(new Text("phase " + d.phase() + " (book " + symbol + ")"));
            send(ts, sid);
          }
        });
  }

  private static int status(Phase p) {
    return switch (p) {
      case CONTINUOUS -> TradSesStatus.OPEN;
      case PRE_OPEN -> TradSesStatus.PRE_OPEN;
      case PRE_CLOSE -> TradSesStatus.PRE_CLOSE;
      case HALTED, BREAK -> TradSesStatus.HALTED;
      default -> TradSesStatus.CLOSED;
    };
  }

  // ================================================================ plumbing

  private CompletionStage<ParticipantSession.Reply> ask(Participant p,
      Function<ActorRef<ParticipantSession.Reply>, ParticipantSession.Command> request) {
    return io.kabuto.persistence.node.Asks.askOnDispatcher(gateway.session(p), request::apply, askTimeout, system);
  }

  private static void send(Message m, SessionID sid) {
    try {
      Session.sendToTarget(m, sid);
    } catch (SessionNotFound e) {
      log.warn("FIX: no session {} for {}", sid, m.getClass().getSimpleName());
    }
  }
}
