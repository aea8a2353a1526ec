package io.kabuto.market;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The book-unavailable rule does not halt a book that has not answered yet while the market
 * supervisor is starting (a cluster whose shards are still being allocated): halted at startup,
 * a book would stay halted for the day. CI's `demo --short` did exactly that on a slow start.
 */
class MarketStartupGraceTest {

  @Test
  void aBookThatNeverAnsweredIsNotHaltedDuringTheStartupGrace() throws Exception {
    // BROKEN's rules are invalid, so its book refuses every command: it never answers a probe
    try (MarketTestNode n = new MarketTestNode("""
        kabuto.book.symbols {
          "BROKEN" { base-price = "2000", tick-table = NO_SUCH_TABLE, lot-size = 100 }
        }
        kabuto.market.tick-interval = 100ms
        kabuto.market.rules.book-unavailable-halt-after = 1s
        """)) {
      MarketGate gate = MarketGate.get(n.system);
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < until) {
        var e = gate.table().entries().get("BROKEN");
        assertFalse(e != null && e.halted(), "halted by rule within the startup grace: " + e);
        Thread.sleep(100);
      }
      assertTrue(MarketSupervisor.STARTUP_GRACE.toSeconds() > 5, "the window above is inside the grace");
    }
  }
}
