package io.kabuto.bench.matching;

import static io.kabuto.bench.matching.OrderStream.TICK;

import io.kabuto.matching.Prices;

/**
 * {@link StreamShape#NEW_CANCEL}: the shape of an external benchmark's stream, on which the core
 * once trailed exchange-core. About half the messages are new orders (15% of them IOC), and almost
 * every order that rests is cancelled later, after a short life; about a fifth of orders get a
 * one-tick reprice or a quantity increase; resting depth thins out as a power law away from a mid
 * that random-walks; and some cancels and reprices arrive twice, the second copy to an order
 * already gone.
 */
final class NewCancelWriter extends StreamWriter {
  static final double P_NEW = 0.48;
  static final double P_IOC_OF_NEW = 0.15;
  static final double P_MODIFY = 0.10;
  static final double P_RESIZE_OF_MODIFY = 0.25;
  static final double P_STALE = 0.04;
  static final long MIN_FAIR = Prices.yen(1800);
  static final long MAX_FAIR = Prices.yen(2200);
  /** Tail exponent of the depth: P(at least k ticks from the touch) = (k + 1)^-ALPHA. */
  static final double ALPHA = 1.3;
  static final int MAX_DEPTH_TICKS = 200;

  NewCancelWriter(OrderStream s) {
    super(s);
  }

  @Override
  void message(int i) {
    if (rnd.nextInt(4) == 0) stepFair(rnd.nextBoolean() ? TICK : -TICK, MIN_FAIR, MAX_FAIR);
    if (i < s.targetResting) {
      restingOrder(i);
      return;
    }
    double r = rnd.nextDouble();
    if (r < P_NEW || liveCount == 0) {
      if (rnd.nextDouble() < P_IOC_OF_NEW) {
        int sd = rnd.nextInt(2);
        long px = marketablePrice(sd, rnd.nextInt(3));
        place(i, OrderStream.PLACE_IOC, sd, px, 100L * (1 + rnd.nextInt(5)), user());
      } else {
        restingOrder(i);
      }
    } else if (r < P_NEW + P_MODIFY) {
      long id = randomLive();
      int o = (int) id;
      // only an order not yet traded grows: exchange-core's stand-in for an increase (cancel and
      // a new order) would lose its fills so far, so the engines would disagree on a partial fill
      if (rnd.nextDouble() < P_RESIZE_OF_MODIFY && book.leavesOf(id) == oQty[o]) {
        resize(i, id, oQty[o] + 100L * (1 + rnd.nextInt(5)));
      } else {
        // one tick either way: toward the touch it may cross and trade, like any reprice
        move(i, id, clamp(oPrice[o] + (rnd.nextBoolean() ? TICK : -TICK)));
      }
    } else if (r < P_NEW + P_MODIFY + P_STALE && hasGone()) {
      staleDuplicate(i, rnd.nextInt(3) != 0);
    } else if (shouldCancel()) {
      cancel(i, randomLive());
    } else {
      restingOrder(i);
    }
  }

  /** Below the target size, some cancels become new orders so the book holds its size. */
  private boolean shouldCancel() {
    double deficit = -excess();
    return deficit <= 0 || rnd.nextDouble() >= 4 * deficit;
  }

  /** A new GTC order at a power-law distance from the touch (marketable now and then above target). */
  private void restingOrder(int i) {
    int sd = rnd.nextInt(2);
    long px = rnd.nextDouble() < Math.min(0.3, excess()) ? marketablePrice(sd, rnd.nextInt(2))
        : passivePrice(sd, powerLawTicks());
    place(i, OrderStream.PLACE_GTC, sd, px, 100L * (1 + rnd.nextInt(10)), user());
  }

  private long powerLawTicks() {
    double u = 1.0 - rnd.nextDouble(); // (0, 1]
    double k = Math.pow(u, -1.0 / ALPHA) - 1.0;
    return (long) Math.min(MAX_DEPTH_TICKS - 1, k);
  }

  private int user() {
    return 1 + rnd.nextInt(500);
  }
}
