package io.kabuto.scenario.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.scenario.history.History;
import io.kabuto.scenario.model.Expectations;
import io.kabuto.scenario.model.Invariant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Hand-made histories: one clean trading session, and the same session with one defect each. The
 * checker must pass the clean one and fail each defect on the right check, citing the right lines.
 */
class CheckerTest {
  static final String GW1 = "http://127.0.0.1:45521";
  static final String GW2 = "http://127.0.0.1:45524";
  static final Expectations ALL = new Expectations(EnumSet.allOf(Invariant.class), 30, -1);

  /** A history under construction, with a wall clock the test moves by hand. */
  static final class H {
    final AtomicLong sim = new AtomicLong(8 * 3600_000L);
    final History h = History.inMemory(System.nanoTime(), sim::get);

    H() {
      ObjectNode run = h.line("run");
      run.put("phase", "start");
      ObjectNode gws = run.putObject("gateways");
      gws.put("node-1", GW1);
      gws.put("node-4", GW2);
      h.append(run);
    }

    long invoke(String broker, String id, String side, long qty, String gw) {
      ObjectNode l = h.line("invoke");
      l.put("broker", broker).put("op", "new").put("clOrdId", id).put("attempt", 1).put("gw", gw)
          .put("symbol", "7203").put("side", side).put("price", "2000").put("qty", qty).put("tif", "DAY");
      return h.append(l);
    }

    /** An acknowledgement; trades are (tradeId, qty) pairs where this order is the aggressor. */
    long ack(String broker, String id, long invoke, String orderId, long filled, long... trades) {
      ObjectNode l = h.line("ok");
      l.put("broker", broker).put("op", "new").put("clOrdId", id).put("invoke", invoke).put("ms", 5).put("http", 200);
      ObjectNode body = l.putObject("body");
      body.put("clOrdId", id).put("status", "accepted").put("orderId", orderId).put("filled", filled);
      ArrayNode ev = body.putArray("events");
      ev.addObject().put("type", "ACCEPTED");
      for (int i = 0; i < trades.length; i += 2) {
        ev.addObject().put("type", "TRADE").put("tradeId", trades[i]).put("price", "2000").put("qty", trades[i + 1])
            .put("aggressor", true);
      }
      return h.append(l);
    }

    long fin(String broker, String id, String gw, int http, String side, long qty, long filled, long leaves) {
      ObjectNode l = h.line("final-order");
      l.put("broker", broker).put("clOrdId", id).put("gw", gw).put("http", http);
      ObjectNode b = l.putObject("body");
      if (http == 200) {
        b.put("status", "live").put("side", side).put("price", "2000").put("qty", qty).put("filled", filled)
            .put("leaves", leaves);
      } else {
        b.put("status", "refused").put("code", "UNKNOWN_CLORDID");
      }
      return h.append(l);
    }

    long book(long volume) {
      ObjectNode l = h.line("final-book");
      l.put("symbol", "7203").put("http", 200).put("baselineVolume", 0).put("volume", volume);
      return h.append(l);
    }

    long fault(int step, String action, String target) {
      ObjectNode l = h.line("fault");
      l.put("step", step).put("phase", "start").put("action", action).put("describe", action + " " + target)
          .put("target", target).putArray("affected").add("7203");
      long s = h.append(l);
      ObjectNode d = h.line("fault");
      d.put("step", step).put("phase", "done").put("action", action);
      h.append(d);
      return s;
    }

    List<JsonNode> lines() {
      return h.lines();
    }
  }

  /**
   * MM1 rests a sell of 300; NT1 buys 200 against it (trade 1); NT2 buys 100 (trade 2). Everything
   * consistent: MM1 filled 300, NT1 200, NT2 100, the book traded 300.
   */
  static H cleanSession() {
    H s = new H();
    long i1 = s.invoke("MM1", "m-1", "SELL", 300, GW1);
    s.ack("MM1", "m-1", i1, "11", 0);
    long i2 = s.invoke("NT1", "n-1", "BUY", 200, GW1);
    s.ack("NT1", "n-1", i2, "21", 200, 1, 200);
    long i3 = s.invoke("NT2", "x-1", "BUY", 100, GW2);
    s.ack("NT2", "x-1", i3, "31", 100, 2, 100);
    return s;
  }

  static void finals(H s, long mmFilled, long volume) {
    s.fin("MM1", "m-1", GW1, 200, "SELL", 300, mmFilled, 300 - mmFilled);
    s.fin("NT1", "n-1", GW1, 200, "BUY", 200, 200, 0);
    s.fin("NT2", "x-1", GW2, 200, "BUY", 100, 100, 0);
    s.book(volume);
  }

  static Verdict verdict(CheckResult r, String check) {
    return r.verdicts().stream().filter(v -> v.check().equals(check)).findFirst().orElseThrow();
  }

  @Test
  void aCleanSessionPasses() {
    H s = cleanSession();
    finals(s, 300, 300);
    CheckResult r = Checker.check(s.lines(), ALL);
    assertTrue(r.passed(), "verdicts: " + r.verdicts());
    assertEquals(Verdict.Status.NOT_CHECKED, verdict(r, "reference-model").status());
  }

  @Test
  void aLostAcknowledgementFails() {
    H s = cleanSession();
    s.fin("MM1", "m-1", GW1, 200, "SELL", 300, 300, 0);
    s.fin("NT1", "n-1", GW1, 200, "BUY", 200, 200, 0);
    long lost = s.fin("NT2", "x-1", GW2, 404, null, 0, 0, 0);
    s.book(300);
    CheckResult r = Checker.check(s.lines(), ALL);
    Verdict v = verdict(r, "no-lost-ack");
    assertEquals(Verdict.Status.FAIL, v.status(), v.summary());
    assertTrue(v.summary().contains("x-1"), v.summary());
    assertTrue(v.lines().contains(lost), "cites the final lookup: " + v.lines());
    assertFalse(r.passed());
  }

  @Test
  void anAcknowledgementTheBookDeniesAfterItsGatewayRestartedIsLost() {
    // the final lookup names the symbol, so the restarted gateway asks the book: its 404 is the book's
    H s = cleanSession();
    gatewayKilledAndX1NotFound(s);
    CheckResult r = Checker.check(s.lines(), ALL);
    assertEquals(Verdict.Status.FAIL, verdict(r, "no-lost-ack").status());
    assertEquals(Verdict.Status.FAIL, verdict(r, "lookup-after-failover").status());
    assertEquals(Verdict.Status.FAIL, verdict(r, "fills-match-book-volume").status());
    assertFalse(r.passed());
  }

  /** node-4 (GW2) killed; every order found but NT2's x-1, which GW2 answers 404. */
  private static void gatewayKilledAndX1NotFound(H s) {
    s.fault(1, "kill", "node-4");
    s.fin("MM1", "m-1", GW1, 200, "SELL", 300, 300, 0);
    s.fin("NT1", "n-1", GW1, 200, "BUY", 200, 200, 0);
    s.fin("NT2", "x-1", GW2, 404, null, 0, 0, 0);
    s.book(300);
  }

  @Test
  void withoutASymbolARestartedGatewaysUnknownSaysNothing() {
    H s = cleanSession();
    for (JsonNode l : s.lines()) {
      if ("x-1".equals(l.path("clOrdId").asText())) {
        ((ObjectNode) l).remove("symbol"); // a lookup by ClOrdID alone: only the gateway's memory
      }
    }
    gatewayKilledAndX1NotFound(s);
    CheckResult r = Checker.check(s.lines(), ALL);
    assertEquals(Verdict.Status.PASS, verdict(r, "no-lost-ack").status());
    assertEquals(Verdict.Status.FAIL, verdict(r, "lookup-after-failover").status());
    assertEquals(Verdict.Status.NOT_CHECKED, verdict(r, "fills-match-book-volume").status());
  }

  @Test
  void anUnansweredOrderTheBookNeverGotCountsNoFillsAfterItsGatewayRestarted() {
    // rolling-restart: an IOC sent to node-1 while it left, the connection closed unanswered; the
    // final lookup through the restarted node-1 names the symbol and the book does not know it
    H s = cleanSession();
    long i4 = s.invoke("NT3", "g-1", "BUY", 200, GW1);
    ObjectNode f = s.h.line("fail");
    f.put("broker", "NT3").put("op", "new").put("clOrdId", "g-1").put("attempt", 1).put("invoke", i4)
        .put("ms", 470).put("error", "IOException: HTTP/1.1 header parser received no bytes");
    s.h.append(f);
    s.fault(1, "restart", "node-1");
    finals(s, 300, 300);
    s.fin("NT3", "g-1", GW1, 404, null, 0, 0, 0);
    CheckResult r = Checker.check(s.lines(), ALL);
    Verdict fills = verdict(r, "fills-match-book-volume");
    assertEquals(Verdict.Status.PASS, fills.status(), fills.summary());
    assertEquals(Verdict.Status.PASS, verdict(r, "no-lost-ack").status());
    assertEquals(Verdict.Status.PASS, verdict(r, "lookup-after-failover").status());
  }

  @Test
  void aTargetDownedByALaterStepIsNotDetectedForAnEarlierOne() {
    // full-day-soak: "restart node-3" got "detected 414 s", the kill of node-3 at a later step
    H s = cleanSession();
    s.fault(1, "restart", "node-3");
    s.fault(2, "kill", "node-3");
    ObjectNode members = s.h.line("cluster");
    members.put("node", "node-1").put("what", "members").put("view", "node-1 Up, node-2 Up, node-3 Down");
    s.h.append(members);
    finals(s, 300, 300);
    List<FaultRecovery> r = Checker.check(s.lines(), ALL).recoveries();
    assertEquals(-1, r.get(0).detectMillis(), "the restart's target was never reported down before step 2");
    assertTrue(r.get(1).detectMillis() >= 0, "the kill is detected: " + r.get(1));
  }

  @Test
  void fewerFillsAtTheEndThanAnsweredFails() {
    H s = cleanSession();
    s.fin("MM1", "m-1", GW1, 200, "SELL", 300, 300, 0);
    s.fin("NT1", "n-1", GW1, 200, "BUY", 200, 100, 100);
    s.fin("NT2", "x-1", GW2, 200, "BUY", 100, 100, 0);
    s.book(300);
    assertEquals(Verdict.Status.FAIL, verdict(Checker.check(s.lines(), ALL), "no-lost-ack").status());
  }

  @Test
  void oneTradeReportedForTwoOrdersIsADuplicateExecution() {
    H s = cleanSession();
    long i4 = s.invoke("NT1", "n-2", "BUY", 100, GW1);
    long dup = s.ack("NT1", "n-2", i4, "22", 100, 2, 100); // trade 2 again, for another order
    finals(s, 300, 300);
    s.fin("NT1", "n-2", GW1, 200, "BUY", 100, 100, 0);
    CheckResult r = Checker.check(s.lines(), ALL);
    Verdict v = verdict(r, "no-duplicate-execution");
    assertEquals(Verdict.Status.FAIL, v.status(), v.summary());
    assertTrue(v.lines().contains(dup), v.lines().toString());
    // the extra 100 bought also breaks bought = sold = volume
    assertEquals(Verdict.Status.FAIL, verdict(r, "fills-match-book-volume").status());
  }

  @Test
  void anOverfillFails() {
    H s = cleanSession();
    finals(s, 400, 300); // MM1 sold 400 of 300
    CheckResult r = Checker.check(s.lines(), ALL);
    assertEquals(Verdict.Status.FAIL, verdict(r, "no-overfill").status());
    assertFalse(r.passed());
  }

  @Test
  void anAnswerWithMoreTradedThanTheQuantityIsAnOverfill() {
    H s = new H();
    long i = s.invoke("NT1", "n-1", "BUY", 100, GW1);
    s.ack("NT1", "n-1", i, "21", 100, 1, 100, 2, 100);
    s.fin("NT1", "n-1", GW1, 200, "BUY", 100, 100, 0);
    s.book(100);
    assertEquals(Verdict.Status.FAIL, verdict(Checker.check(s.lines(), ALL), "no-overfill").status());
  }

  @Test
  void aResendAnsweredAsAnotherOrderFails() {
    H s = cleanSession();
    long again = s.invoke("NT1", "n-1", "BUY", 200, GW2);
    long second = s.ack("NT1", "n-1", again, "99", 200, 7, 200);
    finals(s, 300, 300);
    Verdict v = verdict(Checker.check(s.lines(), ALL), "resends-never-duplicate");
    assertEquals(Verdict.Status.FAIL, v.status(), v.summary());
    assertTrue(v.lines().contains(second));
  }

  @Test
  void aResendAnsweredWithTheFirstAnswerPasses() {
    H s = cleanSession();
    long again = s.invoke("NT1", "n-1", "BUY", 200, GW2);
    s.ack("NT1", "n-1", again, "21", 200, 1, 200);
    finals(s, 300, 300);
    assertTrue(Checker.check(s.lines(), ALL).passed());
  }

  @Test
  void bookVolumeDifferentFromTheFillsFails() {
    H s = cleanSession();
    finals(s, 300, 400);
    Verdict v = verdict(Checker.check(s.lines(), ALL), "fills-match-book-volume");
    assertEquals(Verdict.Status.FAIL, v.status());
    assertTrue(v.summary().contains("the book traded 400"), v.summary());
  }

  @Test
  void recoveryIsTimedFromTheFaultToTheNextTradeOfTheSymbol() {
    H s = cleanSession();
    long f = s.fault(1, "kill", "node-3");
    long i = s.invoke("NT1", "n-5", "BUY", 100, GW1);
    s.ack("NT1", "n-5", i, "25", 100, 9, 100);
    finals(s, 300, 400);
    s.fin("NT1", "n-5", GW1, 200, "BUY", 100, 100, 0);
    CheckResult r = Checker.check(s.lines(), ALL);
    assertEquals(1, r.recoveries().size());
    FaultRecovery fr = r.recoveries().get(0);
    assertTrue(fr.applied());
    assertTrue(fr.recoveredMillis() >= 0, "7203 traded again");
    assertEquals(f, fr.lines().get(0));
    assertEquals(Verdict.Status.PASS, verdict(r, "recovery-time").status());
  }

  @Test
  void aSymbolThatNeverTradesAgainFailsTheRecoveryTime() {
    H s = cleanSession();
    s.fault(1, "kill", "node-3");
    finals(s, 300, 300);
    CheckResult r = Checker.check(s.lines(), ALL);
    assertEquals(-1, r.recoveries().get(0).recoveredMillis());
    assertEquals(Verdict.Status.FAIL, verdict(r, "recovery-time").status());
  }
}
