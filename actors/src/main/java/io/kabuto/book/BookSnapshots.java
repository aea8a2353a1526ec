package io.kabuto.book;

import io.kabuto.book.OrderBook.Snapshot;
import io.kabuto.book.OrderBook.State;
import io.kabuto.marketdata.MarketDataMessage;
import io.kabuto.marketdata.MarketDataRing;
import io.kabuto.matching.LimitOrderBook;
import java.util.List;
import org.apache.pekko.persistence.typed.SnapshotAdapter;

/**
 * A book's state to and from its {@link Snapshot} record (the snapshot store's format: see
 * {@link Snapshot}).
 */
final class BookSnapshots implements SnapshotAdapter<State> {
  private final BookSettings.Resolution resolution;
  private final int retain;

  /** {@code resolution}: the book's config, for an empty snapshot; {@code retain}: feed messages kept. */
  BookSnapshots(BookSettings.Resolution resolution, int retain) {
    this.resolution = resolution;
    this.retain = retain;
  }

  @Override
  public Object toJournal(State s) {
    return snapshotOf(s);
  }

  @Override
  public State fromJournal(Object from) {
    return stateOf((Snapshot) from, resolution, retain);
  }

  /**
   * The snapshot of a state. Pekko calls this right after the triggering event is persisted,
   * before any stashed command runs, so book and memory are at the same seq. Everything is copied:
   * the snapshot is serialized on another thread while the book keeps changing.
   */
  static Snapshot snapshotOf(State s) {
    if (s.seq != s.bookSeq) throw new IllegalStateException("snapshot while a command is in flight");
    if (s.book == null) {
      return new Snapshot(s.rules, 0, null, s.memory.dayPhase(), List.of(), 0, List.of(), List.of(), List.of());
    }
    MarketDataRing ring = s.feed.ring();
    return new Snapshot(s.rules, s.seq, s.book.snapshot(), s.memory.dayPhase(), s.memory.rememberedOrders(),
        ring.lastSeq(), ring.all(), s.memory.trades(), s.memory.busted());
  }

  /**
   * The state a snapshot describes ({@code ifEmpty}: the book's config, for an empty snapshot;
   * {@code retain}: how many market-data messages to keep from now on).
   */
  static State stateOf(Snapshot snap, BookSettings.Resolution ifEmpty, int retain) {
    if (snap.book() == null) return State.empty(ifEmpty);
    MarketDataRing ring = new MarketDataRing(retain);
    List<MarketDataMessage> md = snap.marketData() == null ? List.of() : snap.marketData();
    ring.resetTo(snap.marketDataSeq() - md.size());
    for (MarketDataMessage m : md) ring.add(m);
    OrderMemory memory = OrderMemory.restored(snap.orders(), snap.trades(), snap.busted(), snap.dayPhase());
    return new State(snap.rules(), null, LimitOrderBook.restore(snap.rules(), snap.book()), snap.seq(), memory,
        ring);
  }
}
