package io.kabuto.bench.matching;

import static io.kabuto.bench.matching.OrderStream.BUY;
import static io.kabuto.bench.matching.OrderStream.TICK;

import io.kabuto.matching.Prices;

/**
 * {@link StreamShape#DEEP_BOOK}: tens of thousands of resting orders spread over
 * {@link #MAX_DEPTH_TICKS} ticks on each side, so queues are long, most orders are far from the
 * touch and the working set no longer fits the innermost caches. 20% new GTC orders, 5% IOC, 15%
 * cancels and 60% reprices to another depth, all aimed at random orders of the whole book.
 */
final class DeepBookWriter extends StreamWriter {
  static final double P_GTC = 0.20;
  static final double P_IOC = 0.05;
  static final double P_CANCEL = 0.15;
  static final long MIN_FAIR = Prices.yen(1900);
  static final long MAX_FAIR = Prices.yen(2100);
  static final int MAX_DEPTH_TICKS = 300;

  DeepBookWriter(OrderStream s) {
    super(s);
  }

  @Override
  void message(int i) {
    if (rnd.nextInt(8) == 0) stepFair(rnd.nextBoolean() ? TICK : -TICK, MIN_FAIR, MAX_FAIR);
    if (i < s.targetResting) {
      newOrder(i, OrderStream.PLACE_GTC, false);
      return;
    }
    double r = rnd.nextDouble();
    if (r < P_GTC || liveCount == 0) {
      newOrder(i, OrderStream.PLACE_GTC, rnd.nextDouble() < aggressiveness());
    } else if (r < P_GTC + P_IOC) {
      newOrder(i, OrderStream.PLACE_IOC, true);
    } else if (r < P_GTC + P_IOC + P_CANCEL) {
      cancel(i, randomLive());
    } else {
      long id = randomLive();
      int o = (int) id;
      long px = pickPrice(oSide[o], rnd.nextDouble() < aggressiveness());
      if (px == oPrice[o]) px += oSide[o] == BUY ? -TICK : TICK;
      move(i, id, clamp(px));
    }
  }

  /** Marketable orders trim the book back when it grows past the target. */
  private double aggressiveness() {
    return Math.max(0.0, Math.min(0.5, excess() * 4));
  }

  private void newOrder(int i, byte t, boolean aggressive) {
    int sd = rnd.nextInt(2);
    long px = pickPrice(sd, aggressive);
    place(i, t, sd, px, 100L * (1 + rnd.nextInt(20)), 1 + rnd.nextInt(1_000));
  }

  /** Passive: anywhere in the band, denser near the touch. Marketable: a few ticks through. */
  private long pickPrice(int sd, boolean aggressive) {
    if (aggressive) return marketablePrice(sd, rnd.nextInt(3));
    return passivePrice(sd, Math.min(rnd.nextInt(MAX_DEPTH_TICKS), rnd.nextInt(MAX_DEPTH_TICKS)));
  }
}
