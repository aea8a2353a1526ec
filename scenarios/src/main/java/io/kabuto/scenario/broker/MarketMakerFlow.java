package io.kabuto.scenario.broker;

import io.kabuto.scenario.model.SymbolSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A market maker: picks one of its symbols, moves its fair value, cancels its previous bid and ask
 * there and quotes a new bid and ask 1-2 ticks either side.
 */
final class MarketMakerFlow implements OrderFlow {
  private final SplittableRandom rnd;
  private final List<PriceWalk> walks = new ArrayList<>();
  private final String prefix;
  private final int lots;
  private final Map<String, List<String>> quotes = new HashMap<>();
  private long n;

  MarketMakerFlow(SplittableRandom rnd, List<SymbolSpec> symbols, String prefix, int lots) {
    this.rnd = rnd;
    symbols.forEach(s -> walks.add(new PriceWalk(s)));
    this.prefix = prefix;
    this.lots = lots;
  }

  @Override
  public List<OrderIntent> next() {
    PriceWalk w = walks.get(rnd.nextInt(walks.size()));
    SymbolSpec s = w.symbol();
    long mid = w.step(rnd);
    int half = 1 + rnd.nextInt(2);
    List<OrderIntent> out = new ArrayList<>(4);
    for (String old : quotes.getOrDefault(s.symbol(), List.of())) {
      out.add(OrderIntent.cancel(old));
    }
    String bid = prefix + (++n);
    String ask = prefix + (++n);
    out.add(OrderIntent.limit(bid, s.symbol(), "BUY", w.offset(mid, -half), qty(s), "DAY"));
    out.add(OrderIntent.limit(ask, s.symbol(), "SELL", w.offset(mid, half), qty(s), "DAY"));
    quotes.put(s.symbol(), List.of(bid, ask));
    return out;
  }

  private long qty(SymbolSpec s) {
    return s.lotSize() * (1 + rnd.nextInt(lots));
  }
}
