package io.kabuto.bench.matching;

import static io.kabuto.bench.matching.OrderStream.BUY;
import static io.kabuto.bench.matching.OrderStream.TICK;

import io.kabuto.matching.Prices;

/**
 * {@link StreamShape#FAST_MID}: a trending market. The mid moves a tick every eight messages, three
 * times out of four in the trend's direction, and the trend turns now and then (and at the edges
 * of {@link #MIN_FAIR}..{@link #MAX_FAIR}). New orders and reprices are priced off the mid, not off
 * the book, so those behind a move sweep the stale side level by level. Drawn as 36% new GTC
 * orders, 6% IOC, 28% cancels and 30% reprices; the sweeps keep the book below its target, so many
 * cancels turn into new orders and the stream ends up about 53% new GTC orders and 11% cancels.
 */
final class FastMidWriter extends StreamWriter {
  static final double P_GTC = 0.36;
  static final double P_IOC = 0.06;
  static final double P_CANCEL = 0.28;
  static final long MIN_FAIR = Prices.yen(1700);
  static final long MAX_FAIR = Prices.yen(2300);
  static final int MAX_DEPTH_TICKS = 50;
  /** A trend lasts this many messages on average. */
  static final int TREND_MESSAGES = 2_000;

  private long trend = TICK;

  FastMidWriter(OrderStream s) {
    super(s);
  }

  @Override
  void message(int i) {
    if (rnd.nextInt(TREND_MESSAGES) == 0) trend = -trend;
    if (rnd.nextInt(8) == 0) {
      long step = rnd.nextInt(4) != 0 ? trend : -trend;
      long before = fair;
      stepFair(step, MIN_FAIR, MAX_FAIR);
      if (fair - before != step) trend = -trend; // bounced off an edge: the trend turns
    }
    if (i < s.targetResting) {
      int sd = rnd.nextInt(2);
      place(i, OrderStream.PLACE_GTC, sd, passivePrice(sd, depth()), quantity(), user());
      return;
    }
    double r = rnd.nextDouble();
    if (r < P_GTC || liveCount == 0) {
      int sd = rnd.nextInt(2);
      place(i, OrderStream.PLACE_GTC, sd, offMid(sd), quantity(), user());
    } else if (r < P_GTC + P_IOC) {
      int sd = rnd.nextInt(2);
      place(i, OrderStream.PLACE_IOC, sd, marketablePrice(sd, rnd.nextInt(4)), quantity(), user());
    } else if (r < P_GTC + P_IOC + P_CANCEL) {
      if (excess() < 0 && rnd.nextDouble() < -4 * excess()) {
        int sd = rnd.nextInt(2);
        place(i, OrderStream.PLACE_GTC, sd, offMid(sd), quantity(), user());
      } else {
        cancel(i, randomLive());
      }
    } else {
      long id = randomLive();
      int o = (int) id;
      long px = offMid(oSide[o]);
      if (px == oPrice[o]) px += oSide[o] == BUY ? -TICK : TICK;
      move(i, id, clamp(px));
    }
  }

  /**
   * One to MAX_DEPTH ticks on the side's own side of the mid, whatever the book: after the mid
   * moved past stale orders of the other side, this crosses them.
   */
  private long offMid(int sd) {
    long off = (1 + depth()) * TICK;
    return clamp(sd == BUY ? fair - off : fair + off);
  }

  private long depth() {
    return Math.min(rnd.nextInt(MAX_DEPTH_TICKS), rnd.nextInt(MAX_DEPTH_TICKS));
  }

  private long quantity() {
    return 100L * (1 + rnd.nextInt(20));
  }

  private int user() {
    return 1 + rnd.nextInt(200);
  }
}
