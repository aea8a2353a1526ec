package io.kabuto.book;

import io.kabuto.book.OrderBook.Applied;
import io.kabuto.book.OrderBook.Busted;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.Opened;
import io.kabuto.book.OrderBook.State;
import io.kabuto.matching.BookEvents;

/**
 * An order book's event handler ({@link OrderBook#eventHandler()} routes each event here): the
 * state transition of every persisted event, on the live path and in recovery alike. Which of
 * the two it is decides only whether the core's events are applied to the book (see "Live path
 * vs replay" in {@link OrderBook}); everything outside the core is updated from the event alone.
 */
final class BookEventHandler {
  private final String symbol;
  /** Market-data messages a newly opened book keeps ({@code kabuto.book.market-data.retain}). */
  private final int marketDataRetain;
  /** Scratch buffer for replay; only touched on the actor's thread and cleared before each use. */
  private final BookEvents replay = new BookEvents(256);

  BookEventHandler(String symbol, int marketDataRetain) {
    this.symbol = symbol;
    this.marketDataRetain = marketDataRetain;
  }

  State onOpened(State s, Opened e) {
    if (s.book != null) throw new IllegalStateException("order book " + symbol + " opened twice");
    return State.opened(e.rules(), marketDataRetain);
  }

  State onBusted(State s, Busted e) {
    if (s.book == null) throw new IllegalStateException("order book " + symbol + ": Busted before Opened");
    follow(s, e.seq()); // a bust does not touch the book: live path and replay are the same
    EventData t = s.memory.bust(symbol, e);
    s.feed.bust(symbol, e, t);
    return s;
  }

  State onApplied(State s, Applied e) {
    if (s.book == null) throw new IllegalStateException("order book " + symbol + ": Applied before Opened");
    if (!follow(s, e.seq())) {
      // recovery (and a new book's first write): apply them to the book
      replay.clear();
      for (EventData d : e.events()) d.appendTo(replay);
      s.book.apply(replay);
    } // else the live path: the command handler's core calls already applied these events
    s.memory.remember(e.events());
    s.feed.derive(symbol, e.seq(), e.events());
    return s;
  }

  /**
   * Moves {@code s} on to event {@code seq}, which must be the next one; true if the book already
   * reflects it (the live path: {@code seq <= bookSeq}, the command handler ran the core for the
   * whole write), false if it must be applied (replay: the book is at {@code seq - 1}). Anything
   * else is a gap and fails loudly.
   */
  private boolean follow(State s, long seq) {
    boolean live = seq == s.seq + 1 && seq <= s.bookSeq;
    boolean recovery = seq == s.seq + 1 && s.bookSeq == s.seq;
    if (!live && !recovery) {
      throw new IllegalStateException("order book " + symbol + ": event seq " + seq
          + " does not follow seq " + s.seq + " (book at " + s.bookSeq + ")");
    }
    s.seq = seq;
    if (recovery) s.bookSeq = seq;
    return live;
  }
}
