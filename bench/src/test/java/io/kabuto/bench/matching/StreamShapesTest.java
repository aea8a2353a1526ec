package io.kabuto.bench.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.matching.BookEvents;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every stream shape: deterministic, well-formed, the shape it claims, and both engines agree on it. */
class StreamShapesTest {
  private static final int N = 200_000;

  /** Long enough for the deep book's 30,000 opening orders to be a minority of the stream. */
  private static int shortStream(StreamShape shape) {
    return Math.max(40_000, 3 * shape.targetResting);
  }

  @ParameterizedTest
  @EnumSource(StreamShape.class)
  void sameSeedSameStreamOtherSeedOtherStream(StreamShape shape) {
    int n = shortStream(shape);
    OrderStream a = OrderStream.generate(shape, n, 9);
    assertEquals(a.digest(), OrderStream.generate(shape, n, 9).digest());
    assertNotEquals(a.digest(), OrderStream.generate(shape, n, 10).digest());
  }

  @ParameterizedTest
  @EnumSource(StreamShape.class)
  void pricesStayOnTheGridInsideTheLimits(StreamShape shape) {
    OrderStream s = OrderStream.generate(shape, shortStream(shape), 11);
    BookRules rules = OrderStream.rules();
    for (int i = 0; i < s.size; i++) {
      byte t = s.type[i];
      if (t == OrderStream.CANCEL) continue;
      if (t == OrderStream.PLACE_MARKET) {
        assertEquals(0, s.price[i], "market order priced at " + i);
      } else {
        long p = s.price[i];
        assertTrue(rules.ticks().onGrid(p), "off grid at " + i);
        assertTrue(p >= rules.lowerLimit() && p <= rules.upperLimit(), "outside limits at " + i);
      }
      assertTrue(s.qty[i] > 0, "qty at " + i);
    }
  }

  /**
   * The whole outcome must agree: acks and rejects per message type, trades, traded quantity,
   * resting orders, resting volume and best price per side; the only rejects are the stream's
   * stale duplicates.
   */
  @ParameterizedTest
  @EnumSource(StreamShape.class)
  void bothEnginesAgreeOnAShortStream(StreamShape shape) {
    OrderStream s = OrderStream.generate(shape, shortStream(shape), 3);
    KabutoAdapter k = new KabutoAdapter();
    ExchangeCoreAdapter x = new ExchangeCoreAdapter();
    k.reset();
    k.run(s);
    x.reset();
    x.run(s);
    for (int t = 0; t < OrderStream.TYPES; t++) {
      assertEquals(k.acks[t], x.acks[t], "acks of " + OrderStream.typeName(t));
      assertEquals(k.rejects[t], x.rejects[t], "rejects of " + OrderStream.typeName(t));
    }
    assertEquals(s.size, k.totalAcks() + k.totalRejects());
    assertEquals(s.staleMessages, k.totalRejects(), "only stale duplicates are rejected: " + k.counts());
    assertTrue(k.trades > 0, "the stream trades");
    assertEquals(k.trades, x.trades, "trades");
    assertEquals(k.tradedQty, x.tradedQty, "traded quantity");
    assertEquals(k.restingOrders(), x.restingOrders(), "resting orders");
    for (int sd = OrderStream.BUY; sd <= OrderStream.SELL; sd++) {
      assertTrue(k.restingVolume(sd) > 0, "side " + sd + " holds orders");
      assertEquals(k.restingVolume(sd), x.restingVolume(sd), "resting volume of side " + sd);
      assertEquals(k.bestPrice(sd), x.bestPrice(sd), "best price of side " + sd);
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      assertTrue(MatchingBench.compare(k, x, out), buf.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void newCancelIsHalfNewOrdersMostlyCancelledWithStaleDuplicates() {
    OrderStream s = OrderStream.generate(StreamShape.NEW_CANCEL, N, 7);
    double places = s.count(OrderStream.PLACE_GTC) + s.count(OrderStream.PLACE_IOC);
    assertEquals(0.5, places / s.size, 0.03, "new orders share");
    assertEquals(0.15, s.count(OrderStream.PLACE_IOC) / places, 0.015, "IOC share of new orders");
    assertTrue(s.cancelledOrders > 0.85 * s.restedOrders,
        "almost every resting order is cancelled: " + s.cancelledOrders + " of " + s.restedOrders);
    assertEquals(0.04, s.staleMessages / (double) s.size, 0.005, "stale duplicates");
    double modifies = s.count(OrderStream.MOVE) + s.count(OrderStream.RESIZE) - s.staleMessages / 3.0;
    assertEquals(0.2, modifies / places, 0.03, "about a fifth of orders get a reprice or an increase");
    assertTrue(s.count(OrderStream.RESIZE) > 0.02 * s.size, "quantity increases");
    assertEquals(StreamShape.NEW_CANCEL.targetResting, s.meanResting(), 0.1 * StreamShape.NEW_CANCEL.targetResting);
    // short lives: the book turns over many times
    assertTrue(s.restedOrders > 20 * StreamShape.NEW_CANCEL.targetResting, "turnover: " + s.restedOrders);
  }

  /**
   * exchange-core's stand-in for an increase (cancel, then a new order of the new remainder) forgets
   * the old order's fills, so an increase may only hit an order that has not traded yet.
   */
  @Test
  void newCancelIncreasesOnlyUntradedOrders() {
    OrderStream s = OrderStream.generate(StreamShape.NEW_CANCEL, N, 5);
    LimitOrderBook book = new LimitOrderBook(OrderStream.rules(), 4096);
    BookEvents ev = new BookEvents(256);
    long[] total = new long[s.size + 2];
    int resizes = 0;
    for (int i = 0; i < s.size; i++) {
      ev.clear();
      long id = s.orderId[i];
      Side sd = s.side[i] == OrderStream.BUY ? Side.BUY : Side.SELL;
      switch (s.type[i]) {
        case OrderStream.PLACE_GTC, OrderStream.PLACE_IOC -> {
          total[(int) id] = s.qty[i];
          book.place(i, id, s.uid[i], sd, OrderType.LIMIT,
              s.type[i] == OrderStream.PLACE_GTC ? TimeInForce.DAY : TimeInForce.IOC, s.price[i], s.qty[i],
              SelfTradePrevention.NONE, ev);
        }
        case OrderStream.CANCEL -> book.cancel(i, id, s.uid[i], ev);
        case OrderStream.MOVE -> book.modify(i, id, s.uid[i], s.price[i], s.qty[i], ev);
        case OrderStream.RESIZE -> {
          assertEquals(total[(int) id], book.leavesOf(id), "increase of a traded order at " + i);
          assertTrue(s.qty[i] > total[(int) id], "an increase at " + i);
          total[(int) id] = s.qty[i];
          resizes++;
          assertEquals(Reject.NONE, book.modify(i, id, s.uid[i], s.price[i], s.qty[i], ev));
        }
        default -> throw new AssertionError("unexpected message type " + s.type[i]);
      }
    }
    assertTrue(resizes > 0.02 * s.size, "resizes " + resizes);
  }

  @Test
  void newCancelDepthThinsOutAwayFromTheTouch() {
    OrderStream s = OrderStream.generate(StreamShape.NEW_CANCEL, N, 7);
    KabutoAdapter k = new KabutoAdapter();
    k.reset();
    k.run(s);
    long[] px = new long[300];
    long[] q = new long[300];
    int n = k.book().depth(Side.BUY, px, q);
    long best = px[0];
    long near = 0;
    long far = 0;
    for (int i = 0; i < n; i++) {
      long ticks = (best - px[i]) / OrderStream.TICK;
      if (ticks < 5) near += q[i];
      else if (ticks >= 20) far += q[i];
    }
    assertTrue(near > 2 * far, "power-law depth: near " + near + " far " + far);
    assertTrue(far > 0, "a tail beyond 20 ticks");
  }

  @Test
  void deepBookHoldsTensOfThousandsOfOrdersOverAWideBand() {
    OrderStream s = OrderStream.generate(StreamShape.DEEP_BOOK, N, 7);
    assertTrue(s.meanResting() > 20_000, "mean resting " + s.meanResting());
    KabutoAdapter k = new KabutoAdapter();
    k.reset();
    k.run(s);
    long[] px = new long[1_000];
    long[] q = new long[1_000];
    assertTrue(k.book().depth(Side.BUY, px, q) > 200, "bid levels");
    assertTrue(k.book().depth(Side.SELL, px, q) > 200, "ask levels");
  }

  @Test
  void fastMidTrendsFarAndSweeps() {
    OrderStream s = OrderStream.generate(StreamShape.FAST_MID, N, 7);
    assertTrue(s.fairMax - s.fairMin >= 300 * OrderStream.TICK, "mid range " + (s.fairMax - s.fairMin));
    assertTrue(s.sweeps > 0.03 * s.size, "sweeps " + s.sweeps);
    assertTrue(s.count(OrderStream.CANCEL) > 0.05 * s.size, "cancels " + s.count(OrderStream.CANCEL));
    assertTrue(s.meanResting() > 300, "mean resting " + s.meanResting());
  }

  @Test
  void takerFlowIsAThirdIocAndMarketOrdersThatSweep() {
    OrderStream s = OrderStream.generate(StreamShape.TAKER, N, 7);
    double takers = s.count(OrderStream.PLACE_IOC) + s.count(OrderStream.PLACE_MARKET);
    assertTrue(takers > 0.22 * s.size, "takers " + takers / s.size);
    assertTrue(s.count(OrderStream.PLACE_MARKET) > 0.08 * s.size, "market orders");
    assertTrue(s.sweeps > 0.03 * s.size, "sweeps " + s.sweeps);
    assertEquals(StreamShape.TAKER.targetResting, s.meanResting(), 0.2 * StreamShape.TAKER.targetResting);
  }

  @Test
  void shapesHaveDistinctLabels() {
    for (StreamShape a : StreamShape.values()) {
      assertEquals(a, StreamShape.of(a.label));
    }
  }
}
