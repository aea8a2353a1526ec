package io.kabuto.gateway.fix;

import io.kabuto.testing.FreePorts;
import static io.kabuto.gateway.fix.FixClient.str;
import static io.kabuto.gateway.fix.FixClient.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.book.OrderBook;
import io.kabuto.gateway.Gateway;
import io.kabuto.gateway.ParticipantSession;
import io.kabuto.node.KabutoNode;
import io.kabuto.node.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import quickfix.Message;
import quickfix.StringField;
import quickfix.field.ClOrdID;
import quickfix.field.ExecType;
import quickfix.field.MsgType;
import quickfix.field.OrdType;
import quickfix.field.OrderQty;
import quickfix.field.OrigClOrdID;
import quickfix.field.OrigSendingTime;
import quickfix.field.PossDupFlag;
import quickfix.field.Price;
import quickfix.field.QuoteReqID;
import quickfix.field.Side;
import quickfix.field.Symbol;
import quickfix.field.TimeInForce;
import quickfix.field.TransactTime;
import quickfix.fix44.NewOrderSingle;
import quickfix.fix44.OrderCancelReplaceRequest;
import quickfix.fix44.OrderCancelRequest;
import quickfix.fix44.QuoteRequest;

/** A one-node cluster with all roles, and stock QuickFIX/J initiators trading through it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FixAcceptorTest {
  static final Duration WAIT = Duration.ofSeconds(15);
  static Path tmp;
  static KabutoNode node;
  static int port;
  static FixClient broker1;
  static FixClient broker2;
  static final String RUN = Long.toString(System.nanoTime(), 36);
  static final AtomicInteger ids = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    tmp = Files.createTempDirectory("kabuto-fix-test");
    port = FreePorts.next();
    StringBuilder symbols = new StringBuilder();
    for (int i = 1; i <= 14; i++) {
      symbols.append("\"T").append(i).append("\" { base-price = \"2000\", tick-table = TOPIX500, "
          + "lot-size = 100 }\n");
    }
    Path conf = tmp.resolve("node.conf");
    Files.writeString(conf, """
        kabuto.gateway.fix.port = %d
        kabuto.book.allow-unlisted-symbols = off
        kabuto.book.symbols { %s }
        kabuto.gateway.participants {
          BROKER4 { id = 4, password = "broker4", token = "broker4-token", rate-per-second = 1000,
                    max-order-qty = 1000000, max-notional-yen = 1000000000,
                    cancel-on-disconnect = on }
          FUZZ { id = 5, password = "fuzz", token = "fuzz-token", rate-per-second = 100000,
                 max-order-qty = 1000000, max-notional-yen = 1000000000,
                 cancel-on-disconnect = on }
        }
        """.formatted(port, symbols));
    node = KabutoNode.start(NodeConfig.build(new NodeConfig.Options().port(0).dataDir(tmp)
        .configFile(conf)));
    node.up().toCompletableFuture().get(60, TimeUnit.SECONDS);
    broker1 = new FixClient("BROKER1", "broker1", port, tmp.resolve("clients"), false);
    broker2 = new FixClient("BROKER2", "broker2", port, tmp.resolve("clients"), false);
    assertTrue(broker1.awaitLogon(WAIT), "BROKER1 logged on");
    assertTrue(broker2.awaitLogon(WAIT), "BROKER2 logged on");
  }

  @AfterAll
  static void stop() {
    for (FixClient c : new FixClient[] {broker1, broker2}) {
      if (c != null) {
        c.close();
      }
    }
    if (node != null) {
      node.terminate();
      node.awaitTermination(Duration.ofSeconds(30));
    }
  }

  static String id(String prefix) {
    return prefix + "-" + RUN + "-" + ids.incrementAndGet();
  }

  static NewOrderSingle nos(String clOrdId, String symbol, char side, String price, long qty) {
    NewOrderSingle m = new NewOrderSingle(new ClOrdID(clOrdId), new Side(side),
        new TransactTime(LocalDateTime.now()), new OrdType(price == null ? OrdType.MARKET
            : OrdType.LIMIT));
    m.set(new Symbol(symbol));
    m.set(new OrderQty(qty));
    if (price != null) {
      m.setString(Price.FIELD, price);
    }
    m.set(new TimeInForce(TimeInForce.DAY));
    return m;
  }

  static Message er(FixClient c, String clOrdId, char execType) throws InterruptedException {
    return c.await(type(MsgType.EXECUTION_REPORT, ClOrdID.FIELD, clOrdId)
        .and(m -> String.valueOf(execType).equals(str(m, ExecType.FIELD))), WAIT);
  }

  static OrderBook.Depth depth(String symbol) throws Exception {
    var system = node.system();
    return (OrderBook.Depth) AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>ask(
        Gateway.get(system).books(), r -> new ShardingEnvelope<>(symbol,
            new OrderBook.GetDepth(10, r)), Duration.ofSeconds(5), system.scheduler())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Quantity bid at {@code price} on {@code symbol}'s book, asked through node {@code n}. */
  static long bids(KabutoNode n, String symbol, long price) throws Exception {
    var system = n.system();
    OrderBook.Depth d = (OrderBook.Depth) AskPattern.<ShardingEnvelope<OrderBook.Command>,
        OrderBook.Response>ask(Gateway.get(system).books(), r -> new ShardingEnvelope<>(symbol,
            new OrderBook.GetDepth(10, r)), Duration.ofSeconds(10), system.scheduler())
        .toCompletableFuture().get(15, TimeUnit.SECONDS);
    return d.bids().stream().filter(l -> l.price() == price).mapToLong(OrderBook.Level::qty)
        .sum();
  }

  static long bidQty(String symbol) throws Exception {
    return depth(symbol).bids().stream().mapToLong(OrderBook.Level::qty).sum();
  }

  @Test
  void a_logged_on_broker_is_told_the_phase_and_gets_new_order_reports() throws Exception {
    Message ts = broker1.await(type(MsgType.TRADING_SESSION_STATUS), WAIT);
    assertEquals("2", str(ts, 340), "TradSesStatus open (CONTINUOUS)");
    String c = id("N");
    broker1.send(nos(c, "T1", Side.BUY, "2000", 100));
    Message er = er(broker1, c, ExecType.NEW);
    assertEquals("0", str(er, 39));
    assertEquals("100", str(er, 151).replace(".0", ""));
    assertEquals("T1", str(er, Symbol.FIELD));
    assertEquals(100, bidQty("T1"));
  }

  @Test
  void a_crossing_order_fills_both_sides() throws Exception {
    String sell = id("S");
    String buy = id("B");
    broker1.send(nos(sell, "T2", Side.SELL, "2000", 100));
    er(broker1, sell, ExecType.NEW);
    broker2.send(nos(buy, "T2", Side.BUY, "2000.5", 300));
    er(broker2, buy, ExecType.NEW);
    Message aggressor = er(broker2, buy, ExecType.TRADE);
    assertEquals("1", str(aggressor, 39), "partially filled");
    assertEquals(100.0, Double.parseDouble(str(aggressor, 32)));
    assertEquals(2000.0, Double.parseDouble(str(aggressor, 31)));
    assertEquals(200.0, Double.parseDouble(str(aggressor, 151)));
    assertEquals(100.0, Double.parseDouble(str(aggressor, 14)));
    Message passive = er(broker1, sell, ExecType.TRADE);
    assertEquals("2", str(passive, 39), "the resting sell is filled");
    assertEquals(2000.0, Double.parseDouble(str(passive, 6)));
    assertEquals(0.0, Double.parseDouble(str(passive, 151)));
  }

  @Test
  void cancel_and_cancel_reject() throws Exception {
    String c = id("C");
    broker1.send(nos(c, "T3", Side.BUY, "1999", 200));
    er(broker1, c, ExecType.NEW);
    String cx = id("CX");
    OrderCancelRequest req = new OrderCancelRequest(new OrigClOrdID(c), new ClOrdID(cx),
        new Side(Side.BUY), new TransactTime(LocalDateTime.now()));
    req.set(new Symbol("T3"));
    req.set(new OrderQty(200));
    broker1.send(req);
    Message er = er(broker1, cx, ExecType.CANCELED);
    assertEquals(c, str(er, OrigClOrdID.FIELD));
    assertEquals("4", str(er, 39));
    assertEquals(0, bidQty("T3"));

    String bad = id("CX");
    OrderCancelRequest unknown = new OrderCancelRequest(new OrigClOrdID("no-such-" + RUN),
        new ClOrdID(bad), new Side(Side.BUY), new TransactTime(LocalDateTime.now()));
    unknown.set(new Symbol("T3"));
    broker1.send(unknown);
    Message rej = broker1.await(type(MsgType.ORDER_CANCEL_REJECT, ClOrdID.FIELD, bad), WAIT);
    assertEquals("1", str(rej, 102), "CxlRejReason unknown order");
    assertNotNull(str(rej, 58));
  }

  @Test
  void replace_changes_price_and_quantity() throws Exception {
    String c = id("R");
    broker1.send(nos(c, "T4", Side.BUY, "1999", 100));
    er(broker1, c, ExecType.NEW);
    String r = id("RX");
    OrderCancelReplaceRequest req = new OrderCancelReplaceRequest(new OrigClOrdID(c),
        new ClOrdID(r), new Side(Side.BUY), new TransactTime(LocalDateTime.now()),
        new OrdType(OrdType.LIMIT));
    req.set(new Symbol("T4"));
    req.set(new OrderQty(300));
    req.setString(Price.FIELD, "1998.5");
    broker1.send(req);
    Message er = er(broker1, r, ExecType.REPLACED);
    assertEquals(c, str(er, OrigClOrdID.FIELD));
    assertEquals(300.0, Double.parseDouble(str(er, 38)));
    assertEquals(1998.5, Double.parseDouble(str(er, 44)));
    OrderBook.Depth d = depth("T4");
    assertEquals(1, d.bids().size());
    assertEquals(19985, d.bids().get(0).price());
    assertEquals(300, d.bids().get(0).qty());
  }

  @Test
  void a_possdup_resend_reports_the_original_order_and_places_nothing() throws Exception {
    String c = id("P");
    broker1.send(nos(c, "T5", Side.BUY, "2000", 100));
    er(broker1, c, ExecType.NEW);
    NewOrderSingle again = nos(c, "T5", Side.BUY, "2000", 100);
    again.getHeader().setField(new PossDupFlag(true));
    again.getHeader().setField(new OrigSendingTime(LocalDateTime.now(java.time.ZoneOffset.UTC)
        .minusSeconds(1)));
    broker1.send(again);
    Message status = er(broker1, c, ExecType.ORDER_STATUS);
    assertEquals("0", str(status, 39));
    assertEquals(100.0, Double.parseDouble(str(status, 151)));
    assertTrue(broker1.none(type(MsgType.EXECUTION_REPORT, ClOrdID.FIELD, c),
        Duration.ofMillis(500)), "no second report");
    assertEquals(100, bidQty("T5"), "one order on the book");
  }

  @Test
  void bad_orders_are_rejected_with_a_reason() throws Exception {
    String offTick = id("X");
    broker1.send(nos(offTick, "T6", Side.BUY, "2000.3", 100));
    assertTrue(str(er(broker1, offTick, ExecType.REJECTED), 58).contains("OFF_TICK"));
    String fine = id("X");
    broker1.send(nos(fine, "T6", Side.BUY, "2000.05", 100));
    assertTrue(str(er(broker1, fine, ExecType.REJECTED), 58).contains("0.1 yen"));
    String zero = id("X");
    broker1.send(nos(zero, "T6", Side.BUY, "2000", 0));
    assertEquals("13", str(er(broker1, zero, ExecType.REJECTED), 103));
    String huge = id("X");
    broker1.send(nos(huge, "T6", Side.BUY, "2000", 1_000_000_000_000L));
    assertNotNull(str(er(broker1, huge, ExecType.REJECTED), 58));
    String limits = id("X");
    broker1.send(nos(limits, "T6", Side.BUY, "9000", 100));
    assertTrue(str(er(broker1, limits, ExecType.REJECTED), 58).contains("OUTSIDE_PRICE_LIMIT"));
    String unknown = id("X");
    broker1.send(nos(unknown, "NOPE", Side.BUY, "2000", 100));
    Message u = er(broker1, unknown, ExecType.REJECTED);
    assertEquals("1", str(u, 103), "OrdRejReason unknown symbol");
    assertTrue(str(u, 58).contains("UNKNOWN_SYMBOL"));
    assertEquals(0, bidQty("T6"), "nothing reached the book");
  }

  @Test
  void unsupported_messages_get_a_business_reject_and_unknown_tags_a_session_reject()
      throws Exception {
    QuoteRequest q = new QuoteRequest(new QuoteReqID(id("Q")));
    QuoteRequest.NoRelatedSym sym = new QuoteRequest.NoRelatedSym();
    sym.set(new Symbol("T7"));
    q.addGroup(sym);
    broker1.send(q);
    Message bmr = broker1.await(type(MsgType.BUSINESS_MESSAGE_REJECT), WAIT);
    assertEquals("R", str(bmr, 372));

    String c = id("U");
    NewOrderSingle m = nos(c, "T7", Side.BUY, "2000", 100);
    m.setField(new StringField(9999, "x"));
    broker1.send(m);
    Message rej = broker1.await(type(MsgType.REJECT), WAIT);
    assertEquals("9999", str(rej, 371), "RefTagID");
    assertTrue(broker1.none(type(MsgType.EXECUTION_REPORT, ClOrdID.FIELD, c),
        Duration.ofMillis(500)));
    assertEquals(0, bidQty("T7"));
    // The session is healthy afterwards.
    String ok = id("U");
    broker1.send(nos(ok, "T7", Side.BUY, "2000", 100));
    er(broker1, ok, ExecType.NEW);
  }

  @Test
  void a_wrong_password_is_refused() throws Exception {
    try (FixClient c = new FixClient("BROKER3", "wrong", port, tmp.resolve("clients"), false)) {
      assertFalse(c.awaitLogon(Duration.ofSeconds(3)), "logged on with a wrong password");
      Message logout = c.await(type(MsgType.LOGOUT), WAIT);
      assertTrue(str(logout, 58).contains("password"), str(logout, 58));
    }
  }

  @Test
  void a_disconnect_cancels_the_participants_resting_orders() throws Exception {
    try (FixClient c = new FixClient("BROKER4", "broker4", port, tmp.resolve("clients"),
        false)) {
      assertTrue(c.awaitLogon(WAIT));
      String o = id("D");
      c.send(nos(o, "T8", Side.BUY, "2000", 100));
      er(c, o, ExecType.NEW);
      assertEquals(100, bidQty("T8"));
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (bidQty("T8") != 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(0, bidQty("T8"), "cancel-on-disconnect");
  }

  // ---------------------------------------------------------------- executions from the session

  static io.kabuto.gateway.Participant participant(String name) {
    return Gateway.get(node.system()).settings().participants().get(name);
  }

  /** An order entered the way the HTTP gateway enters it: straight into the session. */
  static ParticipantSession.Answer viaSession(String participant, String clOrdId, String symbol,
      io.kabuto.matching.Side side, long price, long qty) throws Exception {
    var system = node.system();
    return (ParticipantSession.Answer) AskPattern.<ParticipantSession.Command,
        ParticipantSession.Reply>ask(Gateway.get(system).session(participant(participant)),
            r -> new ParticipantSession.NewOrder(clOrdId, symbol, side,
                io.kabuto.matching.OrderType.LIMIT, io.kabuto.matching.TimeInForce.DAY, price,
                qty, System.currentTimeMillis(), r), Duration.ofSeconds(15), system.scheduler())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void a_resting_fix_order_hit_through_another_front_end_is_reported_to_its_owner()
      throws Exception {
    String sell = id("RS");
    broker1.send(nos(sell, "T10", Side.SELL, "2000", 300));
    er(broker1, sell, ExecType.NEW);
    ParticipantSession.Answer a = viaSession("BROKER2", id("HB"), "T10",
        io.kabuto.matching.Side.BUY, 20_000, 100);
    assertTrue(a.book() instanceof OrderBook.Accepted, a.toString());
    Message fill = er(broker1, sell, ExecType.TRADE);
    assertEquals("1", str(fill, 39), "partially filled");
    assertEquals(100.0, Double.parseDouble(str(fill, 32)));
    assertEquals(2000.0, Double.parseDouble(str(fill, 31)));
    assertEquals(100.0, Double.parseDouble(str(fill, 14)));
    assertEquals(200.0, Double.parseDouble(str(fill, 151)));
    assertEquals(2000.0, Double.parseDouble(str(fill, 6)));
    assertTrue(str(fill, 17).startsWith("T10-T"), "ExecID from the trade: " + str(fill, 17));
  }

  /**
   * The FIX side of an execution of an order this acceptor never saw (placed through the
   * session, as the HTTP gateway or another gateway node would): the execution is handed to
   * the acceptor's listener as the session hands it, and the report is built from the book's
   * order status.
   */
  @Test
  void an_execution_of_an_order_placed_elsewhere_is_reported_with_its_quantities()
      throws Exception {
    String restClOrdId = id("HS");
    ParticipantSession.Answer rest = viaSession("BROKER1", restClOrdId, "T11",
        io.kabuto.matching.Side.SELL, 20_000, 500);
    assertTrue(rest.book() instanceof OrderBook.Accepted, rest.toString());
    ParticipantSession.Answer hit = viaSession("BROKER2", id("HB"), "T11",
        io.kabuto.matching.Side.BUY, 20_000, 200);
    OrderBook.EventData trade = ((OrderBook.Accepted) hit.book()).events().stream()
        .filter(e -> e.type() == io.kabuto.matching.EventType.TRADE).findFirst().orElseThrow();
    var exec = new ParticipantSession.Execution(restClOrdId, "T11", rest.orderId(), trade, 99, 0, null);
    org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(node.system())
        .actorSelection("/system/fix-executions-1-*")
        .tell(exec, org.apache.pekko.actor.ActorRef.noSender());
    Message fill = er(broker1, restClOrdId, ExecType.TRADE);
    assertEquals(Long.toString(rest.orderId()), str(fill, 37));
    assertEquals(200.0, Double.parseDouble(str(fill, 32)));
    assertEquals(200.0, Double.parseDouble(str(fill, 14)), "CumQty = qty - leaves");
    assertEquals(300.0, Double.parseDouble(str(fill, 151)));
    assertEquals(500.0, Double.parseDouble(str(fill, 38)), "OrderQty from the book");
    assertEquals(2000.0, Double.parseDouble(str(fill, 6)), "first fill: AvgPx known");
    assertEquals("T11-T" + trade.tradeId() + "-S", str(fill, 17));
  }

  @Test
  void order_status_request_answers_for_any_order_of_the_participant() throws Exception {
    String elsewhere = id("OS");
    viaSession("BROKER1", elsewhere, "T12", io.kabuto.matching.Side.BUY, 19_990, 300);
    quickfix.fix44.OrderStatusRequest req = new quickfix.fix44.OrderStatusRequest(
        new ClOrdID(elsewhere), new Side(Side.BUY));
    req.set(new Symbol("T12"));
    broker1.send(req);
    Message st = er(broker1, elsewhere, ExecType.ORDER_STATUS);
    assertEquals("0", str(st, 39), "new");
    assertEquals(300.0, Double.parseDouble(str(st, 151)));
    assertEquals(1999.0, Double.parseDouble(str(st, 44)));

    String none = id("OS");
    quickfix.fix44.OrderStatusRequest unknown = new quickfix.fix44.OrderStatusRequest(
        new ClOrdID(none), new Side(Side.BUY));
    unknown.set(new Symbol("T12"));
    broker1.send(unknown);
    Message u = er(broker1, none, ExecType.ORDER_STATUS);
    assertEquals("8", str(u, 39), "OrdStatus rejected: no such order");
    assertTrue(str(u, 58).contains(none), str(u, 58));
  }

  // ---------------------------------------------------------------- trading session status

  static java.util.function.Predicate<Message> tss(String subId, String status) {
    return type(MsgType.TRADING_SESSION_STATUS).and(m -> java.util.Objects.equals(subId,
        str(m, 625)) && status.equals(str(m, 340)));
  }

  @Test
  void a_halt_and_its_resumption_are_pushed_to_every_session() throws Exception {
    var system = node.system();
    io.kabuto.market.MarketOps.writeHalt(system, "T13", true, "test halt", "operator")
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    Message halted = broker1.await(tss("T13", "1"), WAIT);
    assertTrue(str(halted, 58).contains("T13"), str(halted, 58));
    broker2.await(tss("T13", "1"), WAIT);
    io.kabuto.market.MarketOps.writeHalt(system, "T13", false, "test over", "operator")
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    broker1.await(tss("T13", "2"), WAIT);
    broker2.await(tss("T13", "2"), WAIT);
  }
}
