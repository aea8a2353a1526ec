package io.kabuto.matching;

import static io.kabuto.matching.OrderStore.BUY;
import static io.kabuto.matching.OrderStore.NIL;
import static io.kabuto.matching.OrderStore.SELL;

/**
 * A {@link LimitOrderBook}'s whole state seen from outside: its digest ({@link
 * LimitOrderBook#stateHash()}), its snapshot as plain data and the book rebuilt from one. Both
 * walk the resting orders in priority order (buy side, then sell; market orders first, then
 * best price outwards, FIFO within a price), so equal books give equal digests and re-inserting
 * a snapshot's orders in order rebuilds the same queues.
 */
final class BookImage {
  private BookImage() {}

  /**
   * A 64-bit digest of everything that determines future behaviour: phase, prices, counters,
   * special quote and every resting order in priority order. Equal books have equal hashes;
   * replicas and replays compare it.
   */
  static long stateHash(LimitOrderBook book) {
    long h = 0xcbf29ce484222325L;
    h = mix(h, book.phase.ordinal());
    h = mix(h, book.lastPrice);
    h = mix(h, book.volume);
    h = mix(h, book.tradeCount);
    h = mix(h, book.nextTradeId);
    h = mix(h, book.sqActive ? 1 : 0);
    h = mix(h, book.sqSide);
    h = mix(h, book.sqLow);
    h = mix(h, book.sqHigh);
    h = mix(h, book.sqNextStep);
    for (int s = BUY; s <= SELL; s++) {
      h = mix(h, 1000 + s);
      for (int o = book.mktHead[s]; o != NIL; o = book.nextOf(o)) h = mixOrder(book, h, o);
      int dir = s == BUY ? -1 : 1;
      for (int i = s == BUY ? book.levels - 1 : 0; i >= 0 && i < book.levels; i += dir) {
        for (int o = book.levelHead[s * book.levels + i]; o != NIL; o = book.nextOf(o)) h = mixOrder(book, h, o);
      }
    }
    return h;
  }

  private static long mixOrder(LimitOrderBook book, long h, int o) {
    h = mix(h, book.ord[0 + 8 * o]);
    h = mix(h, book.partOf(o));
    h = mix(h, book.typeOf(o));
    h = mix(h, book.ord[1 + 8 * o]);
    h = mix(h, book.ord[2 + 8 * o]);
    return mix(h, book.ord[3 + 8 * o]);
  }

  private static long mix(long h, long v) {
    h ^= v;
    h *= 0x100000001b3L;
    h ^= h >>> 29;
    return h * 0xbf58476d1ce4e5b9L;
  }

  /** The whole state as plain data, resting orders in priority order per side. */
  static BookSnapshot snapshot(LimitOrderBook book) {
    int n = book.index.size();
    long[] ids = new long[n];
    int[] parts = new int[n];
    byte[] sides = new byte[n];
    byte[] types = new byte[n];
    long[] prices = new long[n];
    long[] qtys = new long[n];
    long[] leaves = new long[n];
    int k = 0;
    for (int s = BUY; s <= SELL; s++) {
      for (int o = book.mktHead[s]; o != NIL; o = book.nextOf(o)) k = put(book, k, o, ids, parts, sides, types, prices, qtys, leaves);
      int dir = s == BUY ? -1 : 1;
      for (int i = s == BUY ? book.levels - 1 : 0; i >= 0 && i < book.levels; i += dir) {
        for (int o = book.levelHead[s * book.levels + i]; o != NIL; o = book.nextOf(o)) {
          k = put(book, k, o, ids, parts, sides, types, prices, qtys, leaves);
        }
      }
    }
    return new BookSnapshot(book.phase, book.lastPrice, book.volume, book.tradeCount, book.nextTradeId, book.sqActive, book.sqSide,
        book.sqLow, book.sqHigh, book.sqNextStep, ids, parts, sides, types, prices, qtys, leaves);
  }

  private static int put(LimitOrderBook book, int k, int o, long[] ids, int[] parts, byte[] sides, byte[] types, long[] prices,
      long[] qtys, long[] leaves) {
    ids[k] = book.ord[0 + 8 * o];
    parts[k] = book.partOf(o);
    sides[k] = (byte) book.sideOf(o);
    types[k] = (byte) book.typeOf(o);
    prices[k] = book.ord[1 + 8 * o];
    qtys[k] = book.ord[2 + 8 * o];
    leaves[k] = book.ord[3 + 8 * o];
    return k + 1;
  }

  /** Rebuilds a book from a snapshot taken under the same rules. */
  static LimitOrderBook restore(BookRules rules, BookSnapshot snap) {
    LimitOrderBook b = new LimitOrderBook(rules, Math.max(1024, snap.orderIds().length));
    b.phase = snap.phase();
    b.lastPrice = snap.lastPrice();
    b.volume = snap.volume();
    b.tradeCount = snap.tradeCount();
    b.nextTradeId = snap.nextTradeId();
    b.sqActive = snap.specialQuote();
    b.sqSide = snap.specialQuoteSide();
    b.sqLow = snap.bandLow();
    b.sqHigh = snap.bandHigh();
    b.sqNextStep = snap.nextStep();
    for (int k = 0; k < snap.orderIds().length; k++) {
      b.insert(snap.orderIds()[k], snap.participants()[k], snap.sides()[k], snap.types()[k],
          snap.prices()[k], snap.quantities()[k], snap.leaves()[k]);
    }
    return b;
  }
}
