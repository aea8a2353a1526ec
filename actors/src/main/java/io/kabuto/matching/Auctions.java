package io.kabuto.matching;

import static io.kabuto.matching.OrderStore.BUY;
import static io.kabuto.matching.OrderStore.MARKET;
import static io.kabuto.matching.OrderStore.NIL;
import static io.kabuto.matching.OrderStore.NO_SIDE;
import static io.kabuto.matching.OrderStore.SELL;

/**
 * A book's call auctions: the TSE itayose run on a phase change, and the special quotes shown
 * when the executable band blocks a trade (each step widens the band; the book trades as soon as
 * the orders balance inside it).
 *
 * <p>Like every part of {@link LimitOrderBook} it only decides: it writes events into the
 * command's {@link BookEvents} buffer and has the book apply them ({@link
 * LimitOrderBook#applyFrom}), so replaying the events rebuilds the same book. Not on the hot
 * path (continuous matching calls in only while a special quote is shown), so it reads the book
 * through a reference.
 */
final class Auctions {
  // itayose outcomes
  private static final int TRADED = 0;
  private static final int NO_CROSS = 1;
  private static final int BLOCKED_UP = 2;
  private static final int BLOCKED_DOWN = 3;

  private final LimitOrderBook book;
  // itayose scratch: cumulative buy quantity at or above, sell quantity at or below, each level
  private final long[] cumBuy;
  private final long[] cumSell;

  Auctions(LimitOrderBook book) {
    this.book = book;
    this.cumBuy = new long[book.levels];
    this.cumSell = new long[book.levels];
  }

  /** An itayose on a phase change; shows a special quote if the band blocks it. */
  void runAuction(long time, int bandMultiple, boolean continuing, BookEvents out) {
    long lo = book.bandLow(bandMultiple);
    long hi = book.bandHigh(bandMultiple);
    int from = out.size();
    int result = itayose(time, lo, hi, out);
    if (continuing && (result == BLOCKED_UP || result == BLOCKED_DOWN)) {
      out.add(EventType.SPECIAL_QUOTE, time, 0, 0, 0, 0, 0, result == BLOCKED_UP ? BUY : SELL, 0, 0,
          lo, hi, 0, 0, 0, 1, time + book.rules.specialQuoteStepMillis());
    } else {
      cancelMarketOrders(out, time, from);
    }
    book.applyFrom(from, out);
  }

  /** After the book changed while a special quote is shown: trade if orders now balance. */
  void resolveSpecialQuote(long time, BookEvents out) {
    int from = out.size();
    int result = itayose(time, book.sqLow, book.sqHigh, out);
    if (result == TRADED || result == NO_CROSS) {
      withdrawSpecialQuote(out, time);
      cancelMarketOrders(out, time, from);
    } else {
      int pressure = result == BLOCKED_UP ? BUY : SELL;
      if (pressure != book.sqSide) {
        out.add(EventType.SPECIAL_QUOTE, time, 0, 0, 0, 0, 0, pressure, 0, 0, book.sqLow, book.sqHigh, 0, 0, 0,
            1, book.sqNextStep);
      }
    }
    book.applyFrom(from, out);
  }

  /**
   * One step of a special quote that is due: the band widens by one renewal interval on the
   * pressure side, then the book trades if the orders balance inside it.
   */
  void stepSpecialQuote(long time, BookEvents out) {
    long w = PriceLimits.renewalInterval(book.referencePrice());
    long lo = book.sqSide == SELL ? Math.max(book.lower, book.ticks.roundUp(Math.max(1, book.sqLow - w))) : book.sqLow;
    long hi = book.sqSide == BUY ? Math.min(book.upper, book.ticks.roundDown(book.sqHigh + w)) : book.sqHigh;
    int from = out.size();
    out.add(EventType.SPECIAL_QUOTE, book.sqNextStep, 0, 0, 0, 0, 0, book.sqSide, 0, 0, lo, hi, 0, 0, 0, 1,
        book.sqNextStep + book.rules.specialQuoteStepMillis());
    book.applyFrom(from, out);
    resolveSpecialQuote(time, out);
  }

  void withdrawSpecialQuote(BookEvents out, long time) {
    out.add(EventType.SPECIAL_QUOTE, time, 0, 0, 0, 0, 0, NO_SIDE, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  private void cancelMarketOrders(BookEvents out, long time, int from) {
    for (int s = BUY; s <= SELL; s++) {
      for (int o = book.mktHead[s]; o != NIL; o = book.nextOf(o)) {
        if (!tradedInBuffer(out, o, from)) book.cancelEvent(out, time, o, CancelReason.AUCTION_UNFILLED);
      }
    }
  }

  /** True if the undecided events (from index {@code from}) fill this order completely. */
  private boolean tradedInBuffer(BookEvents out, int o, int from) {
    long id = book.ord[0 + 8 * o];
    long left = book.ord[3 + 8 * o];
    for (int i = out.size() - 1; i >= from; i--) {
      if (out.typeOrdinal(i) == EventType.TRADE.ordinal()
          && (out.orderId(i) == id || out.otherOrderId(i) == id)) {
        left = out.orderId(i) == id ? out.leaves(i) : out.otherLeaves(i);
        break;
      }
    }
    return left == 0;
  }

  /**
   * Decides an itayose within [lo, hi] (TSE conditions: all market orders execute, all buys above
   * and sells below the price execute, one side at the price executes completely; then the
   * tie-breaks: volume, surplus, surplus side, nearest the reference price). Writes the trades
   * and returns TRADED, or why it could not trade.
   */
  private int itayose(long time, long lo, long hi, BookEvents out) {
    boolean anyBuy = book.mktQty[BUY] > 0 || book.bestBid != NIL;
    boolean anySell = book.mktQty[SELL] > 0 || book.bestAsk != NIL;
    if (!anyBuy || !anySell) return NO_CROSS;
    if (book.mktQty[BUY] == 0 && book.mktQty[SELL] == 0 && book.bestBid < book.bestAsk) return NO_CROSS;

    long acc = book.mktQty[BUY];
    for (int i = book.levels - 1; i >= 0; i--) {
      acc += book.levelQty[i];
      cumBuy[i] = acc;
    }
    acc = book.mktQty[SELL];
    for (int i = 0; i < book.levels; i++) {
      acc += book.levelQty[book.levels + i];
      cumSell[i] = acc;
    }
    int iLo = (int) ((Math.max(lo, book.lower) - book.lower + book.step - 1) / book.step);
    int iHi = (int) ((Math.min(hi, book.upper) - book.lower) / book.step);

    long bestVol = 0;
    long bestSurplus = Long.MAX_VALUE;
    for (int i = iLo; i <= iHi; i++) {
      if (!valid(i)) continue;
      long vol = Math.min(cumBuy[i], cumSell[i]);
      long surplus = Math.abs(cumBuy[i] - cumSell[i]);
      if (vol > bestVol || (vol == bestVol && surplus < bestSurplus)) {
        bestVol = vol;
        bestSurplus = surplus;
      }
    }
    if (bestVol == 0) {
      if (cumBuy[iHi] - book.levelQty[iHi] > cumSell[iHi]) return BLOCKED_UP;
      if (cumSell[iLo] - book.levelQty[book.levels + iLo] > cumBuy[iLo]) return BLOCKED_DOWN;
      return NO_CROSS;
    }
    boolean allSellSurplus = true;
    boolean allBuySurplus = true;
    int lowest = NIL;
    int highest = NIL;
    int nearest = NIL;
    long nearestDist = Long.MAX_VALUE;
    long ref = book.referencePrice();
    for (int i = iLo; i <= iHi; i++) {
      if (!valid(i)) continue;
      if (Math.min(cumBuy[i], cumSell[i]) != bestVol) continue;
      if (Math.abs(cumBuy[i] - cumSell[i]) != bestSurplus) continue;
      if (cumSell[i] <= cumBuy[i]) allSellSurplus = false;
      if (cumBuy[i] <= cumSell[i]) allBuySurplus = false;
      if (lowest == NIL) lowest = i;
      highest = i;
      long dist = Math.abs(book.lower + i * book.step - ref);
      if (dist <= nearestDist) { // ties go to the higher price
        nearestDist = dist;
        nearest = i;
      }
    }
    int pick = allSellSurplus ? lowest : allBuySurplus ? highest : nearest;
    allocate(time, book.lower + pick * book.step, bestVol, out);
    return TRADED;
  }

  /** TSE conditions (1)-(3) at level index i, with grid check. */
  private boolean valid(int i) {
    long p = book.lower + i * book.step;
    if (!book.ticks.onGrid(p)) return false;
    long buyAbove = cumBuy[i] - book.levelQty[i];
    long sellBelow = cumSell[i] - book.levelQty[book.levels + i];
    return buyAbove <= cumSell[i] && sellBelow <= cumBuy[i];
  }

  /** Pairs buys and sells in priority order (market first, then price, then time) at one price. */
  private void allocate(long time, long price, long volume, BookEvents out) {
    long tid = book.nextTradeId;
    int b = firstOrder(BUY);
    int s = firstOrder(SELL);
    long bLeft = book.ord[3 + 8 * b];
    long sLeft = book.ord[3 + 8 * s];
    long left = volume;
    while (left > 0) {
      long f = Math.min(left, Math.min(bLeft, sLeft));
      bLeft -= f;
      sLeft -= f;
      left -= f;
      out.add(EventType.TRADE, time, tid++, book.ord[0 + 8 * b], book.ord[0 + 8 * s], book.partOf(b), book.partOf(s), NO_SIDE, 0, 0, price,
          0, f, bLeft, sLeft, 0, 0);
      if (left == 0) break;
      if (bLeft == 0) {
        b = nextInPriority(b);
        bLeft = book.ord[3 + 8 * b];
      }
      if (sLeft == 0) {
        s = nextInPriority(s);
        sLeft = book.ord[3 + 8 * s];
      }
    }
  }

  private int firstOrder(int side) {
    if (book.mktHead[side] != NIL) return book.mktHead[side];
    int best = side == BUY ? book.bestBid : book.bestAsk;
    return book.levelHead[side * book.levels + best];
  }

  private int nextInPriority(int o) {
    if (book.nextOf(o) != NIL) return book.nextOf(o);
    int side = book.sideOf(o);
    int dir = side == BUY ? -1 : 1;
    int i = book.typeOf(o) == MARKET ? (side == BUY ? book.bestBid : book.bestAsk) : book.priceIndex(book.ord[1 + 8 * o]) + dir;
    for (; i >= 0 && i < book.levels; i += dir) {
      if (book.levelHead[side * book.levels + i] != NIL) return book.levelHead[side * book.levels + i];
    }
    throw new IllegalStateException("itayose allocation ran past the book");
  }
}
