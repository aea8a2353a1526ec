package io.kabuto.book;

import io.kabuto.book.OrderBook.Busted;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.marketdata.MarketDataMessage;
import io.kabuto.marketdata.MarketDataRing;
import io.kabuto.matching.EventType;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.Side;
import java.util.List;

/**
 * A book's market-data feed, derived from its persisted events (see "Market data" in {@link
 * OrderBook}): per Applied event, a TRADE per trade and a STATUS per phase change in event
 * order, then a TOP if the best bid or ask (price or quantity of the best limit level) differs
 * from the last TOP; per Busted event, a BUST. Derived by the event handler, so the live path and
 * every replay number the messages the same way; the sequence and the newest messages are part
 * of the state and of snapshots.
 */
final class BookFeed {
  private final LimitOrderBook book;
  /** The feed's sequence ({@link MarketDataRing#lastSeq()}) and newest messages. */
  private final MarketDataRing ring;
  /** Top of book as last published: bid price, bid qty, ask price, ask qty. */
  private final long[] top = new long[4];
  private final long[] px1 = new long[1];
  private final long[] qty1 = new long[1];
  /**
   * Top of book right after each command of a batch that is still being written, by Applied
   * seq. In a batch the live book is already past every command when the event handler runs, so
   * it must not read the book for an earlier command's TOP: replay (which applies event by event)
   * would put the change at a different seq, and the feed must number the same either way.
   */
  private final java.util.Map<Long, long[]> notedTops = new java.util.HashMap<>();

  /** The feed of {@code book} (null for the empty state) carrying on from {@code ring}. */
  BookFeed(LimitOrderBook book, MarketDataRing ring) {
    this.book = book;
    this.ring = ring;
    if (book != null) readTop(top);
  }

  MarketDataRing ring() {
    return ring;
  }

  /**
   * The market-data messages of one Applied event, into the ring. The write's side effect
   * publishes them from there ({@link BookPublisher#marketData}).
   */
  void derive(String symbol, long eventSeq, List<EventData> events) {
    long time = 0;
    for (EventData e : events) {
      time = e.time();
      if (e.type() == EventType.TRADE) {
        emit(new MarketDataMessage(symbol, ring.lastSeq() + 1, MarketDataMessage.Kind.TRADE,
            time, eventSeq, e.tradeId(), e.price(), e.qty(), e.sideValue(), 0, 0, 0, 0, null, false, null));
      } else if (e.type() == EventType.PHASE) {
        emit(new MarketDataMessage(symbol, ring.lastSeq() + 1, MarketDataMessage.Kind.STATUS,
            time, eventSeq, 0, 0, 0, null, 0, 0, 0, 0, e.phase(), false, null));
      }
    }
    long bp = top[0], bq = top[1], ap = top[2], aq = top[3];
    long[] noted = notedTops.remove(eventSeq);
    if (noted != null) {
      System.arraycopy(noted, 0, top, 0, 4);
    } else {
      readTop(top);
    }
    if (bp != top[0] || bq != top[1] || ap != top[2] || aq != top[3]) {
      emit(new MarketDataMessage(symbol, ring.lastSeq() + 1, MarketDataMessage.Kind.TOP, time,
          eventSeq, 0, 0, 0, null, top[0], top[1], top[2], top[3], null, false, null));
    }
  }

  /**
   * Records the live book's top of book as of Applied {@code seq}, whose command has just run on
   * it (a batch runs later commands before the event handler sees this one).
   */
  void noteTop(long seq) {
    long[] t = new long[4];
    readTop(t);
    notedTops.put(seq, t);
  }

  /** The BUST message of a Busted event ({@code t}: the busted trade), into the ring. */
  void bust(String symbol, Busted b, EventData t) {
    emit(new MarketDataMessage(symbol, ring.lastSeq() + 1, MarketDataMessage.Kind.BUST, b.time(),
        b.seq(), t.tradeId(), t.price(), t.qty(), t.sideValue(), 0, 0, 0, 0, null, false, b.reason()));
  }

  private void emit(MarketDataMessage m) {
    ring.add(m);
  }

  /** The book's best limit levels (price 0, qty 0 for an empty side) into {@code into}. */
  private void readTop(long[] into) {
    boolean bid = book.depth(Side.BUY, px1, qty1) == 1;
    into[0] = bid ? px1[0] : 0;
    into[1] = bid ? qty1[0] : 0;
    boolean ask = book.depth(Side.SELL, px1, qty1) == 1;
    into[2] = ask ? px1[0] : 0;
    into[3] = ask ? qty1[0] : 0;
  }
}
