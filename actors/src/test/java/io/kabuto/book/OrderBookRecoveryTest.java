package io.kabuto.book;

import static io.kabuto.book.BookFlow.yen;
import static io.kabuto.book.BookKit.run;
import static io.kabuto.book.OrderBookFixture.CONFIG;
import static io.kabuto.book.OrderBookFixture.RULES;
import static io.kabuto.book.OrderBookFixture.depth;
import static io.kabuto.book.OrderBookFixture.freshSymbol;
import static io.kabuto.book.OrderBookFixture.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.book.OrderBook.Accepted;
import io.kabuto.book.OrderBook.Command;
import io.kabuto.book.OrderBook.Depth;
import io.kabuto.book.OrderBook.Event;
import io.kabuto.book.OrderBook.GetDepth;
import io.kabuto.book.OrderBook.GetOrder;
import io.kabuto.book.OrderBook.OrderState;
import io.kabuto.book.OrderBook.OrderStatus;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.Rejected;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.book.OrderBook.State;
import io.kabuto.matching.EventType;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * An order book's recovery: replay with and without snapshots, snapshots through CBOR, a failed
 * journal write and a command that crashes the book.
 */
class OrderBookRecoveryTest {
  private static final ActorTestKit testKit = ActorTestKit.create("OrderBookRecoveryTest", OrderBookFixture.CONFIG);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<Command, Event, State> kit(String symbol) {
    return OrderBookFixture.kit(testKit, symbol);
  }


  /**
   * A few hundred random commands: every reply equals the oracle's (the bare core fed the same
   * commands), then restart (snapshot + replay) gives the same depth and hash, and retries of
   * early orders still get their first answers.
   */
  @Test
  void randomFlowMatchesTheCoreAndSurvivesRestart() {
    String sym = freshSymbol();
    var kit = kit(sym);
    BookFlow flow = new BookFlow(42, yen(2000), yen(0.5), 1);
    BookFlow.Oracle oracle = new BookFlow.Oracle(RULES.withInitialPhase(Phase.CONTINUOUS));
    List<Accepted> firstAnswers = new ArrayList<>();
    List<BookFlow.Step> firstPlaces = new ArrayList<>();
    int specialQuotes = 0;
    for (int i = 0; i < 400; i++) {
      BookFlow.Step step = flow.next();
      Command probeCmd = step.apply(null);
      Response expected = oracle.expect(probeCmd);
      Response actual = run(kit, step);
      assertEquals(expected, actual, "command " + i + ": " + probeCmd);
      if (oracle.book.specialQuoteShown()) specialQuotes++;
      if (probeCmd instanceof PlaceOrder p && actual instanceof Accepted a && firstPlaces.size() < 40) {
        firstAnswers.add(a);
        firstPlaces.add(r -> new PlaceOrder(p.orderId(), p.participant(), p.side(), p.type(), p.tif(), p.price(),
            p.qty(), p.stp(), p.time() + 1, r));
      }
    }
    assertTrue(specialQuotes > 0, "the flow should reach a special quote at least once");
    Depth before = depth(kit);
    assertEquals(oracle.book.stateHash(), before.stateHash());
    assertTrue(before.tradeCount() > 20, "trades: " + before.tradeCount());

    // snapshots were written (every 7 events) and serialized by the testkit's store
    SnapshotTestKit snaps = kit.snapshotTestKit().orElseThrow();
    assertFalse(snaps.persistedInStorage(OrderBook.persistenceId(sym).id()).isEmpty());

    State recovered = kit.restart().state();
    assertEquals(before.stateHash(), recovered.stateHash());
    assertEquals(before, depth(kit));
    for (int i = 0; i < firstPlaces.size(); i++) {
      assertEquals(firstAnswers.get(i), run(kit, firstPlaces.get(i)), "retry " + i);
    }
    assertEquals(before, depth(kit));
  }

  /** Recovery from events only (no snapshot yet) and from snapshot + events give the same book. */
  @Test
  void replayWithAndWithoutSnapshotAgree() {
    var kit = kit(freshSymbol());
    BookFlow flow = new BookFlow(7, yen(2000), yen(0.5), 1);
    List<Long> hashes = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      run(kit, flow.next());
      long h = depth(kit).stateHash();
      hashes.add(h);
      if (i % 4 == 0) { // restarts at all kinds of distances from the last snapshot
        assertEquals(h, kit.restart().state().stateHash(), "after command " + i);
        assertEquals(h, depth(kit).stateHash());
      }
    }
    assertEquals(hashes.get(hashes.size() - 1), kit.restart().state().stateHash());
  }

  @Test
  void snapshotRoundTripsThroughTheBinaryFormat() throws Exception {
    var kit = kit(freshSymbol());
    BookFlow flow = new BookFlow(3, yen(2000), yen(0.5), 1);
    for (int i = 0; i < 50; i++) run(kit, flow.next());
    State s = kit.getState();
    OrderBook.Snapshot snap = OrderBook.snapshotOf(s);
    assertTrue(snap.orders().size() > 10);

    Serialization ser = SerializationExtension.get(testKit.system().classicSystem());
    assertEquals("BookWireSerializer", ser.serializerFor(OrderBook.Snapshot.class).getClass().getSimpleName());
    byte[] bytes = ser.serialize(snap).get();
    var serializer = ser.findSerializerFor(snap);
    OrderBook.Snapshot back = (OrderBook.Snapshot) ser.deserialize(bytes, serializer.identifier(),
        org.apache.pekko.serialization.Serializers.manifestFor(serializer, snap)).get();
    assertEquals(snap.rules(), back.rules());
    assertEquals(snap.orders(), back.orders());
    assertEquals(snap.seq(), back.seq());

    State restored = OrderBook.stateOf(back, null);
    assertEquals(s.stateHash(), restored.stateHash());
    assertEquals(s.seq(), restored.seq());
    assertEquals(s.rememberedOrders(), restored.rememberedOrders());
    assertEquals(snap.orders(), OrderBook.snapshotOf(restored).orders());
  }

  // ------------------------------------------------------------------ persist failure

  /**
   * A failed journal write: no reply, the entity restarts with backoff and recovers the
   * acknowledged state (the failed command's in-memory effect is gone), and the client's retry
   * is then placed once.
   */
  @Test
  void persistFailureDiscardsTheUnacknowledgedCommand() {
    String sym = freshSymbol();
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    ActorRef<Command> book = testKit.spawn(OrderBook.create(sym));
    TestProbe<Response> probe = testKit.createTestProbe();

    book.tell(new PlaceOrder(1, 1, Side.SELL, OrderType.LIMIT, TimeInForce.DAY, yen(2000), 100,
        SelfTradePrevention.NONE, 1, probe.getRef()));
    probe.expectMessageClass(Accepted.class);
    book.tell(new GetDepth(5, probe.getRef()));
    Depth acknowledged = probe.expectMessageClass(Depth.class);

    journal.failNextPersisted();
    PlaceOrder buy = new PlaceOrder(2, 2, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2000), 100,
        SelfTradePrevention.NONE, 2, probe.getRef());
    book.tell(buy);
    probe.expectNoMessage(Duration.ofMillis(300));

    book.tell(new GetDepth(5, probe.getRef()));
    Depth afterRestart = probe.expectMessageClass(Depth.class, Duration.ofSeconds(5));
    assertEquals(acknowledged, afterRestart);
    book.tell(new GetOrder(2, probe.getRef()));
    assertEquals(OrderState.UNKNOWN, probe.expectMessageClass(OrderStatus.class).state());

    book.tell(buy); // the client's retry
    Accepted a = probe.expectMessageClass(Accepted.class);
    assertEquals(List.of(EventType.ACCEPTED, EventType.TRADE), types(a));
    book.tell(new GetDepth(5, probe.getRef()));
    Depth end = probe.expectMessageClass(Depth.class);
    assertEquals(1, end.tradeCount());
    assertEquals(List.of(), end.asks());
    testKit.stop(book);
  }

  @Test
  void firstCommandPersistFailureLeavesTheEmptyStateIntact() {
    String sym = freshSymbol();
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    ActorRef<Command> book = testKit.spawn(OrderBook.create(sym));
    TestProbe<Response> probe = testKit.createTestProbe();
    book.tell(new GetDepth(5, probe.getRef()));
    Depth fresh = probe.expectMessageClass(Depth.class);

    journal.failNextPersisted();
    book.tell(new PlaceOrder(1, 1, Side.SELL, OrderType.LIMIT, TimeInForce.DAY, yen(2000), 100,
        SelfTradePrevention.NONE, 1, probe.getRef()));
    probe.expectNoMessage(Duration.ofMillis(300));
    book.tell(new GetDepth(5, probe.getRef()));
    assertEquals(fresh, probe.expectMessageClass(Depth.class, Duration.ofSeconds(5)));
    // and the book opens normally afterwards
    book.tell(new PlaceOrder(1, 1, Side.SELL, OrderType.LIMIT, TimeInForce.DAY, yen(2000), 100,
        SelfTradePrevention.NONE, 1, probe.getRef()));
    probe.expectMessageClass(Accepted.class);
    testKit.stop(book);
  }

  @Test
  void a_book_that_fails_on_a_command_rejects_it_and_recovers_from_its_journal() {
    String symbol = freshSymbol();
    var probe = testKit.<Response>createTestProbe();
    var book = testKit.spawn(OrderBook.create(symbol));
    book.tell(new PlaceOrder(1, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2000), 100,
        SelfTradePrevention.NONE, 1001, probe.ref()));
    assertInstanceOf(Accepted.class, probe.receiveMessage());
    book.tell(new PlaceOrder(2, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2001), 777,
        SelfTradePrevention.NONE, 1002, probe.ref()));
    Rejected crash = assertInstanceOf(Rejected.class, probe.receiveMessage());
    assertEquals(Reject.INTERNAL_ERROR, crash.code());
    assertTrue(crash.reason().contains("injected"), crash.reason());
    probe.expectTerminated(book);

    // What sharding does at the next message: a new incarnation recovers from the journal.
    var again = testKit.spawn(OrderBook.create(symbol));
    again.tell(new GetDepth(10, probe.ref()));
    Depth d = assertInstanceOf(Depth.class, probe.receiveMessage());
    assertEquals(1, d.bids().size(), "the failed command left nothing behind");
    assertEquals(100, d.bids().get(0).qty());
    again.tell(new PlaceOrder(3, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2001), 200,
        SelfTradePrevention.NONE, 1003, probe.ref()));
    assertInstanceOf(Accepted.class, probe.receiveMessage());
  }
}
