package io.kabuto.bench.matching;

import static io.kabuto.bench.matching.OrderStream.BUY;
import static io.kabuto.bench.matching.OrderStream.TICK;

import io.kabuto.matching.Prices;

/**
 * {@link StreamShape#REPRICE}: about 9% new GTC/DAY limit orders, 3% IOC limit orders, 6% cancels
 * and 82% reprices (a live order moves to another price, keeping its quantity). The fair value
 * random-walks inside {@link #MIN_FAIR}..{@link #MAX_FAIR}; orders rest within {@link
 * #MAX_DEPTH_TICKS} ticks of it. The stream is the one the benchmark has always used (same seed,
 * same messages), so its ratio stays comparable with earlier runs.
 */
final class RepriceWriter extends StreamWriter {
  static final double P_GTC = 0.09;
  static final double P_IOC = 0.03;
  static final double P_CANCEL = 0.06;
  static final long MIN_FAIR = Prices.yen(1700);
  static final long MAX_FAIR = Prices.yen(2300);
  static final int MAX_DEPTH_TICKS = 40;

  RepriceWriter(OrderStream s) {
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
      if (px == oPrice[o]) px += oSide[o] == BUY ? -TICK : TICK; // a move always changes the price
      move(i, id, px);
    }
  }

  /**
   * Feedback on the share of marketable new orders and reprices: none while the book holds
   * fewer than the target, more and more above it. IOC orders (always marketable) and cancels
   * drain the book at about the rate new GTC orders fill it, so this only trims the excess.
   */
  private double aggressiveness() {
    return Math.max(0.0, Math.min(0.5, excess()));
  }

  private void newOrder(int i, byte t, boolean aggressive) {
    int sd = rnd.nextInt(2);
    long px = pickPrice(sd, aggressive);
    long q = 100L * (1 + rnd.nextInt(20));
    int u = 1 + rnd.nextInt(200);
    place(i, t, sd, px, q, u);
  }

  /**
   * Passive: 0..MAX_DEPTH-1 ticks deep, denser near the touch. Marketable: at or a few ticks
   * through the opposite best (or the fair value if that side is empty).
   */
  private long pickPrice(int sd, boolean aggressive) {
    if (aggressive) return marketablePrice(sd, rnd.nextInt(3));
    return passivePrice(sd, Math.min(rnd.nextInt(MAX_DEPTH_TICKS), rnd.nextInt(MAX_DEPTH_TICKS)));
  }
}
