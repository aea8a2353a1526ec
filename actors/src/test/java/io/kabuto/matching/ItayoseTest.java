package io.kabuto.matching;

import static io.kabuto.matching.TestBook.px;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Itayose cases worked by hand from the TSE rules in the brief. The book is a 1,000 yen other issue
 * (1-yen ticks, limits 700..1,300, renewal interval 30), orders are entered in PRE_OPEN and the
 * opening (PRE_OPEN -> CONTINUOUS) runs the itayose within 1,000 +/- 30 = 970..1,030 unless said
 * otherwise. Every command also runs through the {@link ReferenceBook}, which must agree.
 *
 * <p>In the tables: demand(p) = market buys + buys priced >= p; supply(p) = market sells + sells
 * priced <= p; "above" = market buys + buys priced > p; "below" = market sells + sells priced < p.
 * A price p is a candidate when (1)+(2) above <= supply(p) and below <= demand(p) -- every market
 * order and every better-priced order executes -- and (3) holds by construction (volume = min of
 * demand and supply, so one side at p executes completely). Then: most volume, least surplus, all
 * sell surplus -> lowest, all buy surplus -> highest, else nearest the reference price.
 *
 * <p>Two observations from working these: with conditions (1)-(3) a candidate with a one-sided
 * surplus needs orders of the surplus side priced exactly at p, so when every tied candidate leaves
 * a surplus on the same side there is only one of them and "lowest"/"highest" merely confirm it;
 * and the tied candidates form a run of consecutive grid prices, so with the reference price on the
 * grid "nearest" is never a tie (the documented "ties go to the higher price" cannot trigger).
 */
class ItayoseTest {

  private static TestBook preOpen() {
    return TestBook.standard1000(Phase.PRE_OPEN);
  }

  /**
   * Buys 1,010 x300 (#1), 1,000 x200 (#2); sells 990 x200 (#3), 1,005 x200 (#4).
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   990           500    200    500    0    no: 500 above > 200 supply
   *   991..999      500    200    500   200   no: 500 > 200
   *   1000          500    200    300   200   no: 300 > 200
   *   1001..1004    300    200    300   200   no: 300 > 200
   *   1005          300    400    300   200   yes: volume 300, sell surplus 100
   *   1006..1009    300    400    300   400   no: 400 below > 300 demand
   *   1010          300    400      0   400   no: 400 > 300
   * </pre>
   *
   * 1,005 for 300: #1 takes #3 (200, better priced) then 100 of #4.
   */
  @Test
  void simpleCross() {
    TestBook t = preOpen();
    t.buy(1, "1010", 300);
    t.buy(2, "1000", 200);
    t.sell(3, "990", 200);
    t.sell(4, "1005", 200);
    assertEquals(List.of(), t.trades());
    t.phase(Phase.CONTINUOUS);
    assertEquals(List.of("buy#1 sell#3 200@1005", "buy#1 sell#4 100@1005"), t.trades());
    assertEquals(px("1005"), t.book.lastPrice());
    assertEquals("1000x200", t.depth(Side.BUY));
    assertEquals("1005x100", t.depth(Side.SELL));
  }

  /**
   * Market buy x300 (#1), market sell x300 (#2), nothing else.
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   970..1030     300    300    300   300   yes: volume 300, surplus 0 (every p)
   * </pre>
   *
   * Neither side has a surplus: nearest the reference price, the base price 1,000.
   */
  @Test
  void marketOrdersOnlyTradeAtTheReferencePrice() {
    TestBook t = preOpen();
    t.buyMarket(1, 300);
    t.sellMarket(2, 300);
    t.phase(Phase.CONTINUOUS);
    assertEquals(List.of("buy#1 sell#2 300@1000"), t.trades());
    assertEquals(0, t.book.orderCount());
  }

  /**
   * A trade at 1,010 in continuous trading makes 1,010 the reference; then a halt, market buy x100
   * (#3) and market sell x100 (#4), and the resumption itayose in 1,010 +/- 30 = 980..1,040.
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   980..1040     100    100    100   100   yes: volume 100, surplus 0 (every p)
   * </pre>
   *
   * Nearest the reference price = the last price 1,010.
   */
  @Test
  void haltResumesByItayoseAroundTheLastPrice() {
    TestBook t = TestBook.standard1000();
    t.sell(1, "1010", 100);
    t.buy(2, "1010", 100);
    t.phase(Phase.HALTED);
    t.buyMarket(3, 100);
    t.sellMarket(4, 100);
    assertEquals(List.of(), t.trades());
    t.phase(Phase.CONTINUOUS);
    assertEquals(List.of("buy#3 sell#4 100@1010"), t.trades());
  }

  /**
   * Buy 1,000 x100 (#1); sell 990 x300 (#2).
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   970..989      100     0     100    0    no: 100 above > 0 supply (and no volume)
   *   990           100    300    100    0    yes: volume 100, sell surplus 200
   *   991..1000     100    300  100/0   300   no: 300 below > 100 demand
   *   1001..1030     0     300     0    300   no volume
   * </pre>
   *
   * Most volume (100) at 990..1,000, all with a sell surplus of 200: the lowest, 990 -- which is
   * also the only price meeting condition (2).
   */
  @Test
  void sellSurplusTakesTheLowestPrice() {
    TestBook t = preOpen();
    t.buy(1, "1000", 100);
    t.sell(2, "990", 300);
    t.phase(Phase.CONTINUOUS);
    assertEquals(List.of("buy#1 sell#2 100@990"), t.trades());
    assertEquals("990x200", t.depth(Side.SELL));
  }

  /**
   * Buy 1,010 x300 (#1); sell 1,000 x100 (#2).
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   1000          300    100    300    0    no: 300 above > 100 supply
   *   1001..1009    300    100    300   100   no: 300 > 100
   *   1010          300    100     0    100   yes: volume 100, buy surplus 200
   * </pre>
   *
   * Most volume at 1,000..1,010, all with a buy surplus: the highest, 1,010.
   */
  @Test
  void buySurplusTakesTheHighestPrice() {
    TestBook t = preOpen();
    t.buy(1, "1010", 300);
    t.sell(2, "1000", 100);
    t.phase(Phase.CONTINUOUS);
    assertEquals(List.of("buy#1 sell#2 100@1010"), t.trades());
    assertEquals("1010x200", t.depth(Side.BUY));
  }

  /**
   * Buy 1,010 x100 (#1); sell 990 x100 (#2).
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   990..1010     100    100  100..0 0..100 yes: volume 100, surplus 0 (every p)
   * </pre>
   *
   * No surplus anywhere: nearest the reference price 1,000.
   */
  @Test
  void noSurplusTakesThePriceNearestTheReference() {
    TestBook t = preOpen();
    t.buy(1, "1010", 100);
    t.sell(2, "990", 100);
    t.phase(Phase.CONTINUOUS);
    assertEquals(List.of("buy#1 sell#2 100@1000"), t.trades());
  }

  /**
   * Buy 1,020 x100 (#1); sell 1,010 x100 (#2): candidates 1,010..1,020 (same table as above,
   * shifted), none of them the reference price 1,000: the nearest is 1,010.
   */
  @Test
  void referenceOutsideTheCandidatesTakesTheNearestEdge() {
    TestBook t = preOpen();
    t.buy(1, "1020", 100);
    t.sell(2, "1010", 100);
    t.phase(Phase.CONTINUOUS);
    assertEquals(List.of("buy#1 sell#2 100@1010"), t.trades());
  }

  /**
   * Buys 991 x100 (#1), 990 x50 (#2); sells 980 x100 (#3), 991 x50 (#4).
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   980..989      150    100    150    0    no: 150 above > 100 supply
   *   990           150    100    100   100   yes: volume 100, buy surplus 50
   *   991           100    150     0    100   yes: volume 100, sell surplus 50
   *   992..1030      0     150     0    150   no volume
   * </pre>
   *
   * Same volume, same surplus (50) on opposite sides: neither "all sell" nor "all buy", so the
   * nearest to the reference price 1,000 is taken: 991. #1 takes #3 (the better-priced sell).
   */
  @Test
  void equalSurplusOnBothSidesTakesTheNearestPrice() {
    TestBook t = preOpen();
    t.buy(1, "991", 100);
    t.buy(2, "990", 50);
    t.sell(3, "980", 100);
    t.sell(4, "991", 50);
    t.phase(Phase.CONTINUOUS);
    assertEquals(List.of("buy#1 sell#3 100@991"), t.trades());
    assertEquals("990x50", t.depth(Side.BUY));
    assertEquals("991x50", t.depth(Side.SELL));
  }

  /**
   * Buys 1,010 x100 (#1), 1,000 x100 (#2); sell 1,000 x100 (#3).
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   970..999      200     0     200    0    no: 200 > 0
   *   1000          200    100    100    0    yes: volume 100, buy surplus 100
   *   1001..1010    100    100  100..0  100   yes: volume 100, surplus 0
   *   1011..1030     0     100     0    100   no volume
   * </pre>
   *
   * Least surplus beats the reference price: 1,000 is the reference itself but leaves 100 over,
   * 1,001..1,010 balance exactly, and of those 1,001 is nearest 1,000.
   */
  @Test
  void leastSurplusBeatsTheReferencePrice() {
    TestBook t = preOpen();
    t.buy(1, "1010", 100);
    t.buy(2, "1000", 100);
    t.sell(3, "1000", 100);
    t.phase(Phase.CONTINUOUS);
    assertEquals(List.of("buy#1 sell#3 100@1001"), t.trades());
  }

  /**
   * Buys 1,000 x100 (#1, first), 1,010 x100 (#2), 1,000 x100 (#3, later), market x100 (#4, last);
   * sell 990 x250 (#5).
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   990..999      400    250    400    0    no: 400 above > 250 supply
   *   1000          400    250    200   250   yes: volume 250, buy surplus 150
   *   1001..1010    200    250  200/100 250   no: 250 below > 200 demand
   *   1011..1030    100    250    100   250   no: 250 > 100
   * </pre>
   *
   * 1,000 for 250, allocated market first (#4 100), then by price (#2 at 1,010: 100), then by time
   * within 1,000 (#1 before #3: 50; #3 gets nothing).
   */
  @Test
  void allocationGoesMarketFirstThenPriceThenTime() {
    TestBook t = preOpen();
    t.buy(1, "1000", 100);
    t.buy(2, "1010", 100);
    t.buy(3, "1000", 100);
    t.buyMarket(4, 100);
    t.sell(5, "990", 250);
    t.phase(Phase.CONTINUOUS);
    assertEquals(List.of("buy#4 sell#5 100@1000", "buy#2 sell#5 100@1000", "buy#1 sell#5 50@1000"),
        t.trades());
    assertEquals(50, t.book.leavesOf(1));
    assertEquals(100, t.book.leavesOf(3));
  }

  /**
   * Market buy x100 (#1); sells 1,000 x50 (#2), 1,010 x100 (#3).
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   970..999      100     0     100    0    no: 100 > 0
   *   1000..1009    100     50    100  0/50   no: market buy 100 > supply 50 (condition 1)
   *   1010          100    150    100   50    yes: volume 100, sell surplus 50
   *   1011..1030    100    150    100   150   no: 150 below > 100 demand
   * </pre>
   *
   * 1,010 for 100: the sell at 1,000 trades at 1,010 too (one price for everybody), first.
   */
  @Test
  void marketBuyAgainstLimitSells() {
    TestBook t = preOpen();
    t.buyMarket(1, 100);
    t.sell(2, "1000", 50);
    t.sell(3, "1010", 100);
    t.phase(Phase.CONTINUOUS);
    assertEquals(List.of("buy#1 sell#2 50@1010", "buy#1 sell#3 50@1010"), t.trades());
    assertEquals("1010x50", t.depth(Side.SELL));
  }

  /**
   * Market orders that an itayose does not execute are cancelled. A successful itayose executes
   * every market order (condition 1), so this happens when nothing crosses at all. Market buy x100
   * (#1), buy 1,000 x100 (#2) and a sell 1,040 x100 (#3) beyond the band:
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   970..1000     200     0     100    0    no: 100 above > 0 supply
   *   1001..1030    100     0     100    0    no: 100 > 0         (blocked up at 1,030)
   * </pre>
   *
   * Special quote; the market order waits. When #3 is cancelled nothing crosses any more: the
   * quote is withdrawn and the market buy cancelled (AUCTION_UNFILLED); the limit buy stays. The
   * plain case -- no sell at all at the opening -- cancels it at once.
   */
  @Test
  void unexecutedMarketOrdersAreCancelled() {
    TestBook t = preOpen();
    t.buyMarket(1, 100);
    t.buy(2, "1000", 100);
    t.sell(3, "1040", 100); // does not cross the limit buy
    t.phase(Phase.CONTINUOUS);
    assertEquals("BUY 1030", t.specialQuote());
    assertEquals(100, t.book.marketQuantity(Side.BUY));
    t.cancel(3); // no sell left: no cross at all; the quote goes and the market order with it
    assertEquals(List.of("#3 100 REQUESTED", "#1 100 AUCTION_UNFILLED"), t.cancels());
    assertTrue(t.book.isLive(2));
    assertEquals(0, t.book.marketQuantity(Side.BUY));

    TestBook u = preOpen(); // the plain case: no sell at all at the opening
    u.buyMarket(1, 100);
    u.buy(2, "1000", 100);
    u.phase(Phase.CONTINUOUS);
    assertEquals(List.of("#1 100 AUCTION_UNFILLED"), u.cancels());
    assertTrue(u.book.isLive(2));
  }

  /**
   * Last price 1,000; in PRE_CLOSE: market sell x100 (#3), buy 900 x100 (#4). Closing auction in
   * 1,000 +/- 2 x 30 = 940..1,060.
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   940..1060      0     100     0    100   no: market sell 100 > demand 0 (condition 1)
   * </pre>
   *
   * Blocked below the band (100 sold below 940 > 0 bought at 940): no closing trade, the market
   * order is cancelled, then everything expires.
   */
  @Test
  void closingAuctionBlockedCancelsMarketOrdersAndExpiresTheRest() {
    TestBook t = TestBook.standard1000();
    t.sell(1, "1000", 100);
    t.buy(2, "1000", 100);
    t.phase(Phase.PRE_CLOSE);
    t.sellMarket(3, 100);
    t.buy(4, "900", 100);
    t.phase(Phase.CLOSED);
    assertEquals(List.of(), t.trades());
    assertEquals(List.of("#3 100 AUCTION_UNFILLED", "#4 100 EXPIRED"), t.cancels());
    assertFalse(t.book.specialQuoteShown());
    assertEquals(0, t.book.orderCount());
  }

  /**
   * Last price 1,000, then buy 1,050 x100 and sell 1,050 x100.
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   ..1049        100     0     100    0    no
   *   1050          100    100     0     0    yes: volume 100, surplus 0
   *   1051..        0      100     0    100   no volume
   * </pre>
   *
   * The only candidate, 1,050, is 50 from the last price: inside the closing band (2 x 30 = 60:
   * 940..1,060), outside the 1x band of a morning close or a CONTINUOUS -> CLOSED close (970..1,030).
   */
  @Test
  void closingAuctionBandIsTwiceTheMorningCloseBand() {
    // closing auction: PRE_CLOSE -> CLOSED, 2x
    TestBook close = lastPrice1000();
    close.phase(Phase.PRE_CLOSE);
    close.buy(3, "1050", 100);
    close.sell(4, "1050", 100);
    close.phase(Phase.CLOSED);
    assertEquals(List.of("buy#3 sell#4 100@1050"), close.trades());

    // PRE_CLOSE -> BREAK uses the closing multiplier too
    TestBook preCloseBreak = lastPrice1000();
    preCloseBreak.phase(Phase.PRE_CLOSE);
    preCloseBreak.buy(3, "1050", 100);
    preCloseBreak.sell(4, "1050", 100);
    preCloseBreak.phase(Phase.BREAK);
    assertEquals(List.of("buy#3 sell#4 100@1050"), preCloseBreak.trades());

    // morning close: CONTINUOUS -> BREAK, 1x. The orders can only be crossed in continuous trading
    // under a special quote: the buy is stopped at the band and rests.
    TestBook morning = lastPrice1000();
    morning.sell(3, "1050", 100);
    morning.buy(4, "1050", 100);
    assertEquals("BUY 1030", morning.specialQuote());
    morning.phase(Phase.BREAK);
    assertEquals(List.of(), morning.trades());
    assertEquals(2, morning.book.orderCount()); // the break keeps them, crossed
    assertEquals("none", morning.specialQuote());

    // CONTINUOUS -> CLOSED directly: 1x as well, then expiry
    TestBook direct = lastPrice1000();
    direct.sell(3, "1050", 100);
    direct.buy(4, "1050", 100);
    direct.phase(Phase.CLOSED);
    assertEquals(List.of(), direct.trades());
    assertEquals(List.of("#3 100 EXPIRED", "#4 100 EXPIRED"), direct.cancels().stream().sorted().toList());

    // beyond 2x: 1,070 is 70 from 1,000 > 60
    TestBook far = lastPrice1000();
    far.phase(Phase.PRE_CLOSE);
    far.buy(3, "1070", 100);
    far.sell(4, "1070", 100);
    far.phase(Phase.CLOSED);
    assertEquals(List.of(), far.trades());
  }

  private static TestBook lastPrice1000() {
    TestBook t = TestBook.standard1000();
    t.sell(1, "1000", 100);
    t.buy(2, "1000", 100);
    assertEquals(px("1000"), t.book.lastPrice());
    return t;
  }

  /**
   * Buy 1,050 x100 (#1), sell 1,040 x100 (#2) before the opening.
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   970..1030     100     0     100    0    no: 100 above > 0 supply  (blocked up at 1,030)
   *   1040..1050    100    100  100..0 0..100 (outside the band: would be volume 100, surplus 0)
   * </pre>
   *
   * The opening cannot trade within 970..1,030: special quote on the buy side at 1,030. After 3
   * minutes the band is 970..1,060 and the itayose takes the candidate nearest 1,000: 1,040.
   */
  @Test
  void openingBlockedByTheBandShowsASpecialQuote() {
    TestBook t = preOpen();
    t.buy(1, "1050", 100);
    t.sell(2, "1040", 100);
    t.phase(Phase.CONTINUOUS);
    assertEquals(List.of(), t.trades());
    assertEquals("BUY 1030", t.specialQuote());
    assertEquals("970..1030", t.band());
    assertEquals(180_000, t.book.specialQuoteNextStep());
    t.clock(180_000);
    assertEquals(List.of("buy#1 sell#2 100@1040"), t.trades());
    assertEquals("none", t.specialQuote());
  }

  /**
   * Market buy x300 (#1), market sell x200 (#2).
   *
   * <pre>
   *   p            demand supply above below  candidate
   *   970..1030     300    200    300   200   no: market buy 300 > supply 200 (condition 1)
   * </pre>
   *
   * Blocked up at any price: special quote (buy) at 1,030. Then a sell 1,020 x100 (#3):
   *
   * <pre>
   *   970..1019     300    200    300   200   no
   *   1020..1030    300    300    300 200/300 yes: volume 300, surplus 0 -> nearest 1,000: 1,020
   * </pre>
   */
  @Test
  void marketBuySurplusShowsASpecialQuoteUntilSupplyArrives() {
    TestBook t = preOpen();
    t.buyMarket(1, 300);
    t.sellMarket(2, 200);
    t.phase(Phase.CONTINUOUS);
    assertEquals("BUY 1030", t.specialQuote());
    t.sell(3, "1020", 100);
    assertEquals(List.of("buy#1 sell#2 200@1020", "buy#1 sell#3 100@1020"), t.trades());
    assertEquals("none", t.specialQuote());
    assertEquals(0, t.book.orderCount());
  }

  /** A no-cross opening leaves the limit orders as they are and trades nothing. */
  @Test
  void noCross() {
    TestBook t = preOpen();
    t.buy(1, "990", 100);
    t.sell(2, "1010", 100);
    t.phase(Phase.CONTINUOUS);
    assertEquals(List.of(), t.trades());
    assertEquals(List.of(), t.cancels());
    assertEquals(0, t.book.lastPrice());
    assertEquals("none", t.specialQuote());
  }
}
