package io.kabuto.scenario.broker;

import io.kabuto.scenario.model.SymbolSpec;
import java.util.SplittableRandom;

/**
 * A broker's idea of a symbol's fair value: a random walk of one tick at a time, kept within 1% of
 * the base price, so trades stay inside the daily limits and mostly inside one special-quote
 * renewal interval (about 2% of the price).
 */
final class PriceWalk {
  private final SymbolSpec symbol;
  private final long low;
  private final long high;
  private long mid;

  PriceWalk(SymbolSpec symbol) {
    this.symbol = symbol;
    long band = symbol.basePrice() / 100;
    this.low = symbol.tickTable().roundUp(Math.max(symbol.tickTable().tickAt(1), symbol.basePrice() - band));
    this.high = symbol.tickTable().roundDown(symbol.basePrice() + band);
    this.mid = symbol.basePrice();
  }

  long step(SplittableRandom rnd) {
    int move = rnd.nextInt(3) - 1;
    if (move > 0 && mid < high) {
      mid = symbol.tickTable().next(mid);
    } else if (move < 0 && mid > low) {
      mid = below(mid);
    }
    return mid;
  }

  /** {@code ticks} grid steps above (positive) or below (negative) a grid price, kept positive. */
  long offset(long price, int ticks) {
    long p = price;
    for (int i = 0; i < Math.abs(ticks); i++) {
      p = ticks > 0 ? symbol.tickTable().next(p) : below(p);
    }
    return p;
  }

  private long below(long price) {
    long down = symbol.tickTable().roundDown(price - 1);
    return down > 0 ? down : price;
  }

  SymbolSpec symbol() {
    return symbol;
  }
}
