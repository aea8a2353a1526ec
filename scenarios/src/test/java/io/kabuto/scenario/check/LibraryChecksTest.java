package io.kabuto.scenario.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.scenario.history.History;
import io.kabuto.scenario.model.Expectations;
import io.kabuto.scenario.model.Invariant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checks the library's newer scenarios add (rejected-orders, flood-isolation,
 * wiped-store-catches-up), on hand-made histories with wall times set by the test.
 */
class LibraryChecksTest {
  /** History lines with explicit seq and wall time. */
  static final class Lines {
    final List<JsonNode> all = new ArrayList<>();

    ObjectNode add(String type, long t) {
      ObjectNode l = History.JSON.createObjectNode();
      l.put("seq", all.size() + 1L).put("t", t).put("type", type);
      all.add(l);
      return l;
    }

    void order(String broker, String id, long t, long ms, int http, String status) {
      add("invoke", t - ms).put("broker", broker).put("op", "new").put("clOrdId", id).put("attempt", 1)
          .put("symbol", "7203").put("side", "BUY").put("price", "2000").put("qty", 100);
      answer(broker, id, t, ms, http, status);
    }

    void answer(String broker, String id, long t, long ms, int http, String status) {
      ObjectNode ok = add("ok", t).put("broker", broker).put("op", "new").put("clOrdId", id).put("ms", ms)
          .put("http", http);
      ok.putObject("body").put("clOrdId", id).put("status", status)
          .put("code", status.equals("accepted") ? "" : "RATE_LIMITED");
    }

    void step(int step, String action, String phase, long t) {
      add("fault", t).put("step", step).put("action", action).put("phase", phase);
    }
  }

  static Expectations expect(int maxRejected, double floodFactor) {
    return new Expectations(EnumSet.noneOf(Invariant.class), 30, -1, maxRejected, floodFactor);
  }

  static Verdict verdict(List<JsonNode> lines, Expectations e, String check) {
    return Checker.check(lines, e).verdicts().stream().filter(v -> v.check().equals(check)).findFirst()
        .orElseThrow(() -> new AssertionError("no verdict " + check));
  }

  @Test
  void aResendAnsweredAfterA503IsNotARejectionButAFinalRefusalIs() {
    Lines l = new Lines();
    l.order("MM1", "a", 100, 10, 503, "refused");
    l.answer("MM1", "a", 400, 10, 200, "accepted"); // the same ClOrdID resent: one order, accepted
    l.order("MM1", "b", 500, 10, 200, "accepted");
    assertEquals(Verdict.Status.PASS, verdict(l.all, expect(0, 0), RejectedOrdersCheck.WORD).status());

    l.order("NT1", "c", 600, 10, 429, "refused");
    Verdict v = verdict(l.all, expect(0, 0), RejectedOrdersCheck.WORD);
    assertEquals(Verdict.Status.FAIL, v.status());
    assertTrue(v.summary().contains("NT1 c") && v.summary().contains("1 new orders refused"), v.summary());
    assertEquals(List.of(l.all.size() - 1L, (long) l.all.size()), v.lines());
    assertEquals(Verdict.Status.PASS, verdict(l.all, expect(1, 0), RejectedOrdersCheck.WORD).status(),
        "within a limit of 1");
  }

  /** Steady 20 ms answers before t=10000, then a flood step from 10000 to 20000. */
  static Lines flood(long msDuring, int httpDuring) {
    Lines l = new Lines();
    for (int i = 0; i < 100; i++) {
      l.order("MM1", "p" + i, 100 + i * 99, 20, 200, "accepted");
    }
    l.step(1, "flood", "start", 10_000);
    for (int i = 0; i < 100; i++) {
      l.order("MM2", "d" + i, 10_050 + i * 99, msDuring, i == 50 ? httpDuring : 200,
          i == 50 && httpDuring != 200 ? "refused" : "accepted");
    }
    l.step(1, "flood", "done", 20_000);
    return l;
  }

  @Test
  void floodIsolationComparesTheP99DuringTheFloodWithBeforeIt() {
    Verdict calm = verdict(flood(120, 200).all, expect(-1, 3), FloodCheck.WORD);
    assertEquals(Verdict.Status.PASS, calm.status(), calm.summary());
    assertTrue(calm.summary().contains("p99 120 ms during (100 answers) vs 20 ms before (100)"), calm.summary());

    Verdict slow = verdict(flood(400, 200).all, expect(-1, 3), FloodCheck.WORD);
    assertEquals(Verdict.Status.FAIL, slow.status(), "400 ms > 3 x max(50 ms, 20 ms)");
    assertTrue(slow.summary().contains("p99 400 ms during"), slow.summary());

    Verdict refused = verdict(flood(20, 429).all, expect(-1, 3), FloodCheck.WORD);
    assertEquals(Verdict.Status.FAIL, refused.status());
    assertTrue(refused.summary().contains("MM2 d50 was refused for the rate"), refused.summary());
  }

  @Test
  void floodIsolationFailsAFloodThatDidNotRunToItsEnd() {
    Lines l = new Lines();
    l.order("MM1", "a", 100, 20, 200, "accepted");
    l.step(1, "flood", "start", 200);
    l.step(1, "flood", "error", 300);
    assertEquals(Verdict.Status.FAIL, verdict(l.all, expect(-1, 3), FloodCheck.WORD).status());
  }

  static Lines wiped(boolean votedEarly, long caughtUp) {
    return wiped(votedEarly, caughtUp, false, true);
  }

  static Lines wiped(boolean votedEarly, long caughtUp, boolean sawCatchingUp, boolean logSaysNotVoting) {
    Lines l = new Lines();
    l.step(2, "restart", "start", 100);
    ObjectNode done = l.add("fault", 5000).put("step", 2).put("action", "restart").put("phase", "done");
    done.putObject("wipedStore").put("node", "node-3").put("filesDeleted", 12).put("firstStore", "NEW_EMPTY")
        .put("votedBeforeCaughtUp", votedEarly).put("caughtUpMillis", caughtUp).put("sawCatchingUp", sawCatchingUp)
        .put("logSaysNotVoting", logSaysNotVoting);
    return l;
  }

  @Test
  void aWipedStoreMustNotVoteBeforeItHasCaughtUp() {
    Verdict ok = verdict(wiped(false, 1500).all, expect(-1, 0), WipedStoreCheck.WORD);
    assertEquals(Verdict.Status.PASS, ok.status());
    assertTrue(ok.summary().contains("node-3: store NEW_EMPTY, not voting until caught up (its log says so, "
        + "up to date 1500 ms after Up)"), ok.summary());
    assertEquals(Verdict.Status.PASS, verdict(wiped(false, 1500, true, false).all, expect(-1, 0),
        WipedStoreCheck.WORD).status(), "seen catching up without voting");
    Verdict noSign = verdict(wiped(false, 1500, false, false).all, expect(-1, 0), WipedStoreCheck.WORD);
    assertEquals(Verdict.Status.FAIL, noSign.status());
    assertTrue(noSign.summary().contains("no sign it waited to vote"), noSign.summary());
    Verdict voted = verdict(wiped(true, 1500).all, expect(-1, 0), WipedStoreCheck.WORD);
    assertEquals(Verdict.Status.FAIL, voted.status());
    assertTrue(voted.summary().contains("voted before it had caught up"), voted.summary());
    assertEquals(Verdict.Status.FAIL, verdict(wiped(false, -1).all, expect(-1, 0), WipedStoreCheck.WORD).status());
  }

  @Test
  void theNewChecksAreLeftOutWhenNotExpected() {
    List<String> checks = Checker.check(flood(20, 200).all, expect(-1, 0)).verdicts().stream()
        .map(Verdict::check).toList();
    assertTrue(!checks.contains(RejectedOrdersCheck.WORD) && !checks.contains(FloodCheck.WORD)
        && !checks.contains(WipedStoreCheck.WORD), checks.toString());
  }
}
