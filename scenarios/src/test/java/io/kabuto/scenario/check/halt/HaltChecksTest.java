package io.kabuto.scenario.check.halt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.scenario.check.Verdict;
import io.kabuto.scenario.model.HaltExpectation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Hand-made histories: each check passes on a good one and fails, naming why, on a bad one. */
class HaltChecksTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HaltExpectation WITHIN_20 = new HaltExpectation(HaltExpectation.Kind.WITHIN, 1, 20);

  private final List<JsonNode> h = new ArrayList<>();

  private ObjectNode add(long t, String type) {
    ObjectNode n = JSON.createObjectNode();
    n.put("seq", h.size() + 1);
    n.put("t", t);
    n.put("sim", 30_600_000L + t * 150);
    n.put("type", type);
    h.add(n);
    return n;
  }

  private void fault(long t, String describe, String target) {
    ObjectNode f = add(t, "fault");
    f.put("step", 1);
    f.put("phase", "start");
    f.put("action", "storage-fault");
    f.put("describe", describe);
    f.put("target", target);
    ObjectNode d = add(t + 10, "fault");
    d.put("step", 1);
    d.put("phase", "done");
    d.put("action", "storage-fault");
  }

  private void market(long t, boolean confirmed, String... inForce) {
    ObjectNode m = add(t, "market");
    List.of(inForce).forEach(m.putArray("inForce")::add);
    m.put("confirmed", confirmed);
    var halts = m.putArray("halts");
    for (String s : inForce) {
      halts.addObject().put("scope", s).put("halted", true).put("reason", "rule: book not answering for 10 s")
          .put("by", "rule:book-unavailable");
    }
  }

  private void storage(long t, String summary, int quorum, int seen, String... active) {
    ObjectNode s = add(t, "storage");
    s.put("summary", summary);
    s.put("quorum", quorum);
    s.put("seen", seen);
    List.of(active).forEach(s.putArray("active")::add);
    s.put("writable", seen >= quorum && active.length > 0);
  }

  /** A new order sent at t, answered at t + 5 with an HTTP status and events. */
  private void order(long t, String clOrdId, String symbol, int http, String code, String... events) {
    ObjectNode inv = add(t, "invoke");
    inv.put("broker", "NT1");
    inv.put("op", "new");
    inv.put("clOrdId", clOrdId);
    inv.put("symbol", symbol);
    ObjectNode ok = add(t + 5, "ok");
    ok.put("broker", "NT1");
    ok.put("op", "new");
    ok.put("clOrdId", clOrdId);
    ok.put("invoke", inv.path("seq").asLong());
    ok.put("http", http);
    ObjectNode body = ok.putObject("body");
    if (code != null) {
      body.put("code", code);
    }
    var ev = body.putArray("events");
    for (String e : events) {
      ev.addObject().put("type", e);
    }
  }

  private Map<String, Verdict> check(HaltExpectation e) {
    return HaltChecks.check(h, e, 30).stream().collect(Collectors.toMap(Verdict::check, v -> v));
  }

  @Test
  void legacyNoTakeoverFailsStorageFailoverAndNamesTheCause() {
    storage(0, "node-1=up-to-date node-2=up-to-date/standby", 1, 2, "node-1");
    market(0, false);
    order(100, "a", "7203", 200, null, "ACCEPTED");
    fault(1000, "08:30:00 storage-fault node-1 PANIC", "node-1");
    storage(3000, "node-1=unreachable node-2=up-to-date/standby", 1, 1);
    market(12_000, false, "7203");
    market(12_500, true, "7203");
    order(13_000, "b", "7203", 422, "MARKET_HALTED");
    order(14_000, "c", "6758", 200, null, "ACCEPTED", "TRADE"); // another symbol, not halted
    storage(40_000, "node-1=unreachable node-2=up-to-date/standby", 1, 1);
    Map<String, Verdict> v = check(WITHIN_20);

    Verdict storage = v.get("storage-failover");
    assertEquals(Verdict.Status.FAIL, storage.status(), storage.summary());
    assertTrue(storage.summary().contains("no takeover"), storage.summary());
    assertTrue(storage.summary().contains("the standby of the legacy pair never became active"), storage.summary());
    assertEquals(Verdict.Status.PASS, v.get("market-halt").status(), v.get("market-halt").summary());
    assertTrue(v.get("market-halt").summary().contains("11.5 s after step 1"), v.get("market-halt").summary());
    assertEquals(Verdict.Status.PASS, v.get("halted-orders-refused").status());
    assertTrue(v.get("halted-orders-refused").summary().contains("1 orders sent meanwhile"),
        v.get("halted-orders-refused").summary());
  }

  @Test
  void quorumModeSurvivesOneReplica() {
    storage(0, "node-1=up-to-date node-2=up-to-date node-3=up-to-date", 2, 3, "node-1", "node-2", "node-3");
    market(0, false);
    fault(1000, "08:30:00 storage-fault node-1 PANIC", "node-1");
    storage(3000, "node-1=unreachable node-2=up-to-date node-3=up-to-date", 2, 2, "node-2", "node-3");
    order(4000, "a", "7203", 200, null, "TRADE");
    Map<String, Verdict> v = check(HaltExpectation.NEVER);
    assertEquals(Verdict.Status.PASS, v.get("storage-failover").status(), v.get("storage-failover").summary());
    assertEquals(Verdict.Status.PASS, v.get("market-halt").status());
    assertEquals(Verdict.Status.PASS, v.get("halted-orders-refused").status());
  }

  @Test
  void losingTheQuorumFailsStorageFailover() {
    storage(0, "node-1=up-to-date node-2=up-to-date node-3=up-to-date", 2, 3, "node-1", "node-2", "node-3");
    fault(1000, "08:30:00 storage-fault node-1 PANIC", "node-1");
    storage(3000, "node-1=unreachable node-2=up-to-date node-3=unreachable", 2, 1, "node-2");
    Verdict v = check(HaltExpectation.ANY).get("storage-failover");
    assertEquals(Verdict.Status.FAIL, v.status());
    assertTrue(v.summary().contains("fewer than a quorum (2)"), v.summary());
  }

  @Test
  void aHaltWhenNoneIsExpectedFails() {
    market(0, false);
    fault(1000, "08:30:00 storage-fault node-1 PANIC", "node-1");
    market(5000, true, "market");
    Verdict v = check(HaltExpectation.NEVER).get("market-halt");
    assertEquals(Verdict.Status.FAIL, v.status());
    assertTrue(v.summary().contains("a halt of market was in force"), v.summary());
  }

  @Test
  void aHaltTooLateOrNeverFails() {
    market(0, false);
    fault(1000, "08:30:00 storage-fault node-1 PANIC", "node-1");
    assertEquals(Verdict.Status.FAIL, check(WITHIN_20).get("market-halt").status(), "never halted");
    market(30_000, true, "market");
    Verdict late = check(WITHIN_20).get("market-halt");
    assertEquals(Verdict.Status.FAIL, late.status());
    assertTrue(late.summary().contains("29.0 s after step 1, limit 20.0 s"), late.summary());
  }

  @Test
  void anOrderAcceptedOrExecutedDuringAConfirmedHaltFails() {
    market(0, true, "market");
    order(100, "x", "7203", 200, null, "ACCEPTED");
    Verdict accepted = check(HaltExpectation.ANY).get("halted-orders-refused");
    assertEquals(Verdict.Status.FAIL, accepted.status());
    assertTrue(accepted.summary().contains("accepted (it must be refused with MARKET_HALTED)"), accepted.summary());

    h.clear();
    market(0, true, "7203");
    order(100, "y", "7203", 422, "INVALID", "TRADE");
    Verdict traded = check(HaltExpectation.ANY).get("halted-orders-refused");
    assertEquals(Verdict.Status.FAIL, traded.status());
    assertTrue(traded.summary().contains("and executed"), traded.summary());
  }

  @Test
  void anUnconfirmedOrLiftedHaltDoesNotCount() {
    market(0, false, "7203"); // written, not yet confirmed by every node
    order(100, "a", "7203", 200, null, "TRADE");
    market(200, true, "7203");
    market(300, true); // resumed
    order(400, "b", "7203", 200, null, "TRADE");
    assertEquals(Verdict.Status.PASS, check(HaltExpectation.ANY).get("halted-orders-refused").status());
  }
}
