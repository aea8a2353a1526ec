package io.kabuto.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kabuto.book.OrderBook;
import io.kabuto.gateway.ParticipantSession.Answer;
import io.kabuto.gateway.ParticipantSession.Refused;
import io.kabuto.gateway.ParticipantSession.Reply;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.time.Duration;
import io.kabuto.matching.EventType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A participant session against real order books (in-memory journal) behind a stand-in for the
 * sharding region that can drop messages, as a region does while a book fails over. The stand-in
 * carries out {@link OrderBook.CancelAllOf} itself (a cancel per order it saw placed), so these
 * tests exercise the session's side of mass cancels; GatewayNodesTest runs the real books.
 * Two sessions of one participant in this one-node cluster stand for two gateway nodes: they
 * share only what two nodes share (the books, Distributed Data, the executions topic).
 */
class ParticipantSessionTest {
  private static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
      pekko.cluster.jmx.enabled = off
      pekko.actor.serialization-bindings { "io.kabuto.CborSerializable" = jackson-cbor }
      kabuto.gateway { attempt-timeout = 200ms, book-deadline = 1500ms }
      kabuto.book.defaults { base-price = "2000", tick-table = TOPIX500 }
      kabuto.book.symbols { L1 {}, L2 {} }
      """).withFallback(EventSourcedBehaviorTestKit.config()).withFallback(ConfigFactory.load())
      .resolve();
  private static final ActorTestKit kit = ActorTestKit.create("ParticipantSessionTest", CONFIG);

  static {
    var cluster = org.apache.pekko.cluster.typed.Cluster.get(kit.system());
    cluster.manager().tell(org.apache.pekko.cluster.typed.Join.create(
        cluster.selfMember().address()));
  }
  private static final AtomicInteger symbols = new AtomicInteger();
  private static final GatewaySettings SETTINGS = GatewaySettings.fromConfig(CONFIG);
  private static final long PRICE = 20_000; // 2000 yen

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  /**
   * A sharding region stand-in: one book per symbol; drops the next {@code drop} messages and
   * every message to a symbol in {@code silent}; carries out CancelAllOf as one cancel per order
   * of the participant it saw placed in that book.
   */
  private static Behavior<ShardingEnvelope<OrderBook.Command>> region(AtomicInteger drop,
      Set<String> silent) {
    return Behaviors.setup(ctx -> {
      Map<String, ActorRef<OrderBook.Command>> books = new HashMap<>();
      Map<String, List<long[]>> placed = new HashMap<>();
      return Behaviors.receiveMessage(env -> {
        if (drop.get() != 0) {
          drop.decrementAndGet();
          return Behaviors.same();
        }
        if (silent.contains(env.entityId())) {
          return Behaviors.same();
        }
        if (env.message() instanceof OrderBook.CancelAllOf all
            && !books.containsKey(env.entityId())) {
          all.replyTo().tell(new OrderBook.Ack(List.of())); // no book, no orders
          return Behaviors.same();
        }
        ActorRef<OrderBook.Command> book = books.computeIfAbsent(env.entityId(),
            s -> ctx.spawn(OrderBook.create(s), "book-" + s));
        if (env.message() instanceof OrderBook.OrderBatch batch) {
          // what a book's front does with a gateway node's batch: each command on its own, the
          // answers together
          List<CompletableFuture<OrderBook.Response>> answers = new ArrayList<>();
          for (OrderBook.Command c : batch.commands()) {
            if (c instanceof OrderBook.PlaceOrder o) {
              placed.computeIfAbsent(env.entityId(), s -> new ArrayList<>())
                  .add(new long[] {o.orderId(), o.participant()});
            }
            answers.add(AskPattern.<OrderBook.Command, OrderBook.Response>ask(book,
                r -> OrderBook.withReplyTo(c, r), Duration.ofSeconds(3), kit.scheduler())
                .toCompletableFuture());
          }
          CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete(
              (v, e) -> batch.replyTo().tell(new OrderBook.BatchAnswer(batch.id(),
                  answers.stream().map(a -> a.isCompletedExceptionally() ? null : a.join())
                      .toList())));
          return Behaviors.same();
        }
        if (env.message() instanceof OrderBook.PlaceOrder o) {
          placed.computeIfAbsent(env.entityId(), s -> new ArrayList<>())
              .add(new long[] {o.orderId(), o.participant()});
        }
        if (env.message() instanceof OrderBook.CancelAllOf all) {
          List<CompletableFuture<OrderBook.Response>> cancels = new ArrayList<>();
          for (long[] o : placed.getOrDefault(env.entityId(), List.of())) {
            if (o[1] == all.participant()) {
              cancels.add(AskPattern.<OrderBook.Command, OrderBook.Response>ask(book,
                  r -> new OrderBook.CancelOrder(o[0], all.participant(), all.time(), r),
                  Duration.ofSeconds(3), kit.scheduler()).toCompletableFuture());
            }
          }
          CompletableFuture.allOf(cancels.toArray(CompletableFuture[]::new)).thenRun(() -> {
            List<OrderBook.EventData> events = new ArrayList<>();
            for (var c : cancels) {
              if (c.join() instanceof OrderBook.Accepted a) {
                a.events().stream().filter(e -> e.type() == EventType.CANCELLED)
                    .forEach(events::add);
              }
            }
            all.replyTo().tell(new OrderBook.Ack(events));
          });
          return Behaviors.same();
        }
        book.tell(env.message());
        return Behaviors.same();
      });
    });
  }

  private record Setup(ActorRef<ParticipantSession.Command> session, String symbol,
      AtomicInteger drop, Set<String> silent,
      ActorRef<ShardingEnvelope<OrderBook.Command>> region) {}

  private static Setup setup(String participant) {
    AtomicInteger drop = new AtomicInteger();
    Set<String> silent = ConcurrentHashMap.newKeySet();
    var region = kit.spawn(region(drop, silent));
    var session = kit.spawn(ParticipantSession.create(
        SETTINGS.participants().get(participant), SETTINGS, region));
    return new Setup(session, "T" + symbols.incrementAndGet(), drop, silent, region);
  }

  /** Another gateway node's session of {@code participant}, in front of the same books. */
  private static ActorRef<ParticipantSession.Command> otherNode(Setup s, String participant) {
    return kit.spawn(ParticipantSession.create(SETTINGS.participants().get(participant),
        SETTINGS, s.region()));
  }

  private static Reply newOrder(Setup s, String clOrdId, Side side, long price, long qty) {
    return newOrder(s.session(), s.symbol(), clOrdId, side, price, qty);
  }

  private static Reply newOrder(ActorRef<ParticipantSession.Command> session, String symbol,
      String clOrdId, Side side, long price, long qty) {
    return ask(session, p -> new ParticipantSession.NewOrder(clOrdId, symbol, side,
        OrderType.LIMIT, TimeInForce.DAY, price, qty, 1000, p));
  }

  private static Reply ask(ActorRef<ParticipantSession.Command> session,
      java.util.function.Function<ActorRef<Reply>, ParticipantSession.Command> command) {
    TestProbe<Reply> p = kit.createTestProbe();
    session.tell(command.apply(p.ref()));
    return p.receiveMessage(Duration.ofSeconds(10));
  }

  private static long bidQty(Setup s) {
    return bidQty(s, s.symbol());
  }

  private static long bidQty(Setup s, String symbol) {
    TestProbe<OrderBook.Response> p = kit.createTestProbe();
    s.region().tell(new ShardingEnvelope<>(symbol, new OrderBook.GetDepth(10, p.ref())));
    OrderBook.Depth d = (OrderBook.Depth) p.receiveMessage();
    return d.bids().stream().mapToLong(OrderBook.Level::qty).sum();
  }

  private static OrderBook.Response book(Reply r) {
    return assertInstanceOf(Answer.class, r, String.valueOf(r)).book();
  }

  @Test
  void a_resent_clordid_gets_the_original_order_not_a_second_one() {
    Setup s = setup("BROKER1");
    Answer first = (Answer) newOrder(s, "A-1", Side.BUY, PRICE, 100);
    assertInstanceOf(OrderBook.Accepted.class, first.book());
    Answer again = (Answer) newOrder(s, "A-1", Side.BUY, PRICE, 100);
    assertEquals(first.orderId(), again.orderId());
    assertInstanceOf(OrderBook.Accepted.class, again.book());
    assertEquals(100, bidQty(s), "one order on the book");
    Refused other = assertInstanceOf(Refused.class, newOrder(s, "A-1", Side.BUY, PRICE, 200));
    assertEquals(GatewayReject.DUPLICATE_CLORDID, other.code());
  }

  @Test
  void while_a_book_fails_over_the_order_is_retried_and_placed_once() {
    Setup s = setup("BROKER1");
    s.drop().set(3); // three attempts vanish, as in a shard hand-over
    assertInstanceOf(OrderBook.Accepted.class, book(newOrder(s, "F-1", Side.BUY, PRICE, 100)));
    assertEquals(100, bidQty(s));
  }

  /**
   * Beyond the in-flight bound, a new order is refused EXCHANGE_BUSY at once, without waiting
   * for the book and without becoming an order; a cancel still gets through (twice the room);
   * once the book answers again, orders go through.
   */
  @Test
  void beyond_the_in_flight_bound_orders_are_refused_busy_at_once() {
    GatewaySettings tight = new GatewaySettings(SETTINGS.attemptTimeout(),
        java.time.Duration.ofSeconds(30), SETTINGS.killSwitchWriteTimeout(),
        SETTINGS.adminToken(), SETTINGS.participants(), 2, 100, SETTINGS.maxAttemptTimeout());
    AtomicInteger drop = new AtomicInteger();
    Set<String> silent = ConcurrentHashMap.newKeySet();
    var region = kit.spawn(region(drop, silent));
    var session = kit.spawn(ParticipantSession.create(SETTINGS.participants().get("BROKER1"),
        tight, region));
    String symbol = "T" + symbols.incrementAndGet();
    silent.add(symbol); // the book does not answer: requests stay in flight
    TestProbe<Reply> waiting = kit.createTestProbe();
    for (int i = 1; i <= 2; i++) {
      int n = i;
      session.tell(new ParticipantSession.NewOrder("B-" + n, symbol, Side.BUY, OrderType.LIMIT,
          TimeInForce.DAY, PRICE, 100, 1000, waiting.ref()));
    }
    long t0 = System.nanoTime();
    Refused busy = assertInstanceOf(Refused.class,
        newOrder(session, symbol, "B-3", Side.BUY, PRICE, 100));
    assertEquals(GatewayReject.EXCHANGE_BUSY, busy.code(), busy.reason());
    assertTrue(busy.reason().contains("2 requests of this session in flight"), busy.reason());
    assertTrue(System.nanoTime() - t0 < java.time.Duration.ofSeconds(5).toNanos(),
        "refused at once, not after the book's deadline");
    // a cancel has twice the room: it goes to the book (and waits there too)
    TestProbe<Reply> cancel = kit.createTestProbe();
    session.tell(new ParticipantSession.CancelOrder("C-1", "B-1", 1000, cancel.ref()));
    cancel.expectNoMessage(java.time.Duration.ofMillis(500));
    silent.clear(); // the book answers again: the waiting ones are retried and placed
    for (int i = 0; i < 2; i++) {
      assertInstanceOf(OrderBook.Accepted.class, book(waiting.receiveMessage(
          java.time.Duration.ofSeconds(20))));
    }
    assertInstanceOf(Answer.class, cancel.receiveMessage(java.time.Duration.ofSeconds(20)),
        "the cancel reached the book");
    assertInstanceOf(OrderBook.Accepted.class,
        book(newOrder(session, symbol, "B-4", Side.BUY, PRICE, 100)));
    Refused never = assertInstanceOf(Refused.class,
        ask(session, p -> new ParticipantSession.GetOrder("B-3", p)));
    assertEquals(GatewayReject.UNKNOWN_CLORDID, never.code(), "B-3 never became an order");
  }

  @Test
  void past_the_deadline_the_client_learns_the_exchange_is_unavailable() {
    Setup s = setup("BROKER1");
    s.drop().set(-1); // never answers
    Refused r = assertInstanceOf(Refused.class, newOrder(s, "U-1", Side.BUY, PRICE, 100));
    assertEquals(GatewayReject.EXCHANGE_UNAVAILABLE, r.code());
    s.drop().set(0);
    // the resend of the same ClOrdID tells its state and never adds a second order
    assertInstanceOf(OrderBook.Accepted.class, book(newOrder(s, "U-1", Side.BUY, PRICE, 100)));
    assertEquals(100, bidQty(s));
  }

  @Test
  void rate_cap_and_hard_limits_refuse_without_asking_the_book() {
    Setup s = setup("BROKER3"); // 5 orders per second, max 100,000 shares, 100M yen
    int refused = 0;
    for (int i = 0; i < 8; i++) {
      if (newOrder(s, "R-" + i, Side.BUY, PRICE, 100) instanceof Refused r) {
        assertEquals(GatewayReject.RATE_LIMITED, r.code());
        refused++;
      }
    }
    assertTrue(refused >= 2, "8 orders at once against a cap of 5/s: " + refused + " refused");
    Setup t = setup("BROKER2");
    assertEquals(GatewayReject.QUANTITY_LIMIT,
        ((Refused) newOrder(t, "Q-1", Side.BUY, PRICE, 2_000_000)).code());
    assertEquals(GatewayReject.NOTIONAL_LIMIT,
        ((Refused) newOrder(t, "N-1", Side.BUY, PRICE, 900_000)).code()); // 1.8bn yen
    assertEquals(GatewayReject.NOTIONAL_LIMIT,
        ((Refused) newOrder(t, "N-2", Side.BUY, Long.MAX_VALUE / 2, 100)).code());
    // A replace may not take an order past the limits either.
    assertInstanceOf(OrderBook.Accepted.class, book(newOrder(t, "N-3", Side.BUY, PRICE, 100)));
    Reply bigger = ask(t.session(), p -> new ParticipantSession.ReplaceOrder("N-3b", "N-3", PRICE,
        900_000, 1001, p));
    assertEquals(GatewayReject.NOTIONAL_LIMIT, ((Refused) bigger).code(), bigger.toString());
    assertEquals(100, bidQty(t), "the refused replace left the order as it was");
  }

  @Test
  void the_kill_switch_cancels_everything_and_blocks_until_released() {
    Setup s = setup("BROKER1");
    newOrder(s, "K-1", Side.BUY, PRICE, 100);
    newOrder(s, "K-2", Side.BUY, PRICE - 10, 200);
    TestProbe<Reply> p = kit.createTestProbe();
    s.session().tell(new ParticipantSession.KillSwitch(true, 2000, p.ref()));
    var state = assertInstanceOf(ParticipantSession.KillSwitchState.class, p.receiveMessage());
    assertEquals(2, state.cancelled());
    assertEquals(GatewayReject.KILL_SWITCH,
        ((Refused) newOrder(s, "K-3", Side.BUY, PRICE, 100)).code());
    assertEquals(0, bidQty(s), "everything cancelled");
    s.session().tell(new ParticipantSession.KillSwitch(false, 3000, p.ref()));
    p.receiveMessage();
    assertInstanceOf(OrderBook.Accepted.class, book(newOrder(s, "K-4", Side.BUY, PRICE, 100)));
  }

  @Test
  void cancel_on_disconnect_and_own_orders_only() {
    Setup s = setup("BROKER1");
    newOrder(s, "D-1", Side.BUY, PRICE, 100);
    // another participant's session does not know BROKER1's ClOrdIDs
    var other = kit.spawn(ParticipantSession.create(SETTINGS.participants().get("BROKER2"),
        SETTINGS, s.region()));
    TestProbe<Reply> p = kit.createTestProbe();
    other.tell(new ParticipantSession.CancelOrder("X-1", "D-1", 1500, p.ref()));
    assertEquals(GatewayReject.UNKNOWN_CLORDID, ((Refused) p.receiveMessage()).code());
    assertEquals(100, bidQty(s));
    s.session().tell(new ParticipantSession.Disconnected(2000));
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (bidQty(s) != 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(0, bidQty(s), "cancel-on-disconnect");
  }

  /** Polls until {@code check} holds (DD and pub-sub changes arrive asynchronously). */
  private static void await(String what, java.util.function.BooleanSupplier check) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static ParticipantSession.KillSwitchState kill(ActorRef<ParticipantSession.Command> s,
      boolean engage) {
    return assertInstanceOf(ParticipantSession.KillSwitchState.class,
        ask(s, r -> new ParticipantSession.KillSwitch(engage, 2000, r)));
  }

  @Test
  void the_kill_switch_holds_on_every_node_and_names_the_books_that_did_not_answer() {
    Setup s = setup("BROKER1");
    var nodeB = otherNode(s, "BROKER1");
    // One order through each "node", both in listed book L1; the books know both.
    assertInstanceOf(OrderBook.Accepted.class, book(newOrder(s.session(), "L1", "KW-1", Side.BUY,
        PRICE, 100)));
    assertInstanceOf(OrderBook.Accepted.class, book(newOrder(nodeB, "L1", "KW-2", Side.BUY,
        PRICE, 200)));
    s.silent().add("L2"); // L2's book is failing over for longer than the book deadline
    try {
      var state = kill(s.session(), true);
      assertTrue(state.engaged());
      assertEquals(2, state.cancelled(), state.toString());
      assertEquals(List.of("L2"), state.unanswered(), state.toString());
      assertTrue(state.recorded(), state.toString());
      assertEquals(0, bidQty(s, "L1"));
      // The other node refuses new orders and replaces once Distributed Data reaches it.
      await("node B refuses", () -> newOrder(nodeB, s.symbol(), "KW-3", Side.BUY, PRICE, 100)
          instanceof Refused r && r.code() == GatewayReject.KILL_SWITCH);
      Refused replace = assertInstanceOf(Refused.class, ask(nodeB,
          r -> new ParticipantSession.ReplaceOrder("KW-4", "KW-2", "L1", 0, 50, 2000, r)));
      assertEquals(GatewayReject.KILL_SWITCH, replace.code());
      // A session started after the engage refuses from its very first order.
      var nodeC = otherNode(s, "BROKER1");
      assertEquals(GatewayReject.KILL_SWITCH, assertInstanceOf(Refused.class,
          newOrder(nodeC, s.symbol(), "KW-5", Side.BUY, PRICE, 100)).code());
      // Released on node B: node A trades again.
      assertEquals(false, kill(nodeB, false).engaged());
      await("node A accepts", () -> newOrder(s.session(), s.symbol(), "KW-6-" + System.nanoTime(),
          Side.BUY, PRICE, 100) instanceof Answer a && a.book() instanceof OrderBook.Accepted);
    } finally {
      s.silent().clear();
      kill(s.session(), false);
    }
  }

  private static OrderBook.EventData trade(long buyOrder, long sellOrder, int buyer, int seller,
      long qty, long buyLeaves, long sellLeaves) {
    return new OrderBook.EventData(EventType.TRADE, 5000, 77, buyOrder, sellOrder, buyer, seller,
        Side.SELL.ordinal(), OrderType.LIMIT.ordinal(), TimeInForce.DAY.ordinal(), PRICE, 0, qty,
        buyLeaves, sellLeaves, 0, 0);
  }

  @Test
  void unsolicited_executions_reach_every_subscriber_once_with_the_latest_clordid() {
    Setup s = setup("BROKER2");
    assertInstanceOf(OrderBook.Accepted.class, book(newOrder(s, "E-1", Side.BUY, PRICE, 300)));
    assertInstanceOf(OrderBook.Accepted.class, book(ask(s.session(),
        r -> new ParticipantSession.ReplaceOrder("E-2", "E-1", 0, 250, 1500, r))));
    TestProbe<Reply> sub1 = kit.createTestProbe();
    TestProbe<Reply> sub2 = kit.createTestProbe();
    s.session().tell(new ParticipantSession.Subscribe(sub1.ref()));
    s.session().tell(new ParticipantSession.Subscribe(sub2.ref()));
    var topic = io.kabuto.book.BookTopics.get(kit.system()).executions(2);
    long mine = OrderIds.of(2, "E-1");
    var fill = new io.kabuto.book.BookTopics.OwnExecution(s.symbol(), 7, 1, mine, 2,
        trade(mine, 999, 2, 1, 100, 150, 0), null);
    // The session's topic subscription registers asynchronously: publish until it is heard.
    // Every copy has the same (symbol, bookSeq, index, order), so only one may come through.
    Reply first = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (first == null) {
      topic.tell(org.apache.pekko.actor.typed.pubsub.Topic.publish(fill));
      try {
        first = sub1.receiveMessage(Duration.ofMillis(200));
      } catch (AssertionError none) {
        assertTrue(System.nanoTime() < deadline, "no execution within 10 s");
      }
    }
    topic.tell(org.apache.pekko.actor.typed.pubsub.Topic.publish(fill));
    long other = OrderIds.of(2, "PLACED-ELSEWHERE");
    topic.tell(org.apache.pekko.actor.typed.pubsub.Topic.publish(
        new io.kabuto.book.BookTopics.OwnExecution(s.symbol(), 8, 0, other, 2,
            trade(555, other, 3, 2, 10, 0, 90), null)));
    for (TestProbe<Reply> sub : List.of(sub1, sub2)) {
      var e = assertInstanceOf(ParticipantSession.Execution.class,
          sub == sub1 ? first : sub.receiveMessage(Duration.ofSeconds(5)));
      assertEquals("E-2", e.clOrdId(), "the latest ClOrdID after the replace");
      assertEquals(mine, e.orderId());
      assertEquals(7, e.bookSeq());
      assertEquals(1, e.index());
      var unknown = assertInstanceOf(ParticipantSession.Execution.class,
          sub.receiveMessage(Duration.ofSeconds(5)));
      assertEquals(8, unknown.bookSeq(), "the duplicate of seq 7 is not forwarded: " + unknown);
      assertEquals(null, unknown.clOrdId(), "placed through another node: no ClOrdID here");
      sub.expectNoMessage(Duration.ofMillis(300));
    }
  }

  @Test
  void orders_placed_through_another_gateway_node_are_found_by_symbol() {
    Setup s = setup("BROKER1");
    assertInstanceOf(OrderBook.Accepted.class, book(newOrder(s, "G-1", Side.BUY, PRICE, 300)));
    var nodeB = otherNode(s, "BROKER1");
    Refused blind = assertInstanceOf(Refused.class,
        ask(nodeB, r -> new ParticipantSession.CancelOrder("G-X", "G-1", 1500, r)));
    assertEquals(GatewayReject.UNKNOWN_CLORDID, blind.code());
    assertTrue(blind.reason().contains("symbol"), blind.reason());

    var status = assertInstanceOf(OrderBook.OrderStatus.class, book(ask(nodeB,
        r -> new ParticipantSession.GetOrder("G-1", s.symbol(), r))));
    assertEquals(OrderBook.OrderState.LIVE, status.state());
    assertEquals(300, status.qty());
    // A replace through node B keeps the price it learned from the book.
    assertInstanceOf(OrderBook.Accepted.class, book(ask(nodeB,
        r -> new ParticipantSession.ReplaceOrder("G-2", "G-1", s.symbol(), 0, 200, 1600, r))));
    assertEquals(200, bidQty(s));
    // The new ClOrdID is now known on node B, without a symbol.
    var cancelled = assertInstanceOf(OrderBook.Accepted.class, book(ask(nodeB,
        r -> new ParticipantSession.CancelOrder("G-3", "G-2", 1700, r))));
    assertTrue(cancelled.events().stream().anyMatch(e -> e.type() == EventType.CANCELLED));
    assertEquals(0, bidQty(s));

    // Another participant naming BROKER1's ClOrdID reaches nothing of BROKER1's.
    var broker2 = otherNode(s, "BROKER2");
    assertInstanceOf(OrderBook.Accepted.class, book(newOrder(s, "G-4", Side.BUY, PRICE, 100)));
    assertEquals(GatewayReject.UNKNOWN_CLORDID, assertInstanceOf(Refused.class, ask(broker2,
        r -> new ParticipantSession.GetOrder("G-4", s.symbol(), r))).code());
    var notMine = assertInstanceOf(OrderBook.Rejected.class, book(ask(broker2,
        r -> new ParticipantSession.CancelOrder("G-5", "G-4", s.symbol(), 1800, r))));
    assertEquals(io.kabuto.matching.Reject.UNKNOWN_ORDER, notMine.code());
    assertEquals(100, bidQty(s));
    // An order never placed: the book says so.
    var never = assertInstanceOf(OrderBook.Rejected.class, book(ask(nodeB,
        r -> new ParticipantSession.CancelOrder("G-6", "NEVER", s.symbol(), 1900, r))));
    assertEquals(io.kabuto.matching.Reject.UNKNOWN_ORDER, never.code());
  }

  @Test
  void cancel_on_disconnect_waits_for_the_last_live_connection_on_this_node() throws Exception {
    Setup s = setup("BROKER1");
    newOrder(s, "C-1", Side.BUY, PRICE, 100);
    TestProbe<Reply> fix = kit.createTestProbe();
    TestProbe<Reply> ws = kit.createTestProbe();
    s.session().tell(new ParticipantSession.Subscribe(fix.ref()));
    s.session().tell(new ParticipantSession.Subscribe(ws.ref()));
    s.session().tell(new ParticipantSession.Disconnected(2000, fix.ref()));
    // Negative check: give a wrongly started mass cancel time to land.
    Thread.sleep(500);
    assertEquals(100, bidQty(s), "the WebSocket is still connected");
    s.session().tell(new ParticipantSession.Disconnected(2100, ws.ref()));
    await("cancel-on-disconnect", () -> bidQty(s) == 0);
  }

  @Test
  void order_ids_are_derived_per_participant() {
    assertEquals(OrderIds.of(1, "abc"), OrderIds.of(1, "abc"));
    assertNotEquals(OrderIds.of(1, "abc"), OrderIds.of(2, "abc"));
    assertNotEquals(OrderIds.of(1, "abc"), OrderIds.of(1, "abd"));
    assertTrue(OrderIds.of(65535, "zzz") > 0);
  }
}
