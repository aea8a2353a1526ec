package io.kabuto.matching;

import static io.kabuto.matching.TestBook.px;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hand-written edge cases, one rule at a time. Unless a test says otherwise the book is a 1,000 yen
 * other issue (1-yen ticks, limits 700..1,300, renewal interval 30 so the executable band is
 * 970..1,030), continuous, lot 1, and every command also runs through the {@link ReferenceBook},
 * which must agree (see {@link TestBook}).
 */
class LimitOrderBookTest {

  // ================================================================ tick grid

  @Nested
  class TickGrid {
    @ParameterizedTest(name = "TOPIX500 {0} yen: tick {1}")
    @CsvSource({
        "0.1, 0.1", "999.9, 0.1", "1000, 0.1", "1000.5, 0.5", "3000, 0.5", "3001, 1", "5000, 1",
        "5001, 1", "10000, 1", "10005, 5", "30000, 5", "30010, 10", "50000, 10", "50010, 10",
        "100000, 10", "100050, 50", "300000, 50"})
    void topix500Ticks(String price, String tick) {
      assertEquals(px(tick), TickTable.TOPIX500.tickAt(px(price)));
    }

    @ParameterizedTest(name = "other issue {0} yen: tick {1}")
    @CsvSource({
        "1, 1", "1000, 1", "1001, 1", "3000, 1", "3005, 5", "5000, 5", "5010, 10", "10000, 10",
        "10010, 10", "30000, 10", "30050, 50", "50000, 50", "50100, 100", "100000, 100",
        "100100, 100", "300000, 100"})
    void standardTicks(String price, String tick) {
      assertEquals(px(tick), TickTable.STANDARD.tickAt(px(price)));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
        "TOPIX500, 999.9, true", "TOPIX500, 1000.1, false", "TOPIX500, 1000.5, true",
        "TOPIX500, 2999.5, true", "TOPIX500, 3000.5, false", "TOPIX500, 3001, true",
        "TOPIX500, 10001, false", "TOPIX500, 10005, true", "TOPIX500, 0, false",
        "STANDARD, 999.5, false", "STANDARD, 2999, true", "STANDARD, 3001, false",
        "STANDARD, 3005, true", "STANDARD, 5005, false", "STANDARD, 5010, true",
        "STANDARD, 29990, true", "STANDARD, 30010, false", "STANDARD, 30050, true", "STANDARD, 30020, false"})
    void onGrid(TickTable table, String price, boolean on) {
      assertEquals(on, table.onGrid(px(price)));
    }

    @Test
    void rounding() {
      assertEquals(px("3005"), TickTable.STANDARD.roundUp(px("3001")));
      assertEquals(px("3000"), TickTable.STANDARD.roundDown(px("3004")));
      assertEquals(px("1000.5"), TickTable.TOPIX500.roundUp(px("1000.1")));
      assertEquals(px("1000"), TickTable.TOPIX500.roundDown(px("1000.4")));
      assertEquals(px("3005"), TickTable.STANDARD.next(px("3000")));
      assertEquals(px("1000.5"), TickTable.TOPIX500.next(px("1000")));
      assertEquals(px("999.9"), TickTable.TOPIX500.roundUp(px("999.9")));
    }

    @Test
    void topix500BookAcceptsTheFinerGrid() {
      TestBook t = TestBook.of(TickTable.TOPIX500, "1000");
      assertEquals(Reject.NONE, t.buy(1, "999.9", 1));
      assertEquals(Reject.OFF_TICK, t.buy(2, "1000.1", 1));
      assertEquals(Reject.NONE, t.sell(3, "1000.5", 1));
      assertEquals(Reject.OFF_TICK, t.sell(4, "1000.3", 1));
      assertEquals(Reject.NONE, t.sell(5, "999.9", 1));
      assertEquals(List.of("buy#1 sell#5 1@999.9"), t.trades());
      assertEquals(Reject.NONE, t.buy(6, "1000", 1)); // 1,000 itself is in the 0.1 band
    }

    @Test
    void standardBookAtThe3000Boundary() {
      TestBook t = TestBook.of(TickTable.STANDARD, "3000");
      assertEquals(Reject.NONE, t.buy(1, "2999", 1));
      assertEquals(Reject.NONE, t.buy(2, "3000", 1));
      assertEquals(Reject.OFF_TICK, t.buy(3, "3001", 1));
      assertEquals(Reject.OFF_TICK, t.buy(4, "3004", 1));
      assertEquals(Reject.NONE, t.sell(5, "3005", 1));
      assertEquals(Reject.OFF_TICK, t.sell(6, "2999.5", 1));
    }

    @Test
    void topix500BookAtThe10000Boundary() {
      TestBook t = TestBook.of(TickTable.TOPIX500, "9000"); // limits 7,500..10,500
      assertEquals(Reject.NONE, t.buy(1, "9999", 1));
      assertEquals(Reject.NONE, t.buy(2, "10000", 1));
      assertEquals(Reject.OFF_TICK, t.buy(3, "10001", 1));
      assertEquals(Reject.NONE, t.sell(4, "10005", 1));
      assertEquals(Reject.OFF_TICK, t.sell(5, "9999.5", 1));
    }

    @Test
    void standardBookAtThe5000Boundary() {
      TestBook t = TestBook.of(TickTable.STANDARD, "5000"); // limits 4,000..6,000, 5-yen then 10-yen ticks
      assertEquals(Reject.NONE, t.buy(1, "4995", 1));
      assertEquals(Reject.OFF_TICK, t.buy(2, "4996", 1));
      assertEquals(Reject.NONE, t.buy(3, "5000", 1));
      assertEquals(Reject.OFF_TICK, t.sell(4, "5005", 1));
      assertEquals(Reject.NONE, t.sell(5, "5010", 1));
    }
  }

  // ================================================================ price limits

  @Nested
  class DailyLimits {
    @ParameterizedTest(name = "base {0} yen: limit +/-{1}")
    @CsvSource({
        "1, 30", "99, 30", "100, 50", "199, 50", "200, 80", "499, 80", "500, 100", "699, 100",
        "700, 150", "999, 150", "1000, 300", "1499, 300", "1500, 400", "1999, 400", "2000, 500",
        "2999, 500", "3000, 700", "4999, 700", "5000, 1000", "6999, 1000", "7000, 1500",
        "9999, 1500", "10000, 3000", "14999, 3000", "15000, 4000", "19999, 4000", "20000, 5000",
        "29999, 5000", "30000, 7000", "49999, 7000", "50000, 10000", "69999, 10000",
        "70000, 15000", "99999, 15000"})
    void limitTable(String base, String width) {
      assertEquals(px(width), PriceLimits.limitWidth(px(base)));
      assertEquals(px(width), ReferenceBook.limitWidth(px(base)), "reference table");
    }

    @Test
    void limitTableRange() {
      assertThrows(IllegalArgumentException.class, () -> PriceLimits.limitWidth(0));
      assertThrows(IllegalArgumentException.class, () -> PriceLimits.limitWidth(Prices.yen(1_000_000)));
    }

    @ParameterizedTest(name = "reference {0} yen: renewal interval {1}")
    @CsvSource({
        "50, 5", "199, 5", "200, 8", "499, 8", "500, 10", "699, 10", "700, 15", "999, 15",
        "1000, 30", "1499, 30", "1500, 40", "1999, 40", "2000, 50", "2999, 50", "3000, 70",
        "4999, 70", "5000, 100", "6999, 100", "7000, 150", "9999, 150", "10000, 300",
        "14999, 300", "15000, 400", "19999, 400", "20000, 500", "29999, 500"})
    void renewalTable(String ref, String interval) {
      assertEquals(px(interval), PriceLimits.renewalInterval(px(ref)));
      assertEquals(px(interval), ReferenceBook.renewal(px(ref)), "reference table");
    }

    @ParameterizedTest(name = "{0} base {1}: {2}..{3}")
    @CsvSource({
        "STANDARD, 1000, 700, 1300",
        "STANDARD, 999, 849, 1149",
        "STANDARD, 3000, 2300, 3700",
        "STANDARD, 2999, 2499, 3495", // 3,499 is off the 5-yen grid: rounded down, inward
        "STANDARD, 50, 20, 80",
        "STANDARD, 10, 1, 40", // 10 - 30 < 0: the lowest grid price
        "TOPIX500, 10, 0.1, 40",
        "TOPIX500, 1000, 700, 1300",
        "TOPIX500, 2800, 2300, 3300",
        "TOPIX500, 2999.5, 2499.5, 3499"})
    void limitsFromBase(TickTable table, String base, String lower, String upper) {
      BookRules r = BookRules.tse("T", table, px(base));
      assertEquals(px(lower), r.lowerLimit(), "lower");
      assertEquals(px(upper), r.upperLimit(), "upper");
      ReferenceBook ref = new ReferenceBook(r);
      assertEquals(px(lower), ref.lowerLimit(), "reference lower");
      assertEquals(px(upper), ref.upperLimit(), "reference upper");
    }

    @Test
    void edgesAreInclusive() {
      TestBook t = TestBook.standard1000();
      assertEquals(Reject.OUTSIDE_PRICE_LIMIT, t.buy(1, "699", 1));
      assertEquals(Reject.NONE, t.buy(2, "700", 1));
      assertEquals(Reject.NONE, t.sell(3, "1300", 1));
      assertEquals(Reject.OUTSIDE_PRICE_LIMIT, t.sell(4, "1301", 1));
    }

    @Test
    void roundedUpperLimit() {
      TestBook t = TestBook.of(TickTable.STANDARD, "2999"); // 2,999 + 500 = 3,499 -> 3,495
      assertEquals(Reject.NONE, t.sell(1, "3495", 1));
      assertEquals(Reject.OUTSIDE_PRICE_LIMIT, t.sell(2, "3500", 1));
      assertEquals(Reject.NONE, t.buy(3, "2499", 1));
      assertEquals(Reject.OUTSIDE_PRICE_LIMIT, t.buy(4, "2498", 1));
    }

    @Test
    void offTickIsReportedBeforeOutsideTheLimits() {
      TestBook t = TestBook.of(TickTable.STANDARD, "3000"); // limits 2,300..3,700
      assertEquals(Reject.OFF_TICK, t.sell(1, "3701", 1));
      assertEquals(Reject.OUTSIDE_PRICE_LIMIT, t.sell(2, "3705", 1));
    }
  }

  // ================================================================ validation

  @Nested
  class Validation {
    @Test
    void lotSize() {
      TestBook t = TestBook.of(BookRules.tse("T", TickTable.STANDARD, Prices.yen(1000)).withLotSize(100));
      assertEquals(Reject.NONE, t.buy(1, "990", 100));
      assertEquals(Reject.INVALID_QUANTITY, t.buy(2, "990", 150));
      assertEquals(Reject.INVALID_QUANTITY, t.buy(3, "990", 0));
      assertEquals(Reject.INVALID_QUANTITY, t.buy(4, "990", -100));
      assertEquals(Reject.INVALID_QUANTITY, t.buy(5, "990", 99));
      assertEquals(Reject.INVALID_QUANTITY, t.modify(1, "990", 250));
      assertEquals(Reject.NONE, t.modify(1, "990", 300));
    }

    @Test
    void maximumQuantity() {
      BookRules r = new BookRules("T", TickTable.STANDARD, Prices.yen(1000), 100, 1_000, 2, 180_000, true,
          Phase.CONTINUOUS);
      TestBook t = TestBook.of(r);
      assertEquals(Reject.NONE, t.buy(1, "990", 1_000));
      assertEquals(Reject.QUANTITY_TOO_LARGE, t.buy(2, "990", 1_100));
      assertEquals(Reject.QUANTITY_TOO_LARGE, t.modify(1, "990", 1_100));
      assertEquals(Reject.INVALID_QUANTITY, t.buy(3, "990", 1_050)); // lot before maximum
    }

    @Test
    void prices() {
      TestBook t = TestBook.standard1000();
      assertEquals(Reject.INVALID_PRICE, t.buy(1, "0", 1));
      assertEquals(Reject.INVALID_PRICE, t.book.place(0, 2, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY,
          -50, 1, SelfTradePrevention.NONE, t.ev));
      assertEquals(Reject.INVALID_PRICE, t.place(3, 1, Side.BUY, OrderType.MARKET, TimeInForce.DAY,
          "1000", 1, SelfTradePrevention.NONE));
      assertEquals(Reject.OFF_TICK, t.buy(4, "1000.5", 1));
    }

    /** The precedence of LimitOrderBook.validateNew: id, quantity, price, phase, tif, duplicate. */
    @Test
    void precedence() {
      TestBook t = TestBook.standard1000(Phase.PRE_OPEN);
      assertEquals(Reject.NONE, t.buy(1, "990", 1));
      assertEquals(Reject.INVALID_ORDER_ID, t.buy(0, "0", 0));
      assertEquals(Reject.INVALID_ORDER_ID, t.buy(-1, "990", 1));
      assertEquals(Reject.INVALID_QUANTITY, t.buy(2, "0.5", 0));
      assertEquals(Reject.INVALID_PRICE, t.buy(2, "0", 1));
      assertEquals(Reject.TIF_NOT_ALLOWED, t.buy(1, "990", 1, TimeInForce.IOC)); // tif before duplicate
      assertEquals(Reject.DUPLICATE_ORDER_ID, t.buy(1, "990", 1));
      assertEquals(Reject.NONE, t.phase(Phase.BREAK));
      assertEquals(Reject.OFF_TICK, t.buy(3, "990.5", 1)); // price before phase
      assertEquals(Reject.MARKET_CLOSED, t.buy(3, "990", 1, TimeInForce.IOC)); // phase before tif
      assertEquals(Reject.MARKET_CLOSED, t.buy(1, "990", 1)); // phase before duplicate
    }

    @Test
    void duplicateIdOnlyWhileLive() {
      TestBook t = TestBook.standard1000();
      assertEquals(Reject.NONE, t.sell(1, "1000", 100));
      assertEquals(Reject.DUPLICATE_ORDER_ID, t.buy(1, "990", 100));
      assertEquals(Reject.DUPLICATE_ORDER_ID, t.sell(1, "1000", 100));
      assertEquals(Reject.NONE, t.buy(2, "1000", 100)); // fills #1
      assertEquals(Reject.NONE, t.buy(1, "990", 100)); // #1 is dead: the id may be used again
      assertEquals(Reject.NONE, t.cancel(1));
      assertEquals(Reject.NONE, t.sell(1, "1010", 100));
    }

    /** The book skips the index probe for ids above every id it has held: ids below must still be caught. */
    @Test
    void duplicateIdBelowTheHighestIdEverHeld() {
      TestBook t = TestBook.standard1000();
      assertEquals(Reject.NONE, t.sell(5, "1010", 100));
      assertEquals(Reject.NONE, t.sell(900, "1020", 100));
      assertEquals(Reject.NONE, t.cancel(900)); // the highest id leaves the book
      assertEquals(Reject.DUPLICATE_ORDER_ID, t.buy(5, "990", 100));
      assertEquals(Reject.DUPLICATE_ORDER_ID, t.buy(5, "1010", 100, TimeInForce.IOC));
      assertEquals(Reject.NONE, t.buy(901, "990", 100));
      assertEquals(Reject.DUPLICATE_ORDER_ID, t.sell(901, "1030", 100));
      LimitOrderBook restored = LimitOrderBook.restore(t.rules, t.book.snapshot());
      BookEvents ev = new BookEvents();
      assertEquals(Reject.DUPLICATE_ORDER_ID, restored.place(t.now, 5, 1, Side.SELL, OrderType.LIMIT, TimeInForce.DAY,
          TestBook.px("1010"), 100, SelfTradePrevention.NONE, ev));
      assertEquals(Reject.DUPLICATE_ORDER_ID, restored.place(t.now, 901, 1, Side.BUY, OrderType.LIMIT, TimeInForce.IOC,
          TestBook.px("1010"), 100, SelfTradePrevention.NONE, ev));
      assertEquals(Reject.NONE, restored.place(t.now, 902, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY,
          TestBook.px("990"), 100, SelfTradePrevention.NONE, ev));
    }

    @Test
    void cancelAndModifyOfDeadOrUnknownOrdersAreRejectedWithoutEvents() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1000", 100);
      t.buy(2, "1000", 100); // #1 filled, #2 filled as aggressor
      t.sell(3, "1010", 100);
      t.cancel(3); // #3 cancelled
      t.buy(4, "900", 100, TimeInForce.IOC); // #4 never rested
      for (long id : new long[] {1, 2, 3, 4, 99}) {
        assertEquals(Reject.UNKNOWN_ORDER, t.cancel(id), "cancel #" + id);
        assertEquals(0, t.ev.size(), "no ack for cancel of #" + id);
        assertEquals(Reject.UNKNOWN_ORDER, t.modify(id, "1000", 50), "modify #" + id);
        assertEquals(0, t.ev.size(), "no ack for modify of #" + id);
      }
      assertEquals(Reject.UNKNOWN_ORDER, t.cancel(3)); // twice
    }

    @Test
    void ownership() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1010", 100); // participant 2
      assertEquals(Reject.NOT_OWNER, t.cancel(1, 1));
      assertEquals(Reject.NOT_OWNER, t.modify(1, 1, "1010", 50));
      assertEquals(Reject.NONE, t.modify(1, 2, "1010", 50));
      assertEquals(Reject.NONE, t.cancel(1, LimitOrderBook.ANY_PARTICIPANT));
    }

    @Test
    void modifyRejects() {
      TestBook t = TestBook.standard1000(Phase.PRE_OPEN);
      t.sell(1, "1000", 300);
      t.buyMarket(2, 100);
      assertEquals(Reject.NO_CHANGE, t.modify(1, "1000", 300));
      assertEquals(Reject.OFF_TICK, t.modify(1, "1000.5", 300));
      assertEquals(Reject.OUTSIDE_PRICE_LIMIT, t.modify(1, "1400", 300));
      assertEquals(Reject.INVALID_PRICE, t.modify(1, "0", 300));
      assertEquals(Reject.MODIFY_NOT_ALLOWED, t.modify(2, "1000", 100)); // market orders have no price
      assertEquals(Reject.MODIFY_NOT_ALLOWED, t.modify(2, null, 200)); // nor a larger quantity
      assertEquals(Reject.NO_CHANGE, t.modify(2, null, 100));
      assertEquals(Reject.NONE, t.modify(2, null, 50));
      assertEquals(50, t.book.marketQuantity(Side.BUY));
    }
  }

  // ================================================================ continuous matching

  @Nested
  class Continuous {
    @Test
    void tradesAtTheRestingPrice() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1010", 100);
      t.buy(2, "1020", 100);
      assertEquals(List.of("buy#2 sell#1 100@1010"), t.trades());
      t.buy(3, "990", 100);
      t.sell(4, "980", 100);
      assertEquals(List.of("buy#3 sell#4 100@990"), t.trades());
      assertEquals(px("990"), t.book.lastPrice());
    }

    @Test
    void priceThenTimePriority() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1005", 100);
      t.sell(2, "1000", 100);
      t.sell(3, "1000", 100);
      t.buy(4, "1010", 250);
      assertEquals(List.of("buy#4 sell#2 100@1000", "buy#4 sell#3 100@1000", "buy#4 sell#1 50@1005"), t.trades());
      assertEquals("1005x50", t.depth(Side.SELL));
      assertEquals(50, t.book.leavesOf(1));
    }

    @Test
    void limitStopsTheSweep() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1000", 100);
      t.sell(2, "1010", 100);
      t.buy(3, "1005", 150);
      assertEquals(List.of("buy#3 sell#1 100@1000"), t.trades());
      assertEquals("1005x50", t.depth(Side.BUY));
      assertEquals("1010x100", t.depth(Side.SELL));
    }

    @Test
    void iocRemainderIsCancelled() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1000", 100);
      t.buy(2, "1000", 150, TimeInForce.IOC);
      assertEquals(List.of("buy#2 sell#1 100@1000"), t.trades());
      assertEquals(List.of("#2 50 IOC_REMAINDER"), t.cancels());
      t.buy(3, "990", 100, TimeInForce.IOC);
      assertEquals(List.of("#3 100 IOC_REMAINDER"), t.cancels());
      assertEquals(0, t.book.orderCount());
    }

    @Test
    void fokIsAllOrNothing() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1000", 100);
      t.sell(2, "1010", 100);
      t.buy(3, "1010", 250, TimeInForce.FOK);
      assertEquals(List.of(), t.trades());
      assertEquals(List.of("#3 250 FOK_UNFILLED"), t.cancels());
      assertEquals("1000x100 1010x100", t.depth(Side.SELL));
      t.buy(4, "1005", 200, TimeInForce.FOK); // 200 available but only 100 within its limit
      assertEquals(List.of("#4 200 FOK_UNFILLED"), t.cancels());
      t.buy(5, "1010", 200, TimeInForce.FOK);
      assertEquals(List.of("buy#5 sell#1 100@1000", "buy#5 sell#2 100@1010"), t.trades());
      assertEquals(List.of(), t.cancels());
    }

    @Test
    void fokCannotFillBeyondTheBand() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1000", 100);
      t.sell(2, "1040", 100); // beyond 1,030
      t.place(3, 1, Side.BUY, OrderType.MARKET, TimeInForce.FOK, null, 200, SelfTradePrevention.NONE);
      assertEquals(List.of("#3 200 FOK_UNFILLED"), t.cancels());
      assertFalse(t.book.specialQuoteShown());
      t.place(4, 1, Side.BUY, OrderType.MARKET, TimeInForce.IOC, null, 200, SelfTradePrevention.NONE);
      assertEquals(List.of("buy#4 sell#1 100@1000"), t.trades());
      assertEquals(List.of("#4 100 IOC_REMAINDER"), t.cancels());
      assertFalse(t.book.specialQuoteShown(), "an IOC remainder does not show a special quote");
    }

    @Test
    void marketOrderWithoutLiquidity() {
      TestBook t = TestBook.standard1000();
      t.buyMarket(1, 100);
      assertEquals(List.of("#1 100 NO_LIQUIDITY"), t.cancels());
      t.sell(2, "1000", 40);
      t.buyMarket(3, 100);
      assertEquals(List.of("buy#3 sell#2 40@1000"), t.trades());
      assertEquals(List.of("#3 60 NO_LIQUIDITY"), t.cancels());
      assertEquals(0, t.book.orderCount());
    }

    @Test
    void selfTradePreventionCancelResting() {
      TestBook t = TestBook.standard1000();
      t.place(1, 7, Side.SELL, OrderType.LIMIT, TimeInForce.DAY, "1000", 100, SelfTradePrevention.NONE);
      t.place(2, 8, Side.SELL, OrderType.LIMIT, TimeInForce.DAY, "1000", 100, SelfTradePrevention.NONE);
      t.place(3, 7, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, "1000", 150, SelfTradePrevention.CANCEL_RESTING);
      assertEquals(List.of("#1 100 SELF_TRADE"), t.cancels());
      assertEquals(List.of("buy#3 sell#2 100@1000"), t.trades());
      assertEquals("1000x50", t.depth(Side.BUY));
    }

    @Test
    void selfTradePreventionCancelAggressor() {
      TestBook t = TestBook.standard1000();
      t.place(1, 8, Side.SELL, OrderType.LIMIT, TimeInForce.DAY, "1000", 100, SelfTradePrevention.NONE);
      t.place(2, 7, Side.SELL, OrderType.LIMIT, TimeInForce.DAY, "1000", 100, SelfTradePrevention.NONE);
      t.place(3, 7, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, "1000", 150, SelfTradePrevention.CANCEL_AGGRESSOR);
      assertEquals(List.of("buy#3 sell#1 100@1000"), t.trades());
      assertEquals(List.of("#3 50 SELF_TRADE"), t.cancels());
      assertTrue(t.book.isLive(2), "the resting order of the same participant stays");
      // a FOK that would meet its own order first cannot fill
      t.place(4, 7, Side.BUY, OrderType.LIMIT, TimeInForce.FOK, "1000", 50, SelfTradePrevention.CANCEL_AGGRESSOR);
      assertEquals(List.of("#4 50 FOK_UNFILLED"), t.cancels());
      // without prevention the participant trades with itself
      t.place(5, 7, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, "1000", 50, SelfTradePrevention.NONE);
      assertEquals(List.of("buy#5 sell#2 50@1000"), t.trades());
    }
  }

  // ================================================================ cancel and modify

  @Nested
  class CancelModify {
    @Test
    void partialFillThenCancelTheResidual() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1000", 300);
      t.buy(2, "1000", 100);
      assertEquals(200, t.book.leavesOf(1));
      assertEquals(Reject.NONE, t.cancel(1));
      assertEquals(List.of("#1 200 REQUESTED"), t.cancels());
      assertFalse(t.book.isLive(1));
    }

    @Test
    void partialFillThenModifyTheResidual() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1000", 300);
      t.buy(2, "1000", 100); // #1: qty 300, filled 100, leaves 200
      assertEquals(Reject.QUANTITY_BELOW_FILLED, t.modify(1, "1000", 100));
      assertEquals(Reject.QUANTITY_BELOW_FILLED, t.modify(1, "1000", 50));
      assertEquals(Reject.NONE, t.modify(1, "1000", 250)); // total 250: leaves 150
      assertEquals(150, t.book.leavesOf(1));
      assertEquals(Reject.NONE, t.modify(1, "1010", 400)); // leaves 300 at a new price
      assertEquals(300, t.book.leavesOf(1));
      assertEquals("1010x300", t.depth(Side.SELL));
    }

    @Test
    void quantityDecreaseKeepsPriority() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1000", 100);
      t.sell(2, "1000", 100);
      assertEquals(Reject.NONE, t.modify(1, "1000", 60));
      t.buy(3, "1000", 60); // a later aggressor: #1 is still first
      assertEquals(List.of("buy#3 sell#1 60@1000"), t.trades());
    }

    @Test
    void quantityIncreaseLosesPriority() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1000", 100);
      t.sell(2, "1000", 100);
      assertEquals(Reject.NONE, t.modify(1, "1000", 150));
      t.buy(3, "1000", 100);
      assertEquals(List.of("buy#3 sell#2 100@1000"), t.trades());
      t.buy(4, "1000", 150);
      assertEquals(List.of("buy#4 sell#1 150@1000"), t.trades());
    }

    @Test
    void priceChangeLosesPriorityEvenWhenItComesBack() {
      TestBook t = TestBook.standard1000();
      t.buy(1, "990", 100);
      t.buy(2, "990", 100);
      t.modify(1, "985", 100);
      t.modify(1, "990", 100);
      t.sell(3, "990", 100);
      assertEquals(List.of("buy#2 sell#3 100@990"), t.trades());
    }

    @Test
    void modifyThatCrossesMatchesAtOnceAtTheRestingPrice() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1010", 100);
      t.sell(2, "1020", 100);
      t.buy(3, "1000", 150);
      assertEquals(Reject.NONE, t.modify(3, "1025", 150));
      assertEquals(List.of("buy#3 sell#1 100@1010", "buy#3 sell#2 50@1020"), t.trades());
      assertFalse(t.book.isLive(3));
      assertEquals("1020x50", t.depth(Side.SELL));
    }

    @Test
    void modifyThatCrossesRestsOutsideContinuousTrading() {
      TestBook t = TestBook.standard1000(Phase.PRE_OPEN);
      t.sell(1, "1010", 100);
      t.buy(2, "1000", 100);
      assertEquals(Reject.NONE, t.modify(2, "1020", 100));
      assertEquals(List.of(), t.trades());
      assertEquals("1020x100", t.depth(Side.BUY));
    }

    @Test
    void modifyAndCancelInBreak() {
      TestBook t = TestBook.standard1000();
      t.buy(1, "990", 100);
      t.phase(Phase.BREAK);
      assertEquals(Reject.MARKET_CLOSED, t.modify(1, "990", 50));
      assertEquals(Reject.NONE, t.cancel(1));
    }
  }

  // ================================================================ phases

  @Nested
  class Phases {
    @ParameterizedTest
    @EnumSource(value = Phase.class, names = {"CLOSED", "BREAK"})
    void ordersRejectedWhenNotAccepting(Phase p) {
      TestBook t = TestBook.standard1000(p);
      assertEquals(Reject.MARKET_CLOSED, t.buy(1, "1000", 100));
      assertEquals(Reject.MARKET_CLOSED, t.sellMarket(2, 100));
    }

    @ParameterizedTest
    @EnumSource(value = Phase.class, names = {"PRE_OPEN", "PRE_CLOSE", "HALTED"})
    void nothingExecutesAndIocFokAreRejected(Phase p) {
      TestBook t = TestBook.standard1000(p);
      assertEquals(Reject.TIF_NOT_ALLOWED, t.buy(1, "1000", 100, TimeInForce.IOC));
      assertEquals(Reject.TIF_NOT_ALLOWED, t.buy(1, "1000", 100, TimeInForce.FOK));
      assertEquals(Reject.NONE, t.buy(1, "1010", 100));
      assertEquals(Reject.NONE, t.sell(2, "990", 100));
      assertEquals(Reject.NONE, t.sellMarket(3, 100));
      assertEquals(Reject.NONE, t.modify(1, "1020", 200));
      assertEquals(List.of(), t.trades());
      assertEquals(3, t.book.orderCount());
      assertEquals(px("1020"), t.book.bestBid());
      assertEquals(px("990"), t.book.bestAsk()); // crossed, and that is fine here
      assertEquals(100, t.book.marketQuantity(Side.SELL));
    }

    @Test
    void samePhaseIsInvalid() {
      TestBook t = TestBook.standard1000();
      assertEquals(Reject.INVALID_PHASE_CHANGE, t.phase(Phase.CONTINUOUS));
    }

    @Test
    void closedExpiresEverything() {
      TestBook t = TestBook.standard1000();
      t.buy(1, "990", 100);
      t.sell(2, "1010", 200);
      t.sell(3, "1000", 50);
      t.buy(4, "1000", 20); // #3 leaves 30
      assertEquals(Reject.NONE, t.phase(Phase.PRE_CLOSE));
      t.buyMarket(5, 10); // trades in the closing auction
      t.buy(6, "980", 100);
      assertEquals(Reject.NONE, t.phase(Phase.CLOSED));
      // closing auction in 940..1,060 (2 x 30 around 1,000): buys mkt 10, 990 x100, 980 x100;
      // sells 1,000 x30, 1,010 x200. Supply is 0 below 1,000, so volume needs p >= 1,000; at 1,000
      // demand 10 (only the market buy), supply 30, nothing must trade above/below: 10 @ 1,000.
      // At 1,001..1,010 the 30 sold below p exceed the demand of 10: condition (2) fails.
      assertEquals(List.of("buy#5 sell#3 10@1000"), t.trades());
      assertEquals(List.of("#1 100 EXPIRED", "#2 200 EXPIRED", "#3 20 EXPIRED", "#6 100 EXPIRED"),
          t.cancels().stream().sorted().toList());
      assertEquals(0, t.book.orderCount());
      assertEquals(Phase.CLOSED, t.book.phase());
      assertEquals(Reject.MARKET_CLOSED, t.buy(7, "1000", 100));
      assertEquals(Reject.UNKNOWN_ORDER, t.cancel(1));
    }

    @Test
    void breakKeepsOrdersWhileClosedDoesNot() {
      TestBook t = TestBook.standard1000();
      t.buy(1, "990", 100);
      t.phase(Phase.BREAK);
      assertTrue(t.book.isLive(1));
      t.phase(Phase.CONTINUOUS);
      assertTrue(t.book.isLive(1));
      t.phase(Phase.HALTED);
      t.phase(Phase.CLOSED);
      assertFalse(t.book.isLive(1));
    }
  }

  // ================================================================ special quotes

  @Nested
  class SpecialQuotes {
    @Test
    void buyAggressorBeyondTheBandStopsRestsAndShowsASpecialQuote() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1020", 100);
      t.sell(2, "1060", 100); // beyond 1,020 (the previous execution) + 30
      t.buy(3, "1070", 300);
      assertEquals(List.of("buy#3 sell#1 100@1020"), t.trades());
      assertEquals("BUY 1050", t.specialQuote());
      assertEquals("990..1050", t.band());
      assertEquals(180_000, t.book.specialQuoteNextStep());
      assertEquals(200, t.book.leavesOf(3));
      assertEquals(px("1070"), t.book.bestBid()); // crossed while the special quote is shown
      assertEquals(px("1060"), t.book.bestAsk());
    }

    @Test
    void sellAggressorBelowTheBand() {
      TestBook t = TestBook.standard1000();
      t.buy(1, "960", 100);
      t.sell(2, "950", 100);
      assertEquals(List.of(), t.trades());
      assertEquals("SELL 970", t.specialQuote());
    }

    @Test
    void bandEdgesAreInclusive() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1030", 100);
      t.buy(2, "1030", 100);
      assertEquals(List.of("buy#2 sell#1 100@1030"), t.trades());
      assertEquals("none", t.specialQuote());
      // the band now moves with the last price: 1,030 +/- 30 (renewal interval of 1,030)
      t.buy(3, "1000", 100);
      t.sell(4, "1000", 100);
      assertEquals(List.of("buy#3 sell#4 100@1000"), t.trades());
    }

    @Test
    void bandIsRoundedOntoTheGrid() {
      // 2,999 other issue: interval 50, band 2,949..3,049 -> 3,045 (5-yen ticks above 3,000)
      TestBook t = TestBook.of(TickTable.STANDARD, "2999");
      t.sell(1, "3050", 100);
      t.buy(2, "3050", 100);
      assertEquals(List.of(), t.trades());
      assertEquals("BUY 3045", t.specialQuote());
      assertEquals("2949..3045", t.band());
    }

    @Test
    void stepsEveryThreeMinutesUntilTheOrdersMeet() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1070", 100);
      t.buy(2, "1080", 100);
      assertEquals("BUY 1030", t.specialQuote());
      t.clock(179_999);
      assertEquals("BUY 1030", t.specialQuote());
      t.clock(180_000); // 970..1,060: still short of 1,070
      assertEquals("BUY 1060", t.specialQuote());
      assertEquals(360_000, t.book.specialQuoteNextStep());
      assertEquals(List.of(), t.trades());
      t.clock(360_000); // 970..1,090: itayose, candidates 1,070..1,080, nearest 1,000 -> 1,070
      assertEquals(List.of("buy#2 sell#1 100@1070"), t.trades());
      assertEquals("none", t.specialQuote());
    }

    @Test
    void severalStepsAtOnceWhenTheClockJumps() {
      TestBook t = TestBook.standard1000();
      t.buy(1, "900", 100);
      t.sell(2, "890", 100);
      assertEquals("SELL 970", t.specialQuote());
      t.at(600_000).buy(3, "800", 1); // steps at 180 s (940), 360 s (910), 540 s (880: trades)
      assertEquals(List.of("buy#1 sell#2 100@900"), t.trades()); // candidates 890..900, nearest 1,000
      assertEquals("none", t.specialQuote());
    }

    @Test
    void newOrdersResolveTheSpecialQuote() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1070", 100);
      t.buy(2, "1080", 100);
      t.sell(3, "1030", 100, TimeInForce.IOC); // nothing executes "at once" under a special quote
      assertEquals(List.of("#3 100 IOC_REMAINDER"), t.cancels());
      t.sellMarket(4, 40); // rests: market sell 40 vs buy 100 above the band: still blocked up
      assertEquals(List.of(), t.trades());
      assertEquals("BUY 1030", t.specialQuote());
      // supply at <= 1,030 reaches 100 = demand: trades at 1,030 within the band
      t.sell(5, "1030", 60);
      assertEquals(List.of("buy#2 sell#4 40@1030", "buy#2 sell#5 60@1030"), t.trades());
      assertEquals("none", t.specialQuote());
      assertEquals(px("1070"), t.book.bestAsk());
    }

    @Test
    void cancellingTheBlockingOrderWithdrawsTheSpecialQuote() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1070", 100);
      t.buy(2, "1080", 100);
      assertEquals("BUY 1030", t.specialQuote());
      t.cancel(2);
      assertEquals("none", t.specialQuote());
    }

    @Test
    void pressureSideFollowsTheBook() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1070", 100);
      t.buy(2, "1080", 100);
      assertEquals("BUY 1030", t.specialQuote());
      t.sellMarket(3, 500); // market sell 500 > all buys: now pressed from the sell side
      assertEquals("SELL 970", t.specialQuote());
    }

    @Test
    void marketOrdersLeftAfterTheSpecialQuoteResolvesAreCancelled() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1070", 100);
      t.buyMarket(2, 100); // market buy: sell 1,070 is beyond the band
      assertEquals("BUY 1030", t.specialQuote());
      assertEquals(100, t.book.marketQuantity(Side.BUY));
      t.cancel(1); // no sell left: no cross, the quote goes and so does the market order
      assertEquals(List.of("#1 100 REQUESTED", "#2 100 AUCTION_UNFILLED"), t.cancels());
      assertEquals("none", t.specialQuote());
      assertEquals(0, t.book.orderCount());
    }

    @Test
    void withSpecialQuotesOffTradesMayJumpWithinTheLimits() {
      TestBook t = TestBook.of(BookRules.tse("T", TickTable.STANDARD, Prices.yen(1000)).withSpecialQuotes(false));
      t.sell(1, "1200", 100);
      t.buy(2, "1300", 100);
      assertEquals(List.of("buy#2 sell#1 100@1200"), t.trades());
      assertEquals("none", t.specialQuote());
    }

    @Test
    void phaseChangeWithdrawsTheSpecialQuote() {
      TestBook t = TestBook.standard1000();
      t.sell(1, "1070", 100);
      t.buy(2, "1080", 100);
      t.phase(Phase.HALTED);
      assertEquals("none", t.specialQuote());
      t.clock(1_000_000); // no stepping outside continuous trading
      assertEquals(List.of(), t.trades());
      t.phase(Phase.CONTINUOUS); // resumption itayose, still blocked: a new special quote
      assertEquals("BUY 1030", t.specialQuote());
      assertEquals(1_180_000, t.book.specialQuoteNextStep());
    }
  }

  // ================================================================ snapshot and replay

  @Test
  void snapshotAndReplayRebuildTheSameBook() {
    TestBook t = TestBook.standard1000();
    BookEvents log = new BookEvents();
    t.sell(1, "1000", 100);
    copy(t.ev, log);
    t.sell(2, "1040", 100);
    copy(t.ev, log);
    t.buy(3, "1050", 300); // trades, rests, special quote
    copy(t.ev, log);
    LimitOrderBook replayed = new LimitOrderBook(t.rules);
    replayed.apply(log);
    assertEquals(t.book.stateHash(), replayed.stateHash());
    LimitOrderBook restored = LimitOrderBook.restore(t.rules, t.book.snapshot());
    assertEquals(t.book.stateHash(), restored.stateHash());
    BookEvents a = new BookEvents();
    BookEvents b = new BookEvents();
    t.book.onClock(180_000, a);
    restored.onClock(180_000, b);
    assertEquals(a.toString(), b.toString());
    assertEquals(t.book.stateHash(), restored.stateHash());
  }

  private static void copy(BookEvents from, BookEvents to) {
    for (int i = 0; i < from.size(); i++) to.copy(from, i);
  }

  // ================================================================ core bugs found by these tests (fixed)

  /** Cases that once failed against the core (fixed); kept as regressions. */
  @Nested
  class CoreBugs {
    /**
     * Long.MIN_VALUE is LongIntMap's EMPTY marker: get(MIN_VALUE) matches the first empty slot it
     * probes and returns that slot's stale value (0 if never used), so cancel/modify treat order
     * slot 0 as the order: it cancels somebody else's order, or acks a phantom #0 on an empty book.
     */
    @Test
    void cancelWithTheEmptyKeyIsUnknown() {
      TestBook t = new TestBook(BookRules.tse("T", TickTable.STANDARD, Prices.yen(1000)), null);
      t.buy(1, "990", 100);
      assertFalse(t.book.isLive(Long.MIN_VALUE));
      assertEquals(Reject.UNKNOWN_ORDER, t.cancel(Long.MIN_VALUE));
      assertEquals(Reject.UNKNOWN_ORDER, t.modify(Long.MIN_VALUE, "990", 50));
      assertTrue(t.book.isLive(1));
      TestBook empty = new TestBook(BookRules.tse("T", TickTable.STANDARD, Prices.yen(1000)), null);
      assertEquals(Reject.UNKNOWN_ORDER, empty.cancel(Long.MIN_VALUE));
      assertEquals(0, empty.ev.size());
    }

    /**
     * cancelMarketOrders() asks tradedInBuffer() whether a market order traded in this itayose by
     * scanning the whole event buffer backwards for the order id. BookEvents says "clear() before
     * each batch", so a batch may hold several commands: an earlier, unrelated fill of a previous
     * order with the same id (ids are reusable once dead) is taken for this auction's fill and the
     * unexecuted market order survives into continuous trading, where nothing ever matches it.
     */
    @Test
    void unexecutedMarketOrderIsCancelledEvenIfTheBufferHoldsEarlierCommands() {
      LimitOrderBook b = new LimitOrderBook(BookRules.tse("T", TickTable.STANDARD, Prices.yen(1000)));
      BookEvents batch = new BookEvents(); // one batch, several commands
      b.place(0, 2, 2, Side.SELL, OrderType.LIMIT, TimeInForce.DAY, px("1000"), 100, SelfTradePrevention.NONE, batch);
      b.place(0, 5, 1, Side.BUY, OrderType.MARKET, TimeInForce.DAY, 0, 100, SelfTradePrevention.NONE, batch); // #5 filled
      b.setPhase(1, Phase.PRE_OPEN, batch);
      b.place(2, 5, 1, Side.BUY, OrderType.MARKET, TimeInForce.DAY, 0, 100, SelfTradePrevention.NONE, batch); // id reused
      b.setPhase(3, Phase.CONTINUOUS, batch); // opening: no sell at all, the market buy must go
      assertFalse(b.isLive(5), "market order #5 should be cancelled (AUCTION_UNFILLED)\n" + batch);
      assertEquals(0, b.marketQuantity(Side.BUY));
    }

    /**
     * place() shows a special quote when its continuous match is blocked, but unlike modify() (and
     * every later command) it does not attempt the itayose within the band. When the blocked trade
     * was below the band for a buy (an old sell below reference - interval), the itayose would trade
     * at once: the book shows a special quote with balanced orders until some unrelated command.
     */
    @Test
    void specialQuoteShownByANewOrderIsResolvedAtOnce() {
      TestBook t = new TestBook(BookRules.tse("T", TickTable.STANDARD, Prices.yen(1000)), ReferenceBook.STRICT);
      t.sell(1, "900", 100); // no bid: rests 70 yen below the reference price 1,000
      // buy 200 @ 1,000 would trade at 900, outside 970..1,030: stops, rests, special quote (SELL).
      // Itayose in 970..1,030: demand(p) = 200 for p <= 1,000, supply(p) = 100 for p >= 900;
      // only 1,000 meets condition (2) (no buy above it, sells below it 100 <= 200): 100 @ 1,000.
      t.buy(2, "1000", 200);
      assertEquals(List.of("buy#2 sell#1 100@1000"), t.trades());
      assertEquals("none", t.specialQuote());
    }

    /** The same situation reached through modify() resolves at once: the two paths disagree. */
    @Test
    void specialQuoteShownByAModifyIsResolvedAtOnce() {
      TestBook t = new TestBook(BookRules.tse("T", TickTable.STANDARD, Prices.yen(1000)), ReferenceBook.STRICT);
      t.sell(1, "900", 100);
      t.buy(2, "890", 200);
      t.modify(2, "1000", 200);
      assertEquals(List.of("buy#2 sell#1 100@1000"), t.trades());
      assertEquals("none", t.specialQuote());
    }

    /**
     * The brief: "When the next execution would jump more than the renewal interval from the last
     * price, no trade happens". LimitOrderBook fixes the band at the reference price from before the
     * aggressor arrived, so a sweep stops one interval from the old last price even when each
     * execution is within one interval of the previous one.
     */
    @Test
    void sweepBandFollowsTheLastExecution() {
      TestBook t = new TestBook(BookRules.tse("T", TickTable.STANDARD, Prices.yen(1000)), ReferenceBook.STRICT);
      t.sell(1, "1020", 100);
      t.sell(2, "1040", 100); // 20 from the first execution at 1,020, 40 from 1,000
      t.buy(3, "1040", 200);
      assertEquals(List.of("buy#3 sell#1 100@1020", "buy#3 sell#2 100@1040"), t.trades());
      assertEquals("none", t.specialQuote());
    }
    @Test
    void negativePricesAreHandledConsistently() {
      assertThrows(IllegalArgumentException.class, () -> Prices.parseYen("-5.5"));
      assertThrows(IllegalArgumentException.class, () -> Prices.parseYen("-5"));
      assertEquals("-0.5", Prices.format(-5));
    }
  }

  @Test
  void pricesParseAndFormat() {
    assertEquals(12345, Prices.parseYen("1,234.5"));
    assertEquals(12340, Prices.parseYen("1234"));
    assertEquals(12340, Prices.parseYen("1234.0"));
    assertEquals(5, Prices.parseYen(".5"));
    assertThrows(IllegalArgumentException.class, () -> Prices.parseYen("1.25"));
    assertThrows(IllegalArgumentException.class, () -> Prices.parseYen(""));
    assertEquals("1234.5", Prices.format(12345));
    assertEquals("1234", Prices.format(12340));
  }
}
