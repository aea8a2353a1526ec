package io.kabuto.scenario.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.scenario.history.History;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reconcile lines of brokers relying on cancel-on-disconnect, judged. */
class CancelOnDisconnectCheckTest {
  private final History h = History.inMemory(System.nanoTime(), () -> 0);

  private long reconcile(String id, String state, boolean inFlight) {
    ObjectNode l = h.line("reconcile");
    l.put("broker", "COD1").put("clOrdId", id).put("symbol", "7203").put("state", state)
        .put("inFlight", inFlight);
    return h.append(l);
  }

  private Verdict verdict() {
    return CancelOnDisconnectCheck.check(new HistoryIndex(h.lines()));
  }

  @Test
  void withoutReconcileLinesItIsNotChecked() {
    assertEquals(Verdict.Status.NOT_CHECKED, verdict().status());
  }

  @Test
  void cancelledOrFilledOrdersAndAnyInFlightStatePass() {
    reconcile("a", "cancelled", false);
    reconcile("b", "filled", false);
    reconcile("c", "live", true);
    reconcile("d", "unknown", true);
    Verdict v = verdict();
    assertEquals(Verdict.Status.PASS, v.status(), v.summary());
    assertTrue(v.summary().contains("cancelled=1") && v.summary().contains("2 in flight"), v.summary());
  }

  @Test
  void anOrderStillLiveOrUnknownAfterTheDropFailsCitingItsLine() {
    reconcile("a", "cancelled", false);
    long live = reconcile("b", "live", false);
    long gone = reconcile("c", "unknown", false);
    Verdict v = verdict();
    assertEquals(Verdict.Status.FAIL, v.status(), v.summary());
    assertEquals(2, v.violations(), v.summary());
    assertEquals(List.of(live, gone), v.lines());
    assertTrue(v.summary().contains("b of COD1") && v.summary().contains("still live"), v.summary());
  }
}
