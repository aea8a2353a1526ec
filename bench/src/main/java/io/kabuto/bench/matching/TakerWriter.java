package io.kabuto.bench.matching;

import static io.kabuto.bench.matching.OrderStream.BUY;
import static io.kabuto.bench.matching.OrderStream.TICK;

import io.kabuto.matching.Prices;

/**
 * {@link StreamShape#TAKER}: taker-heavy flow on a thin book. Drawn as 36% passive GTC orders (the
 * makers), 18% IOC limit orders a few ticks through the touch, 12% market orders, 22% cancels and
 * 12% reprices; when the book runs below its target some takers and cancels turn into makers, so
 * liquidity keeps coming back and the stream ends up about 44% makers, 15% IOC, 10% market, 19%
 * cancels. Takers often clear the touch and the next levels.
 */
final class TakerWriter extends StreamWriter {
  static final double P_GTC = 0.36;
  static final double P_IOC = 0.18;
  static final double P_MARKET = 0.12;
  static final double P_CANCEL = 0.22;
  static final long MIN_FAIR = Prices.yen(1700);
  static final long MAX_FAIR = Prices.yen(2300);
  static final int MAX_DEPTH_TICKS = 20;

  TakerWriter(OrderStream s) {
    super(s);
  }

  @Override
  void message(int i) {
    if (rnd.nextInt(8) == 0) stepFair(rnd.nextBoolean() ? TICK : -TICK, MIN_FAIR, MAX_FAIR);
    if (i < s.targetResting) {
      maker(i);
      return;
    }
    double r = rnd.nextDouble();
    if (r < P_GTC || liveCount == 0) {
      maker(i);
    } else if (r < P_GTC + P_IOC + P_MARKET) {
      if (refill()) {
        maker(i);
      } else {
        int sd = rnd.nextInt(2);
        long q = 100L * (1 + rnd.nextInt(20));
        if (r < P_GTC + P_IOC) place(i, OrderStream.PLACE_IOC, sd, marketablePrice(sd, rnd.nextInt(5)), q, user());
        else place(i, OrderStream.PLACE_MARKET, sd, 0, q, user());
      }
    } else if (r < P_GTC + P_IOC + P_MARKET + P_CANCEL) {
      if (refill()) maker(i);
      else cancel(i, randomLive());
    } else {
      long id = randomLive();
      int o = (int) id;
      long px = passivePrice(oSide[o], depth());
      if (px == oPrice[o]) px += oSide[o] == BUY ? -TICK : TICK;
      move(i, id, clamp(px));
    }
  }

  /** Below the target, a taker or a cancel turns into a maker, more often the thinner the book. */
  private boolean refill() {
    return excess() < 0 && rnd.nextDouble() < -2 * excess();
  }

  private void maker(int i) {
    int sd = rnd.nextInt(2);
    place(i, OrderStream.PLACE_GTC, sd, passivePrice(sd, depth()), 100L * (1 + rnd.nextInt(20)), user());
  }

  private long depth() {
    return Math.min(rnd.nextInt(MAX_DEPTH_TICKS), rnd.nextInt(MAX_DEPTH_TICKS));
  }

  private int user() {
    return 1 + rnd.nextInt(200);
  }
}
