package io.kabuto.scenario.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Side;
import io.kabuto.scenario.history.FeedCapture;
import io.kabuto.scenario.history.History;
import io.kabuto.scenario.journal.BookJournal;
import io.kabuto.scenario.journal.JournalEntry;
import io.kabuto.scenario.journal.StoredJournal;
import io.kabuto.scenario.model.Expectations;
import io.kabuto.scenario.model.Invariant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The journal checks on hand-made sessions: a clean one passes every check; a divergent journal,
 * an acknowledged order missing from the journal, a gap or a wrong message in the feed, a trade
 * while halted and a journal the matching core does not reproduce each fail the right check.
 */
class JournalChecksTest {
  static final Expectations ALL = new Expectations(EnumSet.allOf(Invariant.class), 30, -1);
  static final String[] REPLICAS = {"node-1", "node-2", "node-3"};

  /**
   * Rest a sell, trade it, rest another; halt; cancel it during the halt; resume (HALTED, then
   * CONTINUOUS); rest a buy. The feed is written out by hand from the rule OrderBook documents.
   */
  static JournalSession cleanSession() {
    JournalSession s = new JournalSession();
    s.place("B1", "a1", Side.SELL, 2000, 100);
    s.place("B2", "b1", Side.BUY, 2000, 100);
    s.place("B1", "a2", Side.SELL, 2010, 100);
    s.fault(1, "halt", "start");
    s.fault(1, "halt", "done");
    s.cancel("B1", "a2");
    s.fault(2, "resume-market", "start");
    s.phase(Phase.HALTED);
    s.phase(Phase.CONTINUOUS);
    s.fault(2, "resume-market", "done");
    s.place("B2", "b2", Side.BUY, 2000, 100);
    return s;
  }

  static List<JsonNode> cleanFeed(JournalSession s) {
    long t = 9 * 3600_000L;
    List<JsonNode> f = new ArrayList<>();
    f.add(top(1, t, 1, null, "2000", 100));
    f.add(trade(2, t + 1, 2, 1, "2000", 100, "BUY"));
    f.add(top(3, t + 1, 2, null, null, 0));
    f.add(top(4, t + 2, 3, null, "2010", 100));
    f.add(top(5, t + 3, 4, null, null, 0));
    f.add(status(6, t + 4, 5, "HALTED"));
    f.add(status(7, t + 5, 6, "CONTINUOUS"));
    f.add(top(8, t + 6, 7, "2000", null, 100));
    return f;
  }

  static Map<String, FeedCapture> feeds(List<JsonNode> msgs) {
    long last = msgs.isEmpty() ? 0 : msgs.get(msgs.size() - 1).path("seq").asLong();
    return Map.of(JournalSession.SYMBOL, new FeedCapture(JournalSession.SYMBOL, JournalSession.GW, 1, last, msgs, null));
  }

  static Verdict verdict(CheckResult r, String check) {
    return r.verdicts().stream().filter(v -> v.check().equals(check)).findFirst()
        .orElseThrow(() -> new AssertionError("no verdict " + check + " in " + r.verdicts()));
  }

  static CheckResult check(JournalSession s, StoredJournal j, List<JsonNode> feed) {
    return Checker.check(s.lines(), ALL, new FinalState(j, feeds(feed), null));
  }

  @Test
  void aCleanSessionPassesEveryJournalCheck() {
    JournalSession s = cleanSession();
    CheckResult r = check(s, s.journal(REPLICAS), cleanFeed(s));
    for (String c : List.of("reference-model", "no-divergent-incarnations", "market-data-equal-to-journal",
        "no-execution-while-halted")) {
      Verdict v = verdict(r, c);
      assertEquals(Verdict.Status.PASS, v.status(), c + ": " + v.summary());
    }
    assertTrue(verdict(r, "no-execution-while-halted").summary().contains("1 located in the journal"),
        verdict(r, "no-execution-while-halted").summary());
    assertTrue(verdict(r, "reference-model").summary().contains("7 persisted commands"),
        verdict(r, "reference-model").summary());
  }

  @Test
  void withoutTheFinalStateTheJournalChecksAreNotChecked() {
    CheckResult r = Checker.check(cleanSession().lines(), ALL);
    assertEquals(Verdict.Status.NOT_CHECKED, verdict(r, "reference-model").status());
    assertEquals(Verdict.Status.NOT_CHECKED, verdict(r, "no-divergent-incarnations").status());
  }

  @Test
  void twoIncarnationsThatBothAcknowledgedTheSameSeqNrFail() {
    JournalSession s = new JournalSession();
    s.place("B1", "a1", Side.SELL, 2010, 100);
    // with fencing off two incarnations of the book both take a command at the next seqNr
    JournalSession.Sent x = s.send("B1", "a2", Side.BUY, 1990, 100);
    JournalSession.Sent y = s.send("B2", "b1", Side.SELL, 2020, 200);
    OrderBook.Applied other = s.ackAside(y);
    s.ack(x);
    Map<String, List<JournalEntry>> by = new LinkedHashMap<>();
    by.put("node-1", JournalSession.entries("node-1", s.events, 1, "writer-1"));
    List<Object> second = new ArrayList<>(s.events.subList(0, s.events.size() - 1));
    second.add(other);
    List<JournalEntry> node2 = new ArrayList<>(JournalSession.entries("node-2", second, 1, "writer-1"));
    JournalEntry last = node2.remove(node2.size() - 1);
    node2.add(new JournalEntry("node-2", last.seqNr(), 1, "writer-2", other, 100));
    by.put("node-2", node2);
    StoredJournal j = new StoredJournal(Map.of("7203", new BookJournal("7203", by)), List.of("node-1", "node-2"), List.of());

    Verdict v = verdict(check(s, j, List.of()), "no-divergent-incarnations");
    assertEquals(Verdict.Status.FAIL, v.status());
    assertEquals(2, v.violations(), v.summary());
    // the cause leads (two writers acknowledged at seqNr 3), then the effect (B2's order is not in
    // the merged journal): two violations
    assertTrue(v.summary().contains("first: book 7203 seqNr 3: two incarnations both acknowledged")
        && v.summary().contains("answered to B2 b1") && v.summary().contains("answered to B1 a2"), v.summary());

    // the divergence itself, alone: node-2's version is what B2 was told, node-1's what B1 was told
    CheckResult r = check(s, j, List.of());
    Verdict again = verdict(r, "no-divergent-incarnations");
    assertTrue(again.lines().size() >= 3, "cites the answers: " + again.lines());
  }

  @Test
  void theDivergenceMessageNamesBookSeqNrAndEpochs() {
    JournalSession s = new JournalSession();
    s.place("B1", "a1", Side.SELL, 2010, 100);
    JournalSession.Sent x = s.send("B1", "a2", Side.BUY, 1990, 100);
    JournalSession.Sent y = s.send("B2", "b1", Side.SELL, 2020, 200);
    OrderBook.Applied other = s.ackAside(y);
    s.ack(x);
    // node-2 has the other incarnation's entry under a higher epoch: it wins the merge, so only
    // the divergence (not a missing order of B2) is left... and B1's order is the missing one
    Map<String, List<JournalEntry>> by = new LinkedHashMap<>();
    by.put("node-1", JournalSession.entries("node-1", s.events, 1, "writer-1"));
    List<JournalEntry> node2 = new ArrayList<>(JournalSession.entries("node-2", s.events, 1, "writer-1"));
    node2.set(node2.size() - 1, new JournalEntry("node-2", 3, 2, "writer-2", other, 100));
    by.put("node-2", node2);
    StoredJournal j = new StoredJournal(Map.of("7203", new BookJournal("7203", by)), List.of("node-1", "node-2"), List.of());
    Verdict v = verdict(check(s, j, List.of()), "no-divergent-incarnations");
    assertEquals(Verdict.Status.FAIL, v.status());
    String all = v.summary();
    assertTrue(all.contains("seqNr 3") && all.contains("node-2 epoch 2 (writer writer-2) answered to B2 b1")
        && all.contains("node-1 epoch 1 (writer writer-1) answered to B1 a2"), all);
    // and B1's missing order is the second violation
    assertEquals(2, v.violations(), all);
  }

  @Test
  void replicasThatDifferOnlyWhereNothingWasAcknowledgedPass() {
    JournalSession s = cleanSession();
    StoredJournal j = s.journal(REPLICAS);
    // node-3 also holds an entry past the end that a dying incarnation wrote and never answered
    Map<String, List<JournalEntry>> by = new LinkedHashMap<>(j.books().get("7203").byReplica());
    List<JournalEntry> n3 = new ArrayList<>(by.get("node-3"));
    JournalSession.Sent lost = s.send("B9", "z1", Side.BUY, 1990, 100);
    OrderBook.Applied unanswered = new OrderBook.Applied(s.seq + 1, s.ackAside(lost).events());
    n3.add(new JournalEntry("node-3", n3.size() + 1, 1, "writer-0", unanswered, 100));
    by.put("node-3", n3);
    // ...but the history has no answer for it: drop the ok line the helper wrote
    List<JsonNode> lines = new ArrayList<>(s.lines());
    lines.removeIf(l -> "ok".equals(l.path("type").asText()) && "z1".equals(l.path("clOrdId").asText()));
    CheckResult r = Checker.check(lines, ALL, new FinalState(new StoredJournal(Map.of("7203",
        new BookJournal("7203", by)), List.of(REPLICAS), List.of()), feeds(cleanFeed(s)), null));
    // the merged journal now has the extra entry: the feed no longer matches, the rest holds
    assertEquals(Verdict.Status.PASS, verdict(r, "no-divergent-incarnations").status(),
        verdict(r, "no-divergent-incarnations").summary());
    assertEquals(Verdict.Status.PASS, verdict(r, "reference-model").status(), verdict(r, "reference-model").summary());
  }

  @Test
  void aGapInTheFeedFails() {
    JournalSession s = cleanSession();
    List<JsonNode> feed = new ArrayList<>(cleanFeed(s));
    feed.remove(4);
    Verdict v = verdict(check(s, s.journal(REPLICAS), feed), "market-data-equal-to-journal");
    assertEquals(Verdict.Status.FAIL, v.status());
    assertTrue(v.summary().contains("gap in the feed: message 6 follows 4"), v.summary());
  }

  @Test
  void aFeedMessageThatDiffersFromTheJournalFails() {
    JournalSession s = cleanSession();
    List<JsonNode> feed = new ArrayList<>(cleanFeed(s));
    ((ObjectNode) feed.get(1)).put("qty", 200);
    Verdict v = verdict(check(s, s.journal(REPLICAS), feed), "market-data-equal-to-journal");
    assertEquals(Verdict.Status.FAIL, v.status());
    assertTrue(v.summary().contains("message 2") && v.summary().contains("qty=200"), v.summary());
  }

  @Test
  void aFeedShorterThanTheJournalFails() {
    JournalSession s = cleanSession();
    List<JsonNode> feed = new ArrayList<>(cleanFeed(s));
    feed.remove(feed.size() - 1);
    Verdict v = verdict(check(s, s.journal(REPLICAS), feed), "market-data-equal-to-journal");
    assertEquals(Verdict.Status.FAIL, v.status());
    assertTrue(v.summary().contains("implies 8 messages"), v.summary());
  }

  @Test
  void aTradePersistedAfterTheHaltWasConfirmedFails() {
    JournalSession s = new JournalSession();
    s.place("B1", "a1", Side.SELL, 2010, 100);
    s.place("B1", "a2", Side.SELL, 2020, 100);
    JournalSession.Sent early = s.send("B2", "b1", Side.BUY, 2010, 100); // sent before the halt
    s.fault(1, "halt", "start");
    s.fault(1, "halt", "done");
    s.cancel("B1", "a2"); // during the halt: persisted after it was in force
    s.ack(early); // ... and then this one traded in the halted book
    s.fault(2, "resume-market", "start");
    s.phase(Phase.HALTED);
    s.phase(Phase.CONTINUOUS);
    Verdict v = verdict(check(s, s.journal(REPLICAS), List.of()), "no-execution-while-halted");
    assertEquals(Verdict.Status.FAIL, v.status());
    assertTrue(v.summary().contains("book 7203 seq 4") && v.summary().contains("persisted while halted"), v.summary());
  }

  @Test
  void anOrderSentDuringTheHaltThatTradedFails() {
    JournalSession s = new JournalSession();
    s.place("B1", "a1", Side.SELL, 2010, 100);
    s.fault(1, "halt", "start");
    s.fault(1, "halt", "done");
    s.place("B2", "b1", Side.BUY, 2010, 100);
    Verdict v = verdict(check(s, s.journal(REPLICAS), List.of()), "no-execution-while-halted");
    assertEquals(Verdict.Status.FAIL, v.status());
    assertEquals(2, v.violations(), v.summary()); // the answer, and the journal entry
    assertTrue(v.summary().contains("B2 b1 was sent after the halt of 7203 was confirmed"), v.summary());
  }

  @Test
  void anOrderSentDuringARulesHaltThatTradedFails() {
    // tse-2020-10-01-legacy: the pre-agreed rule halts the books, no halt step asked for it
    JournalSession s = new JournalSession();
    s.place("B1", "a1", Side.SELL, 2010, 100);
    s.market(false, "7203");
    s.market(true, "7203");
    s.place("B2", "b1", Side.BUY, 2010, 100);
    Verdict v = verdict(check(s, s.journal(REPLICAS), List.of()), "no-execution-while-halted");
    assertEquals(Verdict.Status.FAIL, v.status(), v.summary());
    assertTrue(v.summary().contains("B2 b1 was sent after the halt of 7203 was confirmed"), v.summary());
  }

  @Test
  void aMarketWideRulesHaltWithNothingTradedPasses() {
    JournalSession s = new JournalSession();
    s.place("B1", "a1", Side.SELL, 2010, 100);
    s.market(true, "market");
    Verdict v = verdict(check(s, s.journal(REPLICAS), List.of()), "no-execution-while-halted");
    assertEquals(Verdict.Status.PASS, v.status(), v.summary());
    assertTrue(v.summary().startsWith("1 halted books"), v.summary());
  }

  @Test
  void tradesAfterARulesHaltIsLiftedAreFine() {
    JournalSession s = new JournalSession();
    s.place("B1", "a1", Side.SELL, 2010, 100);
    s.market(true, "7203");
    s.market(true);
    s.place("B2", "b1", Side.BUY, 2010, 100);
    Verdict v = verdict(check(s, s.journal(REPLICAS), List.of()), "no-execution-while-halted");
    assertEquals(Verdict.Status.PASS, v.status(), v.summary());
  }

  @Test
  void tradesAfterTheResumeAreFine() {
    JournalSession s = cleanSession();
    s.place("B1", "a3", Side.SELL, 2000, 100); // trades with b2, after the resume
    Verdict v = verdict(check(s, s.journal(REPLICAS), List.of()), "no-execution-while-halted");
    assertEquals(Verdict.Status.PASS, v.status(), v.summary());
  }

  @Test
  void aJournalTheMatchingCoreDoesNotReproduceFails() {
    JournalSession s = cleanSession();
    // the persisted trade of seq 2 says 50 shares where the core trades 100
    OrderBook.Applied a = (OrderBook.Applied) s.events.get(2);
    List<OrderBook.EventData> changed = new ArrayList<>();
    for (OrderBook.EventData e : a.events()) {
      changed.add(e.type() != io.kabuto.matching.EventType.TRADE ? e : new OrderBook.EventData(e.type(), e.time(),
          e.tradeId(), e.orderId(), e.otherOrderId(), e.participant(), e.otherParticipant(), e.side(), e.orderType(),
          e.tif(), e.price(), e.price2(), 50, e.leaves() + 50, e.otherLeaves() + 50, e.code(), e.aux()));
    }
    s.events.set(2, new OrderBook.Applied(2, changed));
    Verdict v = verdict(check(s, s.journal(REPLICAS), cleanFeed(s)), "reference-model");
    assertEquals(Verdict.Status.FAIL, v.status());
    assertTrue(v.summary().contains("book 7203 seq 2") && v.summary().contains("differs"), v.summary());
  }

  @Test
  void aMissingCommandFailsTheReferenceModel() {
    JournalSession s = cleanSession();
    s.events.remove(3); // seq 3 lost: later seqs no longer follow
    Verdict v = verdict(check(s, s.journal(REPLICAS), List.of()), "reference-model");
    assertEquals(Verdict.Status.FAIL, v.status());
    assertTrue(v.summary().contains("not one book history"), v.summary());
  }

  // ---------------------------------------------------------------- feed JSON, as the gateway writes it

  static ObjectNode msg(long seq, String kind, long time, long bookSeq) {
    ObjectNode m = History.JSON.createObjectNode();
    m.put("type", "market-data").put("symbol", "7203").put("seq", seq).put("kind", kind).put("time", time)
        .put("bookSeq", bookSeq);
    return m;
  }

  static ObjectNode trade(long seq, long time, long bookSeq, long tradeId, String price, long qty, String aggressor) {
    return msg(seq, "TRADE", time, bookSeq).put("tradeId", tradeId).put("price", price).put("qty", qty)
        .put("aggressor", aggressor);
  }

  static ObjectNode top(long seq, long time, long bookSeq, String bid, String ask, long qty) {
    ObjectNode m = msg(seq, "TOP", time, bookSeq);
    if (bid == null) {
      m.putNull("bid");
    } else {
      m.putObject("bid").put("price", bid).put("qty", qty);
    }
    if (ask == null) {
      m.putNull("ask");
    } else {
      m.putObject("ask").put("price", ask).put("qty", qty);
    }
    return m;
  }

  static ObjectNode status(long seq, long time, long bookSeq, String phase) {
    return msg(seq, "STATUS", time, bookSeq).put("phase", phase).put("halted", false);
  }
}
