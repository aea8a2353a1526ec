package io.kabuto.book;

import static io.kabuto.book.BookFlow.yen;
import static io.kabuto.book.BookKit.place;
import static io.kabuto.book.BookKit.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kabuto.book.BookTopics.OwnExecution;
import io.kabuto.book.OrderBook.Accepted;
import io.kabuto.book.OrderBook.Ack;
import io.kabuto.book.OrderBook.Command;
import io.kabuto.book.OrderBook.Event;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.MarketDataPage;
import io.kabuto.book.OrderBook.OrderState;
import io.kabuto.book.OrderBook.OrderStatus;
import io.kabuto.book.OrderBook.Rejected;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.book.OrderBook.State;
import io.kabuto.marketdata.MarketDataMessage;
import io.kabuto.marketdata.MarketDataMessage.Kind;
import io.kabuto.matching.CancelReason;
import io.kabuto.matching.EventType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The books' side of market data: feed numbering (live = replay = snapshot), unsolicited
 * executions, mass cancel and trade busts.
 */
class OrderBookMarketDataTest {

  private static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.serialization-bindings { "io.kabuto.CborSerializable" = jackson-cbor }
      kabuto.book {
        snapshot-every = 7
        keep-snapshots = 2
        persist-failure-backoff { min = 10ms, max = 100ms }
        market-data.retain = 50
        defaults { base-price = "2000", tick-table = TOPIX500 }
      }
      """).withFallback(EventSourcedBehaviorTestKit.config()).withFallback(ConfigFactory.load()).resolve();

  private static final ActorTestKit testKit = ActorTestKit.create("OrderBookMarketDataTest", CONFIG);
  private static final AtomicInteger symbols = new AtomicInteger();
  private static final Duration QUIET = Duration.ofMillis(300);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static String freshSymbol() {
    return "MD" + symbols.incrementAndGet();
  }

  private static EventSourcedBehaviorTestKit<Command, Event, State> kit(String symbol) {
    return BookKit.create(testKit.system(), symbol);
  }

  /** Every retained message from {@code from} on, page by page (pages are capped). */
  private static List<MarketDataMessage> feed(EventSourcedBehaviorTestKit<Command, Event, State> kit, long from) {
    List<MarketDataMessage> all = new ArrayList<>();
    long next = from;
    while (true) {
      long n = next;
      MarketDataPage p = assertInstanceOf(MarketDataPage.class, run(kit, r -> new OrderBook.GetMarketData(n, 7, r)));
      all.addAll(p.messages());
      if (p.messages().isEmpty()) return all;
      next = p.messages().get(p.messages().size() - 1).seq() + 1;
    }
  }

  private static <T> TestProbe<T> subscribed(ActorRef<Topic.Command<T>> topic) {
    TestProbe<T> probe = testKit.createTestProbe();
    topic.tell(Topic.subscribe(probe.getRef()));
    TestProbe<Topic.TopicStats> stats = testKit.createTestProbe();
    // the topic handles messages in order: once it counts the subscriber, publishes reach it
    stats.awaitAssert(Duration.ofSeconds(10), () -> {
      topic.tell(Topic.getTopicStats(stats.getRef()));
      assertTrue(stats.receiveMessage().localSubscriberCount() >= 1);
      return null;
    });
    return probe;
  }

  private static TestProbe<OwnExecution> executionsOf(int participant) {
    return subscribed(BookTopics.get(testKit.system()).executions(participant));
  }

  // ------------------------------------------------------------------ numbering

  @Test
  void feedIsNumberedFromPersistedEventsAndSurvivesReplayAndSnapshots() {
    var kit = kit(freshSymbol());
    BookFlow flow = new BookFlow(11, yen(2000), yen(0.5), 1);
    for (int i = 0; i < 200; i++) run(kit, flow.next());
    run(kit, r -> new OrderBook.SetPhase(Phase.PRE_CLOSE, 900_000, r));
    run(kit, r -> new OrderBook.SetPhase(Phase.CLOSED, 900_001, r));

    List<MarketDataMessage> before = feed(kit, 1);
    MarketDataPage head = (MarketDataPage) run(kit, r -> new OrderBook.GetMarketData(1, 1, r));
    long last = head.lastSeq();
    assertTrue(last > 50, "the flow should produce more messages than retained: " + last);
    // retain = 50: the oldest retained is last - 49, and the feed is contiguous up to last
    assertEquals(last - 49, head.firstRetained());
    assertEquals(50, before.size());
    for (int i = 0; i < before.size(); i++) assertEquals(head.firstRetained() + i, before.get(i).seq());
    assertTrue(before.stream().anyMatch(m -> m.kind() == Kind.STATUS && m.phase() == Phase.CLOSED));

    // the trades on the feed are exactly the book's (within the retained window)
    OrderBook.Depth d = (OrderBook.Depth) run(kit, r -> new OrderBook.GetDepth(1, r));
    MarketDataMessage lastTrade = before.stream().filter(m -> m.kind() == Kind.TRADE)
        .reduce((a, b) -> b).orElseThrow();
    assertEquals(d.lastPrice(), lastTrade.price());

    // replay (snapshot every 7 events + the rest of the journal) numbers it the same way
    State restarted = kit.restart().state();
    assertEquals(last, restarted.marketDataSeq());
    assertEquals(before, feed(kit, 1));
    // and goes on from there
    run(kit, r -> new OrderBook.SetPhase(Phase.PRE_OPEN, 900_002, r));
    List<MarketDataMessage> after = feed(kit, last + 1);
    assertEquals(1, after.size());
    assertEquals(Kind.STATUS, after.get(0).kind());
    assertEquals(Phase.PRE_OPEN, after.get(0).phase());
  }

  @Test
  void tradeThenTopInEventOrder() {
    String sym = freshSymbol();
    var kit = kit(sym);
    place(kit, 1, 10, Side.SELL, 2000, 100);
    place(kit, 2, 20, Side.BUY, 2001, 60);
    List<MarketDataMessage> f = feed(kit, 1);
    assertEquals(List.of(Kind.TOP, Kind.TRADE, Kind.TOP), f.stream().map(MarketDataMessage::kind).toList());
    MarketDataMessage top1 = f.get(0);
    assertEquals(0, top1.bidQty());
    assertEquals(yen(2000), top1.askPrice());
    assertEquals(100, top1.askQty());
    MarketDataMessage trade = f.get(1);
    assertEquals(yen(2000), trade.price());
    assertEquals(60, trade.qty());
    assertEquals(Side.BUY, trade.aggressor());
    assertEquals(2, trade.bookSeq());
    assertEquals(40, f.get(2).askQty());
    // a resting order below the best bid changes no top: no message
    place(kit, 3, 20, Side.BUY, 1990, 10);
    place(kit, 4, 20, Side.BUY, 1980, 10);
    assertEquals(4, feed(kit, 1).size());
    // bad requests
    Rejected bad = assertInstanceOf(Rejected.class, run(kit, r -> new OrderBook.GetMarketData(0, 10, r)));
    assertEquals(Reject.INVALID_REQUEST, bad.code());
    assertInstanceOf(Rejected.class, run(kit, r -> new OrderBook.GetMarketData(1, 0, r)));
  }

  @Test
  void snapshotRoundTripKeepsTheFeedAndTheTrades() throws Exception {
    var kit = kit(freshSymbol());
    BookFlow flow = new BookFlow(5, yen(2000), yen(0.5), 1);
    for (int i = 0; i < 60; i++) run(kit, flow.next());
    State s = kit.getState();
    OrderBook.Snapshot snap = OrderBook.snapshotOf(s);
    assertTrue(snap.marketDataSeq() > 0);
    assertTrue(!snap.trades().isEmpty(), "the flow should trade");

    Serialization ser = SerializationExtension.get(testKit.system().classicSystem());
    byte[] bytes = ser.serialize(snap).get();
    var serializer = ser.findSerializerFor(snap);
    OrderBook.Snapshot back = (OrderBook.Snapshot) ser.deserialize(bytes, serializer.identifier(),
        org.apache.pekko.serialization.Serializers.manifestFor(serializer, snap)).get();
    assertEquals(snap.marketDataSeq(), back.marketDataSeq());
    assertEquals(snap.marketData(), back.marketData());
    assertEquals(snap.trades(), back.trades());
    assertEquals(snap.busted(), back.busted());

    State restored = OrderBook.stateOf(back, null, 50);
    assertEquals(s.marketDataSeq(), restored.marketDataSeq());
    OrderBook.Snapshot again = OrderBook.snapshotOf(restored);
    assertEquals(snap.marketData(), again.marketData());
    assertEquals(snap.trades().size(), again.trades().size());

    // a snapshot written before the feed existed: no market data, no trades
    OrderBook.Snapshot old = new OrderBook.Snapshot(snap.rules(), snap.seq(), snap.book(), snap.dayPhase(),
        snap.orders(), 0, null, null, null);
    State fromOld = OrderBook.stateOf(old, null, 50);
    assertEquals(0, fromOld.marketDataSeq());
    assertEquals(s.stateHash(), fromOld.stateHash());
  }

  // ------------------------------------------------------------------ executions

  @Test
  void passiveFillGoesToTheRestingOwnerOnly() {
    var kit = kit(freshSymbol());
    TestProbe<OwnExecution> seller = executionsOf(101);
    TestProbe<OwnExecution> buyer = executionsOf(102);
    place(kit, 1, 101, Side.SELL, 2000, 100);
    Accepted buy = assertInstanceOf(Accepted.class, place(kit, 2, 102, Side.BUY, 2000, 60));
    EventData trade = buy.events().get(1);

    OwnExecution passive = seller.receiveMessage(Duration.ofSeconds(5));
    assertEquals(1, passive.orderId());
    assertEquals(101, passive.participant());
    assertEquals(EventType.TRADE, passive.event().type());
    assertEquals(trade, passive.event());
    assertEquals(2, passive.bookSeq());
    assertNull(passive.bustReason());
    seller.expectNoMessage(QUIET);
    buyer.expectNoMessage(QUIET); // the aggressor's side was in its reply

    // a resend answered from memory publishes nothing
    place(kit, 2, 102, Side.BUY, 2000, 60);
    seller.expectNoMessage(QUIET);
  }

  @Test
  void selfTradeAndSelfTradePreventionPublishThePassiveSide() {
    var kit = kit(freshSymbol());
    TestProbe<OwnExecution> own = executionsOf(103);
    place(kit, 1, 103, Side.SELL, 2000, 100);
    place(kit, 2, 103, Side.BUY, 2000, 30); // self trade allowed (NONE)
    OwnExecution passive = own.receiveMessage(Duration.ofSeconds(5));
    assertEquals(1, passive.orderId());
    assertEquals(EventType.TRADE, passive.event().type());
    own.expectNoMessage(QUIET);

    // STP cancelling the resting order: its CANCELLED is published
    Accepted a = assertInstanceOf(Accepted.class,
        place(kit, 3, 103, Side.BUY, 2000, 10, SelfTradePrevention.CANCEL_RESTING));
    OwnExecution cxl = own.receiveMessage(Duration.ofSeconds(5));
    assertEquals(1, cxl.orderId(), a.toString());
    assertEquals(EventType.CANCELLED, cxl.event().type());
    assertEquals(CancelReason.SELF_TRADE, cxl.event().cancelReason());
  }

  @Test
  void expiryAtTheCloseIsPublished() {
    var kit = kit(freshSymbol());
    TestProbe<OwnExecution> own = executionsOf(104);
    place(kit, 1, 104, Side.BUY, 1990, 100);
    run(kit, r -> new OrderBook.SetPhase(Phase.CLOSED, 5000, r));
    OwnExecution exp = own.receiveMessage(Duration.ofSeconds(5));
    assertEquals(EventType.CANCELLED, exp.event().type());
    assertEquals(CancelReason.EXPIRED, exp.event().cancelReason());
  }

  @Test
  void cancelAllOfCancelsOnlyThatParticipant() {
    var kit = kit(freshSymbol());
    TestProbe<OwnExecution> own = executionsOf(105);
    TestProbe<OwnExecution> other = executionsOf(106);
    place(kit, 1, 105, Side.BUY, 1990, 100);
    place(kit, 2, 106, Side.BUY, 1990, 100);
    place(kit, 3, 105, Side.SELL, 2010, 100);
    place(kit, 4, 106, Side.SELL, 2020, 100);
    Ack ack = assertInstanceOf(Ack.class, run(kit, r -> new OrderBook.CancelAllOf(105, 9000, r)));
    assertEquals(2, ack.events().size(), ack.toString());
    for (EventData e : ack.events()) {
      assertEquals(EventType.CANCELLED, e.type());
      assertEquals(105, e.participant());
    }
    List<Long> published = List.of(own.receiveMessage(Duration.ofSeconds(5)).orderId(),
        own.receiveMessage(Duration.ofSeconds(5)).orderId());
    assertEquals(List.of(1L, 3L), published.stream().sorted().toList());
    other.expectNoMessage(QUIET);
    assertEquals(OrderState.CANCELLED, ((OrderStatus) run(kit, r -> new OrderBook.GetOrder(1, r))).state());
    assertEquals(OrderState.LIVE, ((OrderStatus) run(kit, r -> new OrderBook.GetOrder(2, r))).state());
    OrderBook.Depth d = (OrderBook.Depth) run(kit, r -> new OrderBook.GetDepth(5, r));
    assertEquals(List.of(new OrderBook.Level(yen(1990), 100)), d.bids());
    assertEquals(List.of(new OrderBook.Level(yen(2020), 100)), d.asks());
    // nothing left: an empty Ack, nothing persisted
    assertEquals(List.of(), ((Ack) run(kit, r -> new OrderBook.CancelAllOf(105, 9001, r))).events());
    assertEquals(Reject.INVALID_REQUEST,
        ((Rejected) run(kit, r -> new OrderBook.CancelAllOf(-1, 9001, r))).code());
  }

  @Test
  void cancelAllOfPassesDuringAHalt() {
    var kit = kit(freshSymbol());
    place(kit, 1, 107, Side.BUY, 1990, 100);
    run(kit, r -> new OrderBook.MarketHalt(Long.MAX_VALUE - 5, true, "test halt", r));
    assertEquals(Reject.MARKET_HALTED, ((Rejected) place(kit, 2, 107, Side.BUY, 1990, 100)).code());
    Ack ack = assertInstanceOf(Ack.class, run(kit, r -> new OrderBook.CancelAllOf(107, 9000, r)));
    assertEquals(1, ack.events().size());
    run(kit, r -> new OrderBook.MarketHalt(Long.MAX_VALUE - 4, false, "resume", r));
  }

  @Test
  void haltIsAnUnsequencedNotice() {
    String sym = freshSymbol();
    var kit = kit(sym);
    place(kit, 1, 108, Side.BUY, 1990, 100);
    TestProbe<MarketDataMessage> md = subscribed(BookTopics.get(testKit.system()).marketData(sym));
    run(kit, r -> new OrderBook.MarketHalt(Long.MAX_VALUE - 3, true, "operator halt", r));
    MarketDataMessage n = md.receiveMessage(Duration.ofSeconds(5));
    assertEquals(0, n.seq());
    assertTrue(n.halted());
    assertEquals("operator halt", n.text());
    run(kit, r -> new OrderBook.MarketHalt(Long.MAX_VALUE - 2, false, "resumed", r));
    assertTrue(!md.receiveMessage(Duration.ofSeconds(5)).halted());
    // neither took a sequence number
    assertEquals(1, ((MarketDataPage) run(kit, r -> new OrderBook.GetMarketData(1, 10, r))).lastSeq());
  }

  // ------------------------------------------------------------------ busts

  @Test
  void bustPublishesAndAdjustsFilledButNotTheBook() {
    String sym = freshSymbol();
    var kit = kit(sym);
    TestProbe<OwnExecution> seller = executionsOf(111);
    TestProbe<OwnExecution> buyer = executionsOf(112);
    place(kit, 1, 111, Side.SELL, 2000, 100);
    Accepted buy = assertInstanceOf(Accepted.class, place(kit, 2, 112, Side.BUY, 2000, 60));
    EventData trade = buy.events().get(1);
    seller.receiveMessage(Duration.ofSeconds(5)); // the passive fill
    TestProbe<MarketDataMessage> md = subscribed(BookTopics.get(testKit.system()).marketData(sym));
    long seqBefore = kit.getState().marketDataSeq();

    var result = kit.<Response>runCommand(r -> new OrderBook.BustTrade(trade.tradeId(), "fat finger", 7000, r));
    Ack ack = assertInstanceOf(Ack.class, result.reply());
    assertEquals(List.of(trade), ack.events());
    OrderBook.Busted busted = result.eventOfType(OrderBook.Busted.class);
    assertEquals(3, busted.seq());

    MarketDataMessage bust = md.receiveMessage(Duration.ofSeconds(5));
    assertEquals(Kind.BUST, bust.kind());
    assertEquals(seqBefore + 1, bust.seq());
    assertEquals(trade.tradeId(), bust.tradeId());
    assertEquals(60, bust.qty());
    assertEquals("fat finger", bust.text());

    OwnExecution s = seller.receiveMessage(Duration.ofSeconds(5));
    OwnExecution b = buyer.receiveMessage(Duration.ofSeconds(5));
    assertEquals("fat finger", s.bustReason());
    assertEquals(1, s.orderId());
    assertEquals(2, b.orderId());
    assertEquals(trade, b.event());

    OrderStatus sell = (OrderStatus) run(kit, r -> new OrderBook.GetOrder(1, r));
    assertEquals(0, sell.filled());
    assertEquals(40, sell.leaves()); // the order does not come back to the book
    OrderStatus buyStatus = (OrderStatus) run(kit, r -> new OrderBook.GetOrder(2, r));
    assertEquals(0, buyStatus.filled());
    assertEquals(OrderState.FILLED, buyStatus.state());

    Rejected twice = assertInstanceOf(Rejected.class,
        run(kit, r -> new OrderBook.BustTrade(trade.tradeId(), "again", 7001, r)));
    assertEquals(Reject.UNKNOWN_TRADE, twice.code());
    assertTrue(twice.reason().contains("already busted"), twice.reason());
    Rejected unknown = assertInstanceOf(Rejected.class,
        run(kit, r -> new OrderBook.BustTrade(999, "no such", 7001, r)));
    assertEquals(Reject.UNKNOWN_TRADE, unknown.code());
    assertEquals(Reject.INVALID_REQUEST,
        ((Rejected) run(kit, r -> new OrderBook.BustTrade(trade.tradeId(), " ", 7001, r))).code());

    // replay: the bust is there again, numbered the same, and the book sequence counts it
    List<MarketDataMessage> feedBefore = feed(kit, 1);
    kit.restart();
    assertEquals(feedBefore, feed(kit, 1));
    assertEquals(0, ((OrderStatus) run(kit, r -> new OrderBook.GetOrder(1, r))).filled());
    assertEquals(3, ((OrderBook.Depth) run(kit, r -> new OrderBook.GetDepth(1, r))).seq());
    assertEquals(Reject.UNKNOWN_TRADE,
        ((Rejected) run(kit, r -> new OrderBook.BustTrade(trade.tradeId(), "again", 7002, r))).code());
  }

  @Test
  void tradesOfAnEarlierDayCannotBeBusted() {
    var kit = kit(freshSymbol());
    place(kit, 1, 113, Side.SELL, 2000, 100);
    Accepted buy = assertInstanceOf(Accepted.class, place(kit, 2, 114, Side.BUY, 2000, 100));
    long tradeId = buy.events().get(1).tradeId();
    run(kit, r -> new OrderBook.SetPhase(Phase.CLOSED, 10_000, r));
    run(kit, r -> new OrderBook.SetPhase(Phase.PRE_OPEN, 20_000, r)); // the next day
    Rejected r1 = assertInstanceOf(Rejected.class,
        run(kit, r -> new OrderBook.BustTrade(tradeId, "late", 20_001, r)));
    assertEquals(Reject.UNKNOWN_TRADE, r1.code());
  }
}
