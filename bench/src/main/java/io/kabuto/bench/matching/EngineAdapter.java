package io.kabuto.bench.matching;

/**
 * One matching engine driven by an {@link OrderStream}. {@link #reset()} builds a fresh, empty
 * book (outside the measurement); {@link #run(OrderStream)} feeds it every message (the measured
 * part) and counts, per message type, acknowledged and rejected commands plus the trades the
 * engine reported in its events.
 */
abstract class EngineAdapter {
  final long[] acks = new long[OrderStream.TYPES];
  final long[] rejects = new long[OrderStream.TYPES];
  long trades;
  long tradedQty;

  abstract String name();

  /** A fresh empty book and zeroed counters. */
  void reset() {
    java.util.Arrays.fill(acks, 0);
    java.util.Arrays.fill(rejects, 0);
    trades = 0;
    tradedQty = 0;
    newBook();
  }

  abstract void newBook();

  abstract void run(OrderStream s);

  /** Orders resting on the book now. */
  abstract long restingOrders();

  /** Total leaves of the orders resting on a side ({@link OrderStream#BUY} or SELL) now. */
  abstract long restingVolume(int side);

  /** Best price of a side now, 0 if the side is empty. */
  abstract long bestPrice(int side);

  long totalAcks() {
    long n = 0;
    for (long a : acks) n += a;
    return n;
  }

  long totalRejects() {
    long n = 0;
    for (long r : rejects) n += r;
    return n;
  }

  String counts() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-13s", name())).append(" acks/rejects");
    for (int t = 0; t < OrderStream.TYPES; t++) {
      if (acks[t] + rejects[t] == 0) continue;
      sb.append(' ').append(OrderStream.typeName(t)).append('=').append(acks[t]).append('/').append(rejects[t]);
    }
    sb.append(" | trades=").append(trades).append(" tradedQty=").append(tradedQty)
        .append(" resting=").append(restingOrders());
    return sb.toString();
  }
}
