package io.kabuto.bench.matching;

import java.util.function.Function;

/**
 * The market shapes {@code bench matching} replays. An engine comparison on one shape says little
 * about another (Kabuto led 1.69x on reprices and trailed 0.8x on a new/cancel-heavy stream), so
 * every shape gets its own ratio and the worst one is the headline.
 */
public enum StreamShape {
  /** 82% reprices of about 1,000 resting orders: the original stream, unchanged. */
  REPRICE("reprice", 1_000, RepriceWriter::new),
  /**
   * About half the messages new orders (15% of them IOC), nearly every resting order cancelled
   * after a short life, a fifth of orders repriced by one tick or increased, power-law depth
   * around a random-walk mid, some cancels and modifies sent twice (stale duplicates).
   */
  NEW_CANCEL("new-cancel", 2_000, NewCancelWriter::new),
  /** Tens of thousands of resting orders over a band of hundreds of ticks. */
  DEEP_BOOK("deep-book", 30_000, DeepBookWriter::new),
  /** A mid that trends for long runs: new orders priced off the mid sweep the stale side. */
  FAST_MID("fast-mid", 500, FastMidWriter::new),
  /** Taker flow: a quarter of the messages IOC limit or market orders eating a thin book. */
  TAKER("ioc-taker", 1_000, TakerWriter::new);

  /** Name on the command line and in the summary line. */
  public final String label;
  /** Orders the stream opens with and then keeps resting (about). */
  public final int targetResting;
  private final Function<OrderStream, StreamWriter> writer;

  StreamShape(String label, int targetResting, Function<OrderStream, StreamWriter> writer) {
    this.label = label;
    this.targetResting = targetResting;
    this.writer = writer;
  }

  StreamWriter writerFor(OrderStream s) {
    return writer.apply(s);
  }

  public static StreamShape of(String label) {
    for (StreamShape s : values()) if (s.label.equals(label)) return s;
    throw new IllegalArgumentException("unknown stream shape: " + label);
  }
}
