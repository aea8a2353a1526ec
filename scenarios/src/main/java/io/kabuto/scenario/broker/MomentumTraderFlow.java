package io.kabuto.scenario.broker;

import io.kabuto.scenario.model.SymbolSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * A momentum trader: reads the trade tape of one of its symbols per turn and, when the last
 * {@value #WINDOW} trades moved the price by at least {@value #THRESHOLD_TICKS} ticks, buys into
 * the rise or sells into the fall with a marketable IOC limit {@value #THROUGH_TICKS} ticks
 * through the last trade. After an order it waits {@link #COOLDOWN_MILLIS} of simulated time on
 * that symbol and forgets the trend it acted on, so one move triggers one order.
 */
final class MomentumTraderFlow implements OrderFlow {
  static final int WINDOW = 8;
  static final int THRESHOLD_TICKS = 3;
  /** Through the last trade, so the order takes what is there instead of resting (IOC). */
  static final int THROUGH_TICKS = 2;
  static final long COOLDOWN_MILLIS = 5 * 60_000L;

  private final SplittableRandom rnd;
  private final List<PriceWalk> grids = new ArrayList<>();
  private final String prefix;
  private final int lots;
  private final MarketView market;
  private final LongSupplier simNow;
  private final Map<String, ArrayDeque<Long>> recent = new HashMap<>();
  private final Map<String, Long> coolUntil = new HashMap<>();
  private long n;

  MomentumTraderFlow(SplittableRandom rnd, List<SymbolSpec> symbols, String prefix, int lots,
      MarketView market, LongSupplier simNow) {
    this.rnd = rnd;
    symbols.forEach(s -> grids.add(new PriceWalk(s)));
    this.prefix = prefix;
    this.lots = lots;
    this.market = market;
    this.simNow = simNow;
  }

  @Override
  public List<OrderIntent> next() {
    PriceWalk grid = grids.get(rnd.nextInt(grids.size()));
    SymbolSpec s = grid.symbol();
    ArrayDeque<Long> window = recent.computeIfAbsent(s.symbol(), k -> new ArrayDeque<>());
    for (long p : market.newTrades(s.symbol())) {
      window.addLast(p);
      if (window.size() > WINDOW) {
        window.removeFirst();
      }
    }
    long now = simNow.getAsLong();
    if (window.size() < WINDOW || now < coolUntil.getOrDefault(s.symbol(), Long.MIN_VALUE)) {
      return List.of();
    }
    long first = window.peekFirst();
    long last = window.peekLast();
    long threshold = THRESHOLD_TICKS * s.tickTable().tickAt(Math.min(first, last));
    if (Math.abs(last - first) < threshold) {
      return List.of();
    }
    boolean buy = last > first;
    window.clear();
    coolUntil.put(s.symbol(), now + COOLDOWN_MILLIS);
    long price = grid.offset(last, buy ? THROUGH_TICKS : -THROUGH_TICKS);
    return List.of(OrderIntent.limit(prefix + (++n), s.symbol(), buy ? "BUY" : "SELL", price,
        s.lotSize() * (1 + rnd.nextInt(lots)), "IOC"));
  }
}
