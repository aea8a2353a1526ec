package io.kabuto.marketdata;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest {@code capacity} messages of a symbol's feed, contiguous in sequence: what a book
 * keeps so that a subscriber can fill a gap, and what a node's feed keeps for new subscribers.
 * Not thread-safe; owned by one actor.
 */
public final class MarketDataRing {
  private final MarketDataMessage[] slots;
  /** Sequence of the newest message held (0: none ever). */
  private long last;
  private int size;

  public MarketDataRing(int capacity) {
    if (capacity <= 0) throw new IllegalArgumentException("capacity must be > 0, got " + capacity);
    this.slots = new MarketDataMessage[capacity];
  }

  public int capacity() {
    return slots.length;
  }

  /** Sequence of the newest message added, or what {@link #resetTo} set (0 if nothing yet). */
  public long lastSeq() {
    return last;
  }

  /** The oldest sequence still held ({@code lastSeq + 1} when empty). */
  public long firstRetained() {
    return last - size + 1;
  }

  public int size() {
    return size;
  }

  /** Appends the next message; its seq must be {@code lastSeq + 1}. */
  public void add(MarketDataMessage m) {
    if (m.seq() != last + 1) {
      throw new IllegalStateException("market data " + m.symbol() + ": seq " + m.seq()
          + " does not follow " + last);
    }
    last = m.seq();
    slots[(int) (last % slots.length)] = m;
    if (size < slots.length) size++;
  }

  /** Forgets everything and continues numbering after {@code lastSeq}. */
  public void resetTo(long lastSeq) {
    java.util.Arrays.fill(slots, null);
    last = lastSeq;
    size = 0;
  }

  /** The message with sequence {@code seq}, or null if not held. */
  public MarketDataMessage get(long seq) {
    if (seq < firstRetained() || seq > last) return null;
    return slots[(int) (seq % slots.length)];
  }

  /** Up to {@code max} messages from {@code fromSeq} (or the oldest held, if later) on. */
  public List<MarketDataMessage> page(long fromSeq, int max) {
    long from = Math.max(fromSeq, firstRetained());
    int n = (int) Math.max(0, Math.min((long) max, last - from + 1));
    List<MarketDataMessage> out = new ArrayList<>(n);
    for (long s = from; s < from + n; s++) out.add(slots[(int) (s % slots.length)]);
    return out;
  }

  /** Everything held, oldest first (for snapshots). */
  public List<MarketDataMessage> all() {
    return page(firstRetained(), size);
  }
}
