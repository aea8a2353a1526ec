package io.kabuto.bench.matching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.matching.BookRules;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OrderStreamTest {
  private static final int N = 200_000;

  @Test
  void mixMatchesTheSpecification() {
    OrderStream s = OrderStream.generate(N, 7);
    assertEquals(N, s.size);
    assertShare(s, OrderStream.PLACE_GTC, 0.09, 0.006);
    assertShare(s, OrderStream.PLACE_IOC, 0.03, 0.003);
    assertShare(s, OrderStream.CANCEL, 0.06, 0.004);
    assertShare(s, OrderStream.MOVE, 0.82, 0.008);
  }

  @Test
  void pricesStayOnTheGridInsideTheLimits() {
    OrderStream s = OrderStream.generate(N, 11);
    BookRules rules = OrderStream.rules();
    for (int i = 0; i < s.size; i++) {
      if (s.type[i] == OrderStream.CANCEL) continue;
      long p = s.price[i];
      assertTrue(rules.ticks().onGrid(p), "off grid at " + i);
      assertTrue(p >= rules.lowerLimit() && p <= rules.upperLimit(), "outside limits at " + i);
      assertTrue(s.qty[i] > 0, "qty at " + i);
    }
  }

  @Test
  void sameSeedSameStreamOtherSeedOtherStream() {
    OrderStream a = OrderStream.generate(50_000, 42);
    OrderStream b = OrderStream.generate(50_000, 42);
    assertArrayEquals(a.type, b.type);
    assertArrayEquals(a.orderId, b.orderId);
    assertArrayEquals(a.side, b.side);
    assertArrayEquals(a.price, b.price);
    assertArrayEquals(a.qty, b.qty);
    assertArrayEquals(a.uid, b.uid);
    assertEquals(a.digest(), b.digest());
    assertNotEquals(a.digest(), OrderStream.generate(50_000, 43).digest());
  }

  @Test
  void bothEnginesAgreeOnAShortStream() {
    OrderStream s = OrderStream.generate(20_000, 3);
    KabutoAdapter k = new KabutoAdapter();
    ExchangeCoreAdapter x = new ExchangeCoreAdapter();
    k.reset();
    k.run(s);
    x.reset();
    x.run(s);
    for (int t = 0; t < 4; t++) {
      assertEquals(k.acks[t], x.acks[t], "acks of " + OrderStream.typeName(t));
      assertEquals(k.rejects[t], x.rejects[t], "rejects of " + OrderStream.typeName(t));
    }
    assertEquals(s.size, k.totalAcks() + k.totalRejects());
    assertTrue(k.totalRejects() < s.size / 100, "few rejects expected: " + k.counts());
    assertTrue(k.trades > 0, "the stream trades");
    assertEquals(k.tradedQty, x.tradedQty, "traded quantity");
    assertEquals(k.restingOrders(), x.restingOrders(), "resting orders");
    assertTrue(k.restingOrders() > 500 && k.restingOrders() < 1500, "about 1,000 resting: " + k.restingOrders());
  }

  @Test
  void benchRunEndsWithTheSummaryLine() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    MatchingBench.Result r;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      r = MatchingBench.run(40_000, 5, 1, 1, out);
    }
    assertTrue(r.consistent());
    assertEquals(StreamShape.values().length, r.shapes().size());
    String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
    String last = lines[lines.length - 1];
    assertTrue(last.matches("matching: worst=\\d+\\.\\d\\d reprice=\\d+\\.\\d\\d new-cancel=\\d+\\.\\d\\d "
        + "deep-book=\\d+\\.\\d\\d fast-mid=\\d+\\.\\d\\d ioc-taker=\\d+\\.\\d\\d "
        + "kabuto=\\d+ exchange-core=\\d+ ratio=\\d+\\.\\d\\d"), last);
    assertTrue(last.contains(String.format(java.util.Locale.ROOT, "worst=%.2f ", r.worst().ratio())), last);
    assertTrue(last.endsWith(String.format(java.util.Locale.ROOT, "ratio=%.2f", r.headline().ratio())), last);
    assertEquals(StreamShape.REPRICE, r.headline().shape());
    assertTrue(lines[lines.length - 2].startsWith("ioc-taker") && lines[lines.length - 2].contains("bytes/op"),
        lines[lines.length - 2]);
  }

  private static void assertShare(OrderStream s, byte type, double expected, double tolerance) {
    double share = s.count(type) / (double) s.size;
    assertEquals(expected, share, tolerance, OrderStream.typeName(type) + " share");
  }
}
