package io.kabuto.bench.orders;

import io.kabuto.matching.Prices;
import io.kabuto.matching.TickTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a load session sends next: limit orders around each listed symbol's base price on both
 * sides, priced so that a buy and a sell overlap by a few ticks (some trade at once, most rest
 * near the touch, the reference price stays within a few ticks of the base, far from the
 * special-quote band), and cancels of the session's own oldest resting orders, so that the
 * books do not grow without bound.
 *
 * <p>Buys are priced base-4..base+1 ticks, sells base-1..base+4; quantities 1..5 lots; one
 * message in ten is a cancel, and every message is a cancel while the session has more than
 * {@link #MAX_RESTING} resting orders.
 */
final class OrderMix {
  static final int TICKS_AWAY = 4;
  static final int TICKS_THROUGH = 1;
  static final int MAX_RESTING = 100;
  static final double CANCEL_SHARE = 0.1;

  /** One listed symbol as its book has it: base price (0.1-yen units), tick table, lot. */
  record Listed(String symbol, long basePrice, TickTable ticks, long lot) {
    /** "SYMBOL:BASE_UNITS:TICKTABLE:LOT", the client's command-line form. */
    String arg() {
      return symbol + ":" + basePrice + ":" + ticks + ":" + lot;
    }

    static Listed parse(String arg) {
      String[] f = arg.split(":");
      if (f.length != 4) {
        throw new IllegalArgumentException("symbol " + arg + ": expected SYMBOL:BASE_UNITS:TICKTABLE:LOT");
      }
      return new Listed(f[0], Long.parseLong(f[1]), TickTable.valueOf(f[2]), Long.parseLong(f[3]));
    }
  }

  /** A symbol's prices as FIX bytes, from base - TICKS_AWAY to base + TICKS_AWAY ticks. */
  static final class Quoted {
    final Listed listed;
    final byte[] symbol;
    final byte[][] prices; // index = ticks from base + TICKS_AWAY

    Quoted(Listed l) {
      this.listed = l;
      this.symbol = l.symbol().getBytes(StandardCharsets.US_ASCII);
      long[] p = new long[2 * TICKS_AWAY + 1];
      p[TICKS_AWAY] = l.ticks().onGrid(l.basePrice()) ? l.basePrice() : l.ticks().roundDown(l.basePrice());
      for (int k = 1; k <= TICKS_AWAY; k++) {
        p[TICKS_AWAY + k] = l.ticks().next(p[TICKS_AWAY + k - 1]);
        p[TICKS_AWAY - k] = l.ticks().roundDown(p[TICKS_AWAY - k + 1] - 1);
      }
      prices = new byte[p.length][];
      for (int k = 0; k < p.length; k++) {
        if (p[k] <= 0) {
          throw new IllegalArgumentException("symbol " + l.symbol() + ": base price "
              + Prices.format(l.basePrice()) + " yen is too low for " + TICKS_AWAY + " ticks below it");
        }
        prices[k] = Prices.format(p[k]).getBytes(StandardCharsets.US_ASCII);
      }
    }
  }

  /** The next message: a new order (symbol index, side, price index, lots) or a cancel. */
  static final class Next {
    boolean cancel;
    int symbol;
    boolean buy;
    int priceIndex;
    long qty;
  }

  private final List<Quoted> symbols = new ArrayList<>();
  private final SplittableRandom random;

  OrderMix(List<Listed> listed, long seed) {
    if (listed.isEmpty()) {
      throw new IllegalArgumentException("no symbols to trade");
    }
    for (Listed l : listed) {
      symbols.add(new Quoted(l));
    }
    this.random = new SplittableRandom(seed);
  }

  Quoted symbol(int i) {
    return symbols.get(i);
  }

  void next(int resting, Next n) {
    n.cancel = resting > MAX_RESTING || (resting > 0 && random.nextDouble() < CANCEL_SHARE);
    if (n.cancel) {
      return;
    }
    n.symbol = random.nextInt(symbols.size());
    n.buy = random.nextBoolean();
    int ticks = random.nextInt(-TICKS_AWAY, TICKS_THROUGH + 1); // from the own side's view
    n.priceIndex = TICKS_AWAY + (n.buy ? ticks : -ticks);
    n.qty = symbols.get(n.symbol).listed.lot() * random.nextInt(1, 6);
  }
}
