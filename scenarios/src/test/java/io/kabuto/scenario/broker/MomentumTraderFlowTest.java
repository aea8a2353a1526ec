package io.kabuto.scenario.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.scenario.model.BrokerKind;
import io.kabuto.scenario.model.BrokerPopulation;
import io.kabuto.scenario.model.OnFailure;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MomentumTraderFlowTest {

  /** A tape the test writes: each symbol's trades are handed out once, as the feed does. */
  static final class FakeTape implements MarketView {
    final Map<String, ArrayDeque<Long>> pending = new HashMap<>();

    void print(String symbol, long... prices) {
      for (long p : prices) {
        pending.computeIfAbsent(symbol, k -> new ArrayDeque<>()).add(p);
      }
    }

    @Override
    public List<Long> newTrades(String symbol) {
      ArrayDeque<Long> q = pending.getOrDefault(symbol, new ArrayDeque<>());
      List<Long> out = new ArrayList<>(q);
      q.clear();
      return out;
    }

    @Override
    public Touch touch(String symbol) {
      return Touch.NONE;
    }
  }

  static OrderFlow flow(long seed, MarketView tape, AtomicLong now) {
    BrokerPopulation p = new BrokerPopulation(BrokerKind.MOMENTUM_TRADER, 1, 2, List.of("7203"), OnFailure.RESEND, 3);
    return OrderFlow.of(new BrokerId("MO1", 101, "t", p, 0), seed, OrderFlowTest.SYMBOLS, "s-", tape, now::get);
  }

  /** Turns until the flow sends something (at most {@code turns}). */
  static List<OrderIntent> until(OrderFlow f, int turns) {
    for (int i = 0; i < turns; i++) {
      List<OrderIntent> out = f.next();
      if (!out.isEmpty()) {
        return out;
      }
    }
    return List.of();
  }

  @Test
  void itBuysIntoARiseWithAMarketableIoc() {
    FakeTape tape = new FakeTape();
    AtomicLong now = new AtomicLong(9 * 3_600_000L);
    OrderFlow f = flow(7, tape, now);
    // 2000 yen, TOPIX500 ticks of 0.5 yen (5 units): +2 ticks per trade, 14 over the window
    tape.print("7203", 20000, 20010, 20020, 20030, 20040, 20050, 20060, 20070);
    List<OrderIntent> sent = until(f, 1);
    assertEquals(1, sent.size(), "one order on the rise");
    OrderIntent o = sent.get(0);
    assertEquals("BUY", o.side());
    assertEquals("IOC", o.tif());
    assertEquals(20070 + 2 * 5, o.price(), "two ticks through the last trade");
    assertTrue(o.qty() % 100 == 0 && o.qty() >= 100 && o.qty() <= 300, "whole lots, 1..3: " + o.qty());
  }

  @Test
  void itSellsIntoAFallAndIgnoresNoise() {
    FakeTape tape = new FakeTape();
    AtomicLong now = new AtomicLong(9 * 3_600_000L);
    OrderFlow f = flow(7, tape, now);
    tape.print("7203", 20000, 20010, 20000, 20010, 20000, 20010, 20000, 20010);
    assertEquals(List.of(), until(f, 3), "a 2-tick wobble is below the threshold of 3");
    tape.print("7203", 20000, 19990, 19980, 19970, 19960, 19950, 19940, 19930);
    List<OrderIntent> sent = until(f, 1);
    assertEquals("SELL", sent.get(0).side());
    assertEquals(19930 - 2 * 5, sent.get(0).price());
  }

  @Test
  void afterAnOrderItWaitsTheCooldownAndNeedsAFreshTrend() {
    FakeTape tape = new FakeTape();
    AtomicLong now = new AtomicLong(9 * 3_600_000L);
    OrderFlow f = flow(7, tape, now);
    long[] rise = {20000, 20010, 20020, 20030, 20040, 20050, 20060, 20070};
    tape.print("7203", rise);
    assertEquals(1, until(f, 1).size());
    tape.print("7203", 20080, 20090, 20100, 20110, 20120, 20130, 20140, 20150);
    assertEquals(List.of(), until(f, 5), "cooling down");
    now.addAndGet(MomentumTraderFlow.COOLDOWN_MILLIS);
    assertEquals("BUY", until(f, 1).get(0).side(), "the rise went on: buys again after the cooldown");
    now.addAndGet(MomentumTraderFlow.COOLDOWN_MILLIS);
    assertEquals(List.of(), until(f, 5), "the trend it acted on is forgotten: no new trades, no order");
  }

  @Test
  void theSameSeedAndTapeGiveTheSameOrders() {
    List<List<OrderIntent>> runs = new ArrayList<>();
    for (long seed : new long[] {3, 3, 4}) {
      FakeTape tape = new FakeTape();
      AtomicLong now = new AtomicLong(9 * 3_600_000L);
      OrderFlow f = flow(seed, tape, now);
      List<OrderIntent> all = new ArrayList<>();
      long p = 20000;
      for (int i = 0; i < 400; i++) {
        p += (i / 10) % 2 == 0 ? 10 : -10; // runs of ten ticks up, then down
        tape.print("7203", p);
        all.addAll(f.next());
        now.addAndGet(60_000);
      }
      runs.add(all);
    }
    assertTrue(runs.get(0).size() > 5, "the swings trigger orders: " + runs.get(0).size());
    assertEquals(runs.get(0), runs.get(1), "same seed, same tape");
    assertTrue(!runs.get(0).equals(runs.get(2)), "another seed draws other quantities");
  }
}
