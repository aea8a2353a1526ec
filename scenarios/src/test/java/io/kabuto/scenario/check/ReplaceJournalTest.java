package io.kabuto.scenario.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.Side;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * reference-model over sessions with replaces, made by a real matching core: an acknowledged
 * replace must be a modify in the journal with the replace's terms and the events the broker was
 * told; an acknowledged replace the journal does not have is lost.
 */
class ReplaceJournalTest {

  /** B1 rests a sell of 300 @ 2010, B2 bids 100 @ 2000; B1 reprices to 2000 (trades 100) and then shrinks to 250. */
  static JournalSession session() {
    JournalSession s = new JournalSession();
    s.place("B1", "a1", Side.SELL, 2010, 300);
    s.place("B2", "b1", Side.BUY, 2000, 100);
    s.replace("B1", "a1", "a1-r1", 2000, 300);
    s.replace("B1", "a1", "a1-r2", 2000, 250);
    return s;
  }

  static Verdict reference(List<JsonNode> history, JournalSession s, List<Object> journal) {
    List<Object> saved = new ArrayList<>(s.events);
    List<Object> stored = new ArrayList<>(journal);
    s.events.clear();
    s.events.addAll(stored);
    try {
      CheckResult r = Checker.check(history, JournalChecksTest.ALL,
          new FinalState(s.journal(JournalChecksTest.REPLICAS), Map.of(), null));
      return JournalChecksTest.verdict(r, ReferenceModelCheck.WORD);
    } finally {
      s.events.clear();
      s.events.addAll(saved);
    }
  }

  @Test
  void replacesThatAreTheJournalsModifiesPass() {
    JournalSession s = session();
    Verdict v = reference(s.lines(), s, s.events);
    assertEquals(Verdict.Status.PASS, v.status(), v.summary());
    assertTrue(v.summary().contains("4 answers equal the journal"), "two new orders and two replaces: " + v.summary());
  }

  @Test
  void aReplaceAcknowledgedButMissingFromTheJournalFails() {
    JournalSession s = session();
    List<Object> journal = new ArrayList<>(s.events);
    // the last modify (the shrink to 250, applied in place) never reached the journal; replaying the
    // rest still works, so only the comparison of the answer can tell
    journal.remove(journal.size() - 1);
    Verdict v = reference(s.lines(), s, journal);
    assertEquals(Verdict.Status.FAIL, v.status(), v.summary());
    assertTrue(v.summary().contains("a1-r2") && v.summary().contains("no such modify"), v.summary());
  }

  @Test
  void aReplaceAnswerThatDiffersFromTheJournalFails() {
    JournalSession s = session();
    List<JsonNode> h = new ArrayList<>();
    for (JsonNode l : s.lines()) {
      if (l.path("op").asText().equals("replace") && l.path("clOrdId").asText().equals("a1-r1")
          && l.path("type").asText().equals("ok")) {
        ObjectNode told = l.deepCopy();
        ((ObjectNode) told.path("body").path("events").get(1)).put("tradeId", 99); // a trade the book never made
        h.add(told);
      } else {
        h.add(l);
      }
    }
    Verdict v = reference(h, s, s.events);
    assertEquals(Verdict.Status.FAIL, v.status(), v.summary());
    assertTrue(v.summary().contains("a1-r1"), v.summary());
  }

  @Test
  void theJournalsModifyHasTheEventsTheSessionWrote() {
    JournalSession s = session();
    OrderBook.Applied cross = (OrderBook.Applied) s.events.get(3);
    assertEquals(List.of("REPLACED", "TRADE", "RESTED"),
        cross.events().stream().map(e -> e.type().name()).toList(), "a reprice through the bid trades, then rests");
  }

  @Test
  void aReplaceSentDuringTheHaltThatTradedFails() {
    JournalSession s = new JournalSession();
    s.place("B1", "a1", Side.SELL, 2010, 100);
    s.place("B2", "b1", Side.BUY, 2000, 100);
    s.fault(1, "halt", "start");
    s.fault(1, "halt", "done");
    long ack = s.replace("B1", "a1", "a1-r1", 2000, 100); // the book should have refused it: it trades
    Verdict v = JournalChecksTest.verdict(JournalChecksTest.check(s, s.journal(JournalChecksTest.REPLICAS), List.of()),
        HaltCheck.WORD);
    assertEquals(Verdict.Status.FAIL, v.status(), v.summary());
    assertTrue(v.summary().contains("replace a1-r1 was sent after the halt of 7203"), v.summary());
    assertTrue(v.lines().contains(ack), v.lines().toString());
  }
}
