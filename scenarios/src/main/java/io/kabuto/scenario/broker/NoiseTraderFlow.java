package io.kabuto.scenario.broker;

import io.kabuto.scenario.model.SymbolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A noise trader: random buys and sells up to 3 ticks through its fair value (so most cross the
 * market makers' quotes), a third of them IOC, and now and then a cancel of its last DAY order.
 */
final class NoiseTraderFlow implements OrderFlow {
  private final SplittableRandom rnd;
  private final List<PriceWalk> walks = new ArrayList<>();
  private final String prefix;
  private final int lots;
  private String lastDay;
  private long n;

  NoiseTraderFlow(SplittableRandom rnd, List<SymbolSpec> symbols, String prefix, int lots) {
    this.rnd = rnd;
    symbols.forEach(s -> walks.add(new PriceWalk(s)));
    this.prefix = prefix;
    this.lots = lots;
  }

  @Override
  public List<OrderIntent> next() {
    if (lastDay != null && rnd.nextInt(5) == 0) {
      String c = lastDay;
      lastDay = null;
      return List.of(OrderIntent.cancel(c));
    }
    PriceWalk w = walks.get(rnd.nextInt(walks.size()));
    SymbolSpec s = w.symbol();
    long mid = w.step(rnd);
    boolean buy = rnd.nextBoolean();
    int through = rnd.nextInt(4);
    long price = w.offset(mid, buy ? through : -through);
    String tif = rnd.nextInt(3) == 0 ? "IOC" : "DAY";
    String id = prefix + (++n);
    if (tif.equals("DAY")) {
      lastDay = id;
    }
    return List.of(OrderIntent.limit(id, s.symbol(), buy ? "BUY" : "SELL", price,
        s.lotSize() * (1 + rnd.nextInt(lots)), tif));
  }
}
