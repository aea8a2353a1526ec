package io.kabuto.scenario.broker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.matching.Prices;
import io.kabuto.scenario.history.History;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import quickfix.Message;
import quickfix.field.ClOrdID;
import quickfix.field.ExecType;
import quickfix.field.LeavesQty;
import quickfix.field.MsgType;
import quickfix.field.OrdStatus;
import quickfix.field.OrdType;
import quickfix.field.OrderQty;
import quickfix.field.OrigClOrdID;
import quickfix.field.PossResend;
import quickfix.field.Side;
import quickfix.field.Symbol;
import quickfix.field.TimeInForce;
import quickfix.field.TransactTime;
import quickfix.fix44.NewOrderSingle;
import quickfix.fix44.OrderCancelReplaceRequest;
import quickfix.fix44.OrderCancelRequest;
import quickfix.fix44.OrderStatusRequest;

/**
 * A FIX broker's order entry: one {@link FixSession} per broker, one request at a time. It
 * writes the same {@code invoke}/{@code ok}/{@code fail} lines as {@link GatewayClient} ({@code
 * gw} is the HTTP address of the gateway node whose FIX acceptor took the request, so the final
 * lookups go there; {@code fix} is the acceptor's address; the {@code ok} line's {@code http} and
 * {@code body} are what the HTTP gateway answers to the same request, see {@link FixAnswer}, and
 * {@code fixReports} the ExecTypes it was built from). A resend is the same ClOrdID with
 * PossResend=Y, after QuickFIX/J has logged on to the next gateway if the connection dropped.
 */
final class FixRoute implements OrderRoute, FixSession.Listener {
  private final BrokerId broker;
  private final List<GatewayAddress> gateways;
  private final History history;
  private final Duration timeout;
  private final FixSession session;
  private final AtomicLong testRequests = new AtomicLong();
  /** The request waiting for its answer (the broker sends one at a time). */
  private volatile FixAnswer pending;
  /**
   * The broker's orders by ClOrdID (the first one and every replace's, which the reports about
   * the order carry from then on): what it sent, its terms now, and whether it is live.
   */
  private final Map<String, Order> orders = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicBoolean dropped = new java.util.concurrent.atomic.AtomicBoolean();

  private static final class Order {
    final OrderIntent sent;
    volatile boolean live;
    /** Price and total quantity after the replaces acknowledged so far. */
    volatile long price;
    volatile long qty;

    Order(OrderIntent sent) {
      this.sent = sent;
      this.price = sent.price();
      this.qty = sent.qty();
    }
  }

  FixRoute(BrokerId broker, List<GatewayAddress> gateways, History history, Duration timeout) {
    this.broker = broker;
    this.gateways = gateways;
    this.history = history;
    this.timeout = timeout;
    // brokers spread over the gateways as HTTP brokers do: each starts at its own
    List<GatewayAddress> order = new ArrayList<>();
    for (int i = 0; i < gateways.size(); i++) {
      order.add(gateways.get(Math.floorMod(broker.ordinal() + i, gateways.size())));
    }
    this.session = new FixSession(broker.name(), broker.name().toLowerCase(Locale.ROOT), order, this);
  }

  @Override
  public GatewayClient.Outcome send(BrokerId b, OrderIntent intent, int attempt, int gatewayIndex) {
    boolean up;
    try {
      up = session.awaitLogon(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      up = false;
    }
    long t0 = System.nanoTime(); // from the invoke, as for HTTP: the wait for a logon is not the exchange's
    String remote = session.remote();
    GatewayAddress gw = up ? gatewayAt(remote) : null;
    ObjectNode inv = history.line("invoke");
    inv.put("broker", broker.name());
    inv.put("op", intent.opWord());
    inv.put("clOrdId", intent.clOrdId());
    inv.put("attempt", attempt);
    inv.put("gw", (gw != null ? gw : gateways.get(Math.floorMod(broker.ordinal(), gateways.size()))).http().toString());
    inv.put("fix", remote == null ? "" : remote);
    Message m = message(intent, attempt); // before the line: a request for an order never sent fails here
    boolean keepsPriority = false;
    if (intent.op() == OrderIntent.Op.NEW) {
      GatewayClient.describeNew(inv, intent);
      orders.putIfAbsent(intent.clOrdId(), new Order(intent));
    } else if (intent.op() == OrderIntent.Op.REPLACE) {
      GatewayClient.describeReplace(inv, intent);
      Order o = orders.get(intent.origClOrdId());
      orders.putIfAbsent(intent.clOrdId(), o);
      // the book keeps time priority (and rests nothing again) for a smaller quantity at the same price
      keepsPriority = intent.price() == o.price && intent.qty() < o.qty;
    } else {
      inv.put("orig", intent.origClOrdId());
      if (intent.symbol() != null) {
        inv.put("symbol", intent.symbol());
      }
    }
    long invokeSeq = history.append(inv);
    if (!up) {
      return done(intent, attempt, invokeSeq, System.nanoTime() - t0, null, "no FIX session: not logged on to any gateway within "
          + timeout.toSeconds() + " s", true);
    }
    FixAnswer answer = new FixAnswer(intent, keepsPriority);
    pending = answer;
    try {
      if (!session.send(m)) {
        return done(intent, attempt, invokeSeq, System.nanoTime() - t0, null, "the FIX session to " + remote + " dropped before the "
            + "request was sent", true);
      }
      answer.done().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      long answered = System.nanoTime(); // the latency is the exchange's, not the grace's
      if (answer.delimited()) {
        Thread.sleep(FixAnswer.GRACE_MILLIS);
      }
      answer.close();
      return done(intent, attempt, invokeSeq, answered - t0, answer, null, false);
    } catch (TimeoutException e) {
      return done(intent, attempt, invokeSeq, System.nanoTime() - t0, null, "no answer on the FIX session to " + remote + " within "
          + timeout.toSeconds() + " s", false);
    } catch (ExecutionException e) {
      return done(intent, attempt, invokeSeq, System.nanoTime() - t0, null, "the FIX session to " + remote + " dropped while waiting "
          + "for the answer", true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return done(intent, attempt, invokeSeq, System.nanoTime() - t0, null, "interrupted", false);
    } finally {
      pending = null;
    }
  }

  private GatewayAddress gatewayAt(String remote) {
    if (remote != null) {
      int colon = remote.lastIndexOf(':');
      for (GatewayAddress g : gateways) {
        if (remote.substring(colon + 1).equals(Integer.toString(g.fixPort()))) {
          return g;
        }
      }
    }
    return null;
  }

  /** Writes the ok or fail line; returns the outcome. */
  private GatewayClient.Outcome done(OrderIntent intent, int attempt, long invokeSeq, long tookNanos,
      FixAnswer answer, String error, boolean connectionLost) {
    long ms = tookNanos / 1_000_000L;
    GatewayClient.Outcome o = answer != null ? answer.outcome(ms)
        : new GatewayClient.Outcome(-1, null, error, ms, connectionLost);
    ObjectNode l = history.line(o.answered() ? "ok" : "fail");
    l.put("broker", broker.name());
    l.put("op", intent.opWord());
    l.put("clOrdId", intent.clOrdId());
    l.put("attempt", attempt);
    l.put("invoke", invokeSeq);
    l.put("ms", ms);
    if (o.answered()) {
      l.put("http", o.status());
      l.set("body", o.body());
      l.put("fixReports", answer.execTypes());
      track(intent, o);
    } else {
      l.put("error", error);
    }
    history.append(l);
    return o;
  }

  /** What a request's answer tells about the order's life. */
  private void track(OrderIntent intent, GatewayClient.Outcome o) {
    String id = intent.op() == OrderIntent.Op.NEW ? intent.clOrdId() : intent.origClOrdId();
    Order order = orders.get(id);
    if (order != null && o.status() == 200) {
      String state = o.body().path("state").asText();
      order.live = state.equals("live");
      if (intent.op() == OrderIntent.Op.REPLACE && "accepted".equals(o.body().path("status").asText())) {
        order.price = intent.price();
        order.qty = intent.qty();
      }
    }
  }

  private Message message(OrderIntent intent, int attempt) {
    Message m;
    switch (intent.op()) {
      case NEW -> {
        NewOrderSingle n = new NewOrderSingle(new ClOrdID(intent.clOrdId()), side(intent.side()),
            new TransactTime(LocalDateTime.now()), new OrdType(OrdType.LIMIT));
        n.set(new Symbol(intent.symbol()));
        n.set(new OrderQty(intent.qty()));
        n.setString(quickfix.field.Price.FIELD, Prices.format(intent.price()));
        n.set(new TimeInForce(intent.tif().equals("IOC") ? TimeInForce.IMMEDIATE_OR_CANCEL : TimeInForce.DAY));
        m = n;
      }
      case CANCEL -> {
        OrderIntent o = sent(intent.origClOrdId());
        OrderCancelRequest c = new OrderCancelRequest(new OrigClOrdID(intent.origClOrdId()),
            new ClOrdID(intent.clOrdId()), side(o.side()), new TransactTime(LocalDateTime.now()));
        c.set(new Symbol(o.symbol()));
        c.set(new OrderQty(o.qty()));
        m = c;
      }
      case REPLACE -> {
        OrderIntent o = sent(intent.origClOrdId());
        OrderCancelReplaceRequest r = new OrderCancelReplaceRequest(new OrigClOrdID(intent.origClOrdId()),
            new ClOrdID(intent.clOrdId()), side(o.side()), new TransactTime(LocalDateTime.now()),
            new OrdType(OrdType.LIMIT));
        r.set(new Symbol(o.symbol()));
        r.set(new OrderQty(intent.qty()));
        r.setString(quickfix.field.Price.FIELD, Prices.format(intent.price()));
        m = r;
      }
      case STATUS -> {
        OrderIntent o = sent(intent.origClOrdId());
        OrderStatusRequest s = new OrderStatusRequest(new ClOrdID(intent.origClOrdId()), side(o.side()));
        s.set(new Symbol(o.symbol()));
        m = s;
      }
      default -> throw new IllegalArgumentException(intent.op().toString());
    }
    if (attempt > 1) {
      // PossResend (not PossDupFlag, which is the session's own resend): the same ClOrdID again
      m.getHeader().setField(new PossResend(true));
    }
    return m;
  }

  private OrderIntent sent(String clOrdId) {
    Order o = orders.get(clOrdId);
    if (o == null) {
      throw new IllegalArgumentException(broker.name() + " never sent ClOrdID " + clOrdId + " over FIX");
    }
    return o.sent;
  }

  private static Side side(String side) {
    return new Side(side.equals("BUY") ? Side.BUY : Side.SELL);
  }

  // ================================================================ from the session

  @Override
  public void onApp(Message m) {
    FixAnswer a = pending;
    boolean[] taken = {false};
    if (a != null && a.offer(m, taken)) {
      String id = "A" + testRequests.incrementAndGet();
      a.delimitWith(id);
      session.testRequest(id);
    }
    if (MsgType.EXECUTION_REPORT.equals(FixSession.type(m))) {
      learn(m);
    }
  }

  /** Any report (an answer or not: a later fill, a cancel by the exchange) updates the order. */
  private void learn(Message m) {
    char exec = FixAnswer.chr(m, ExecType.FIELD);
    if (exec == ExecType.ORDER_STATUS || exec == ExecType.REJECTED) {
      return; // a status is read by whoever asked; a rejected order never lived
    }
    String orig = FixAnswer.str(m, OrigClOrdID.FIELD);
    Order o = orders.get(exec == ExecType.CANCELED && !orig.isEmpty() ? orig : FixAnswer.str(m, ClOrdID.FIELD));
    if (o != null) {
      char st = FixAnswer.chr(m, OrdStatus.FIELD);
      o.live = FixAnswer.num(m, LeavesQty.FIELD) > 0 && st != OrdStatus.CANCELED && st != OrdStatus.FILLED;
    }
  }

  @Override
  public void onHeartbeat(String testReqId) {
    FixAnswer a = pending;
    if (a != null) {
      a.heartbeat(testReqId);
    }
  }

  @Override
  public void onDisconnect() {
    dropped.set(true);
    FixAnswer a = pending;
    if (a != null) {
      a.done().completeExceptionally(new IllegalStateException("disconnected"));
    }
  }

  @Override
  public boolean droppedSinceAsked() {
    return dropped.getAndSet(false);
  }

  @Override
  public List<OpenOrder> openOrders() {
    List<OpenOrder> out = new ArrayList<>();
    orders.forEach((id, o) -> {
      if (o.live && id.equals(o.sent.clOrdId())) { // once per order, not per replace's ClOrdID
        out.add(new OpenOrder(id, o.sent.symbol()));
      }
    });
    return out;
  }

  @Override
  public void close() {
    session.stop();
  }
}
