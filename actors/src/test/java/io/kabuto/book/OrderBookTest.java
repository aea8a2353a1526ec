package io.kabuto.book;

import static io.kabuto.book.BookFlow.yen;
import static io.kabuto.book.BookKit.place;
import static io.kabuto.book.BookKit.run;
import static io.kabuto.book.OrderBookFixture.CONFIG;
import static io.kabuto.book.OrderBookFixture.depth;
import static io.kabuto.book.OrderBookFixture.freshSymbol;
import static io.kabuto.book.OrderBookFixture.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kabuto.book.OrderBook.Accepted;
import io.kabuto.book.OrderBook.Ack;
import io.kabuto.book.OrderBook.CancelOrder;
import io.kabuto.book.OrderBook.Command;
import io.kabuto.book.OrderBook.Depth;
import io.kabuto.book.OrderBook.Event;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.GetDepth;
import io.kabuto.book.OrderBook.GetOrder;
import io.kabuto.book.OrderBook.Level;
import io.kabuto.book.OrderBook.ModifyOrder;
import io.kabuto.book.OrderBook.OrderState;
import io.kabuto.book.OrderBook.OrderStatus;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.Rejected;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.book.OrderBook.SetPhase;
import io.kabuto.book.OrderBook.State;
import io.kabuto.matching.CancelReason;
import io.kabuto.matching.EventType;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TickTable;
import io.kabuto.matching.TimeInForce;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class OrderBookTest {

  private static final ActorTestKit testKit = ActorTestKit.create("OrderBookTest", OrderBookFixture.CONFIG);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<Command, Event, State> kit(String symbol) {
    return OrderBookFixture.kit(testKit, symbol);
  }

  // ------------------------------------------------------------------ basics

  @Test
  void placeRestsThenMatches() {
    var kit = kit("7203");
    Response sell = place(kit, 1, 10, Side.SELL, 2000, 100);
    assertEquals(List.of(EventType.ACCEPTED, EventType.RESTED), types(sell));

    var result = kit.<Response>runCommand(r -> new PlaceOrder(2, 20, Side.BUY, OrderType.LIMIT, TimeInForce.DAY,
        yen(2001), 60, SelfTradePrevention.NONE, 2000, r));
    Accepted buy = assertInstanceOf(Accepted.class, result.reply());
    assertEquals(List.of(EventType.ACCEPTED, EventType.TRADE), types(buy));
    EventData trade = buy.events().get(1);
    assertEquals(yen(2000), trade.price());
    assertEquals(60, trade.qty());
    assertEquals(2, trade.orderId());
    assertEquals(1, trade.otherOrderId());
    assertEquals(0, trade.leaves()); // buyer done
    assertEquals(40, trade.otherLeaves()); // seller has 40 left
    assertEquals(Side.BUY, trade.sideValue());
    // one persisted event per command
    assertEquals(1, result.events().size());
    OrderBook.Applied applied = result.eventOfType(OrderBook.Applied.class);
    assertEquals(2, applied.seq());

    Depth d = depth(kit);
    assertEquals(List.of(), d.bids());
    assertEquals(List.of(new Level(yen(2000), 40)), d.asks());
    assertEquals(yen(2000), d.lastPrice());
    assertEquals(Phase.CONTINUOUS, d.phase());
    assertEquals(2, d.seq());
    assertNotEquals(0, d.stateHash());

    OrderStatus s1 = (OrderStatus) run(kit, r -> new GetOrder(1, r));
    assertEquals(OrderState.LIVE, s1.state());
    assertEquals(60, s1.filled());
    assertEquals(40, s1.leaves());
    OrderStatus s2 = (OrderStatus) run(kit, r -> new GetOrder(2, r));
    assertEquals(OrderState.FILLED, s2.state());
    assertEquals(OrderState.UNKNOWN, ((OrderStatus) run(kit, r -> new GetOrder(99, r))).state());
  }

  @Test
  void firstCommandPersistsOpenedWithTheRules() {
    var kit = kit("9984");
    var result = kit.<Response>runCommand(r -> new PlaceOrder(1, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY,
        yen(1000), 200, SelfTradePrevention.NONE, 0, r));
    assertInstanceOf(Accepted.class, result.reply());
    assertEquals(2, result.events().size());
    OrderBook.Opened opened = assertInstanceOf(OrderBook.Opened.class, result.events().get(0));
    assertEquals(yen(1000), opened.rules().basePrice());
    assertEquals(TickTable.STANDARD, opened.rules().ticks());
    assertEquals(100, opened.rules().lotSize());
    assertEquals(1, assertInstanceOf(OrderBook.Applied.class, result.events().get(1)).seq());
    // lot size 100 from config
    Rejected lot = assertInstanceOf(Rejected.class, place(kit, 2, 1, Side.BUY, 1000, 150));
    assertEquals(Reject.INVALID_QUANTITY, lot.code());
  }

  @Test
  void cancelAndModify() {
    var kit = kit(freshSymbol());
    place(kit, 1, 1, Side.BUY, 1990, 300);
    place(kit, 2, 1, Side.BUY, 1990, 100);

    // quantity down at the same price keeps priority
    Response down = run(kit, r -> new ModifyOrder(1, 1, yen(1990), 200, 5000, r));
    Accepted a = assertInstanceOf(Accepted.class, down);
    assertEquals(List.of(EventType.REPLACED), types(a));
    assertEquals(1, a.events().get(0).code());
    assertEquals(List.of(new Level(yen(1990), 300)), depth(kit).bids());

    // a new price crossing the ask trades at once
    place(kit, 3, 2, Side.SELL, 1995, 100);
    Accepted cross = assertInstanceOf(Accepted.class, run(kit, r -> new ModifyOrder(2, 1, yen(1995), 100, 6000, r)));
    assertEquals(List.of(EventType.REPLACED, EventType.TRADE), types(cross));

    // someone else's order
    Rejected notOwner = assertInstanceOf(Rejected.class, run(kit, r -> new CancelOrder(1, 7, 7000, r)));
    assertEquals(Reject.NOT_OWNER, notOwner.code());

    var cancel = kit.<Response>runCommand(r -> new CancelOrder(1, 1, 8000, r));
    Accepted c = assertInstanceOf(Accepted.class, cancel.reply());
    assertEquals(List.of(EventType.CANCELLED), types(c));
    assertEquals(CancelReason.REQUESTED, c.events().get(0).cancelReason());
    assertEquals(200, c.events().get(0).leaves());
    assertEquals(List.of(), depth(kit).bids());

    // twice: the order is gone; nothing persisted
    var again = kit.<Response>runCommand(r -> new CancelOrder(1, 1, 9000, r));
    assertEquals(Reject.UNKNOWN_ORDER, assertInstanceOf(Rejected.class, again.reply()).code());
    assertTrue(again.hasNoEvents());

    OrderStatus st = (OrderStatus) run(kit, r -> new GetOrder(1, r));
    assertEquals(OrderState.CANCELLED, st.state());
    assertEquals(CancelReason.REQUESTED, st.cancelReason());
    assertEquals(200, st.qty());
  }

  @Test
  void rejectsPersistNothingAndNeverKillTheBook() {
    var kit = kit(freshSymbol());
    place(kit, 1, 1, Side.BUY, 2000, 100);
    long hash = depth(kit).stateHash();

    List<BookFlow.Step> bad = List.of(
        r -> new PlaceOrder(2, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2000) + 1, 100, SelfTradePrevention.NONE, 1, r),
        r -> new PlaceOrder(3, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2600), 100, SelfTradePrevention.NONE, 1, r),
        r -> new PlaceOrder(4, 1, null, OrderType.LIMIT, TimeInForce.DAY, yen(2000), 100, SelfTradePrevention.NONE, 1, r),
        r -> new PlaceOrder(5, 1, Side.BUY, null, TimeInForce.DAY, yen(2000), 100, SelfTradePrevention.NONE, 1, r),
        r -> new PlaceOrder(6, 1, Side.BUY, OrderType.LIMIT, null, yen(2000), 100, SelfTradePrevention.NONE, 1, r),
        r -> new PlaceOrder(7, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2000), 100, null, 1, r),
        r -> new PlaceOrder(8, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2000), -5, SelfTradePrevention.NONE, 1, r),
        r -> new PlaceOrder(0, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2000), 100, SelfTradePrevention.NONE, 1, r),
        r -> new PlaceOrder(9, -1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2000), 100, SelfTradePrevention.NONE, 1, r),
        r -> new PlaceOrder(10, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, -1, 100, SelfTradePrevention.NONE, 1, r),
        r -> new PlaceOrder(11, 1, Side.BUY, OrderType.MARKET, TimeInForce.DAY, yen(2000), 100, SelfTradePrevention.NONE, 1, r),
        r -> new PlaceOrder(12, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2000), 100, SelfTradePrevention.NONE, -1, r),
        r -> new PlaceOrder(13, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2000), Long.MAX_VALUE, SelfTradePrevention.NONE, 1, r),
        r -> new ModifyOrder(1, 1, yen(2000), 0, 1, r),
        r -> new ModifyOrder(1, 1, yen(2000), 100, 1, r),
        r -> new ModifyOrder(42, 1, yen(2000), 100, 1, r),
        r -> new CancelOrder(-3, 1, 1, r),
        r -> new CancelOrder(1, -2, 1, r),
        r -> new SetPhase(null, 1, r),
        r -> new SetPhase(Phase.CONTINUOUS, 1, r),
        r -> new GetDepth(-1, r));
    List<Reject> expected = List.of(Reject.OFF_TICK, Reject.OUTSIDE_PRICE_LIMIT, OrderBook.MALFORMED,
        OrderBook.MALFORMED, OrderBook.MALFORMED, OrderBook.MALFORMED, Reject.INVALID_QUANTITY,
        Reject.INVALID_ORDER_ID, OrderBook.MALFORMED, Reject.INVALID_PRICE, Reject.INVALID_PRICE,
        OrderBook.MALFORMED, Reject.QUANTITY_TOO_LARGE, Reject.INVALID_QUANTITY, Reject.NO_CHANGE,
        Reject.UNKNOWN_ORDER, Reject.INVALID_ORDER_ID, OrderBook.MALFORMED, Reject.INVALID_PHASE_CHANGE,
        Reject.INVALID_PHASE_CHANGE, OrderBook.MALFORMED);
    for (int i = 0; i < bad.size(); i++) {
      var result = kit.<Response>runCommand(bad.get(i)::apply);
      Rejected rej = assertInstanceOf(Rejected.class, result.reply(), "case " + i);
      assertEquals(expected.get(i), rej.code(), "case " + i + ": " + rej.reason());
      assertFalse(rej.reason().isBlank());
      assertTrue(result.hasNoEvents(), "case " + i);
    }
    assertEquals(hash, depth(kit).stateHash());
    // the book still works
    assertInstanceOf(Accepted.class, place(kit, 20, 2, Side.SELL, 2000, 100));
  }

  @Test
  void commandWithoutReplyToIsDroppedNotFatal() {
    var kit = kit(freshSymbol());
    var r = kit.runCommand(new PlaceOrder(1, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2000), 100,
        SelfTradePrevention.NONE, 1, null));
    assertTrue(r.hasNoEvents());
    assertInstanceOf(Accepted.class, place(kit, 1, 1, Side.BUY, 2000, 100));
  }

  @Test
  void unlistedSymbolIsRejectedWhenNotAllowed() {
    Config strict = ConfigFactory.parseString("kabuto.book.allow-unlisted-symbols = off").withFallback(CONFIG);
    BookSettings settings = BookSettings.fromConfig(strict);
    var kit = EventSourcedBehaviorTestKit.<Command, Event, State>create(testKit.system(),
        OrderBook.create("NOPE", settings),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    var result = kit.<Response>runCommand(r -> new PlaceOrder(1, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY,
        yen(2000), 100, SelfTradePrevention.NONE, 1, r));
    Rejected rej = assertInstanceOf(Rejected.class, result.reply());
    assertEquals(OrderBook.NO_BOOK, rej.code());
    assertTrue(rej.reason().contains("NOPE") && rej.reason().contains("allow-unlisted-symbols"), rej.reason());
    assertTrue(result.hasNoEvents());
    assertInstanceOf(Rejected.class, kit.<Response>runCommand(r -> new GetDepth(5, r)).reply());

    // listed symbols still open under the strict setting; a bad block is a clear reject
    assertEquals(yen(2000), settings.rulesFor("7203").rules().basePrice());
    String problem = settings.rulesFor("BAD").problem();
    assertTrue(problem.contains("BAD") && problem.contains("tick grid"), problem);
    var badKit = EventSourcedBehaviorTestKit.<Command, Event, State>create(testKit.system(),
        OrderBook.create("BAD", settings),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    Rejected badRej = assertInstanceOf(Rejected.class, badKit.<Response>runCommand(r -> new CancelOrder(1, 1, 1, r)).reply());
    assertEquals(problem, badRej.reason());
  }

  // ------------------------------------------------------------------ idempotency

  @Test
  void retriedPlaceGetsTheFirstAnswer() {
    var kit = kit(freshSymbol());
    place(kit, 1, 1, Side.SELL, 2000, 100);
    Response first = place(kit, 2, 2, Side.BUY, 2000, 300); // trades 100, rests 200
    assertEquals(List.of(EventType.ACCEPTED, EventType.TRADE, EventType.RESTED), types(first));
    Depth before = depth(kit);

    var retry = kit.<Response>runCommand(r -> new PlaceOrder(2, 2, Side.BUY, OrderType.LIMIT, TimeInForce.DAY,
        yen(2000), 300, SelfTradePrevention.NONE, 99_999 /* a later time */, r));
    assertEquals(first, retry.reply());
    assertTrue(retry.hasNoEvents());
    assertEquals(before, depth(kit));

    // still the first answer after the order changed (partly cancelled via modify, then traded)
    run(kit, r -> new ModifyOrder(2, 2, yen(2000), 250, 5000, r));
    place(kit, 3, 3, Side.SELL, 2000, 150);
    assertEquals(first, place(kit, 2, 2, Side.BUY, 2000, 300));
    assertEquals(OrderState.FILLED, ((OrderStatus) run(kit, r -> new GetOrder(2, r))).state());

    // same id, different order: a duplicate, not a retry
    Rejected dup = assertInstanceOf(Rejected.class, place(kit, 2, 2, Side.BUY, 2001, 300));
    assertEquals(Reject.DUPLICATE_ORDER_ID, dup.code());

    // a rejected order is not remembered: fixed and re-sent, it is accepted
    assertEquals(Reject.OFF_TICK, assertInstanceOf(Rejected.class, place(kit, 4, 1, Side.BUY, 1999.7, 100)).code());
    assertInstanceOf(Accepted.class, place(kit, 4, 1, Side.BUY, 1999.5, 100));
  }

  @Test
  void memoryLastsUntilTheNextTradingDay() {
    var kit = kit(freshSymbol());
    Response first = place(kit, 1, 1, Side.BUY, 2000, 100);
    Ack close = assertInstanceOf(Ack.class, run(kit, r -> new SetPhase(Phase.CLOSED, 10_000, r)));
    assertTrue(close.events().stream().anyMatch(e -> e.type() == EventType.CANCELLED
        && e.cancelReason() == CancelReason.EXPIRED && e.orderId() == 1), close.toString());
    assertEquals(OrderState.CANCELLED, ((OrderStatus) run(kit, r -> new GetOrder(1, r))).state());
    // closed: a retry is still answered with the first answer, a new order is refused
    assertEquals(first, place(kit, 1, 1, Side.BUY, 2000, 100));
    assertEquals(Reject.MARKET_CLOSED, assertInstanceOf(Rejected.class, place(kit, 2, 1, Side.BUY, 2000, 100)).code());

    // next day: the ids are free again
    assertInstanceOf(Ack.class, run(kit, r -> new SetPhase(Phase.PRE_OPEN, 20_000, r)));
    assertEquals(OrderState.UNKNOWN, ((OrderStatus) run(kit, r -> new GetOrder(1, r))).state());
    BookFlow.Step reuse = r -> new PlaceOrder(1, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2000), 100,
        SelfTradePrevention.NONE, 30_000, r);
    Response again = run(kit, reuse);
    assertNotEquals(first, again);
    assertEquals(List.of(EventType.ACCEPTED, EventType.RESTED), types(again));
    assertEquals(30_000, ((Accepted) again).events().get(0).time());
    assertEquals(List.of(new Level(yen(2000), 100)), depth(kit).bids());
    long seq = depth(kit).seq();
    assertEquals(seq, kit.restart().state().seq()); // and it survives recovery
    assertEquals(again, run(kit, reuse));
  }
}
