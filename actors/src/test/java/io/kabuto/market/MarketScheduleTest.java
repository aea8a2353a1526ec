package io.kabuto.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.book.OrderBook;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Side;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MarketScheduleTest {

  @Test
  void boundariesCrossedInOrderEvenWhenATickSkipsAPhase() {
    assertEquals(Phase.CLOSED, Schedule.phaseAt(Schedule.at(7, 59)));
    assertEquals(Phase.BREAK, Schedule.phaseAt(Schedule.at(11, 45)));
    List<Schedule.Boundary> b = Schedule.crossed(Schedule.at(8, 30), Schedule.at(12, 0));
    assertEquals(List.of(Phase.CONTINUOUS, Phase.BREAK), b.stream().map(Schedule.Boundary::phase).toList());
  }

  @Test
  void fastClockMovesABookThroughPreOpenContinuousBreak() throws Exception {
    // 1 real second = 15 simulated minutes: 09:00 after ~4 s, 11:30 after ~14 s; BREAK lasts 2.3 s
    try (MarketTestNode n = new MarketTestNode("""
        kabuto.market { schedule = on, tick-interval = 100ms
                        clock { mode = scenario, start = "07:59", speed = 900.0 } }
        """)) {
      await(n, Phase.PRE_OPEN, 20);
      assertInstanceOf(OrderBook.Accepted.class, n.place("7203", Side.BUY, 2000, 100));
      assertInstanceOf(OrderBook.Accepted.class, n.place("7203", Side.SELL, 2000, 100));
      assertEquals(0, n.depth("7203").volume(), "nothing executes in pre-open");
      await(n, Phase.CONTINUOUS, 20);
      assertEquals(100, n.depth("7203").volume(), "the 09:00 opening itayose trades");
      await(n, Phase.BREAK, 40);
    }
  }

  private static void await(MarketTestNode n, Phase phase, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    StringBuilder seen = new StringBuilder();
    Phase last = null;
    while (System.nanoTime() < deadline) {
      Phase p = n.depth("7203").phase();
      if (p != last) seen.append(java.time.LocalTime.now()).append(' ').append(p).append("; ");
      last = p;
      if (p == phase) return;
      Thread.sleep(20);
    }
    assertTrue(false, "book 7203 did not reach " + phase + " within " + seconds + " s (seen " + seen + ")");
  }
}
