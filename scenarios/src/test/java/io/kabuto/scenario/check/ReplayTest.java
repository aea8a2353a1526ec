package io.kabuto.scenario.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.book.OrderBook;
import io.kabuto.matching.BookEvents;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.EventType;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Prices;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TickTable;
import io.kabuto.matching.TimeInForce;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replay against journals written by the matching core itself, for the commands whose events do
 * not all carry the command's time: a clock tick that steps a special quote (stamped when the step
 * was due) and then trades (stamped at the tick), as bitbank-surge's book 4565 did.
 */
class ReplayTest {
  /** 1,000 yen other issue: band 970..1,030, a special quote steps every 180 s. */
  static final BookRules RULES = BookRules.tse("T", TickTable.STANDARD, Prices.yen(1000));

  private final LimitOrderBook core = new LimitOrderBook(RULES);
  private final BookEvents out = new BookEvents(64);
  private final List<OrderBook.Applied> journal = new ArrayList<>();

  private void place(long time, long id, Side side, String yen) {
    out.clear();
    core.place(time, id, 7, side, OrderType.LIMIT, TimeInForce.DAY, Prices.parseYen(yen), 100,
        SelfTradePrevention.NONE, out);
    persist();
  }

  private void tick(long time) {
    out.clear();
    core.onClock(time, out);
    persist();
  }

  private void persist() {
    List<OrderBook.EventData> events = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      events.add(BookLog.row(out, i));
    }
    journal.add(new OrderBook.Applied(journal.size() + 1, events));
  }

  private String replayAll() {
    Replay r = new Replay(RULES);
    for (OrderBook.Applied a : journal) {
      String diff = r.run(a);
      if (diff != null) {
        return "seq " + a.seq() + ": " + diff;
      }
    }
    return null;
  }

  @Test
  void aTickThatStepsASpecialQuoteLateAndTradesReplays() {
    place(1_000, 1, Side.SELL, "1070");
    place(2_000, 2, Side.BUY, "1080"); // beyond 1,030: a special quote, next step due at 182 s
    tick(185_000); // steps to 1,060 (stamped 182 s): still short of 1,070
    tick(367_500); // steps to 1,090 (stamped 362 s) and trades at the tick, 5.5 s later
    OrderBook.Applied last = journal.get(journal.size() - 1);
    OrderBook.EventData step = last.events().get(0);
    OrderBook.EventData trade = last.events().stream().filter(e -> e.type() == EventType.TRADE).findFirst()
        .orElseThrow(() -> new AssertionError("the second tick did not trade: " + last.events()));
    assertEquals(EventType.SPECIAL_QUOTE, step.type());
    assertTrue(step.time() < trade.time(), "the step is stamped before the trade: " + last.events());

    assertNull(replayAll());
  }

  @Test
  void aTickWhoseTradeHasAnotherTimeFails() {
    place(1_000, 1, Side.SELL, "1070");
    place(2_000, 2, Side.BUY, "1080");
    tick(367_500);
    OrderBook.Applied last = journal.remove(journal.size() - 1);
    List<OrderBook.EventData> moved = new ArrayList<>();
    for (OrderBook.EventData e : last.events()) {
      moved.add(e.type() != EventType.TRADE ? e : new OrderBook.EventData(e.type(), e.time() + 1, e.tradeId(),
          e.orderId(), e.otherOrderId(), e.participant(), e.otherParticipant(), e.side(), e.orderType(), e.tif(),
          e.price(), e.price2(), e.qty(), e.leaves(), e.otherLeaves(), e.code(), e.aux()));
    }
    journal.add(new OrderBook.Applied(last.seq(), moved));

    String diff = replayAll();
    assertNotNull(diff, "a trade stamped after its tick must not replay");
    assertTrue(diff.contains("clock tick"), diff);
  }

  @Test
  void eventsThatPrintAlikeAreToldApartByTheFieldThatDiffers() {
    place(1_000, 1, Side.SELL, "1070");
    OrderBook.EventData e = journal.get(0).events().get(0);
    OrderBook.EventData later = new OrderBook.EventData(e.type(), e.time() + 5, e.tradeId(), e.orderId(),
        e.otherOrderId(), e.participant(), e.otherParticipant(), e.side(), e.orderType(), e.tif(), e.price(),
        e.price2(), e.qty(), e.leaves(), e.otherLeaves(), e.code(), e.aux());
    assertEquals(e.describe(), later.describe());
    assertEquals("time 1000 vs 1005", Replay.unprinted(e, later));
  }
}
