package io.kabuto.book;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The start-up window of automatic rebalancing (the moves themselves: BookFailoverTest). */
class BookAllocationTest {

  @Test
  void rebalancesOnlyInTheWindowAfterTheNodeIsUp() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    BookAllocation a = new BookAllocation(20, 1.0, Duration.ofSeconds(20), now::get);
    assertFalse(a.rebalancing(), "not before the node is Up");
    a.upAt(now.get());
    assertTrue(a.rebalancing(), "at cluster start");
    now.addAndGet(19_999);
    assertTrue(a.rebalancing());
    now.addAndGet(1);
    assertFalse(a.rebalancing(), "never once the window is over");
    // outside the window nothing is moved, whatever the allocations
    var none = a.rebalance(scala.collection.immutable.Map$.MODULE$.empty(),
        scala.collection.immutable.Set$.MODULE$.empty());
    assertTrue(none.isCompleted() && none.value().get().get().isEmpty());
  }

  @Test
  void aZeroWindowNeverRebalances() {
    BookAllocation a = new BookAllocation(20, 1.0, Duration.ZERO, System::currentTimeMillis);
    a.upAt(System.currentTimeMillis());
    assertFalse(a.rebalancing());
  }
}
