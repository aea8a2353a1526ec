package io.kabuto.scenario.check;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.matching.EventType;
import io.kabuto.scenario.history.History;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An incoming sell that meets a special quote rests and is then filled by the itayose in the same
 * command (auction trades, no aggressor). Over HTTP the answer lists those trades; a FIX broker
 * gets them as fills of their own, so its answer ends at RESTED (seen in CI: "the broker was told
 * 2 events, the journal has 4").
 */
class AnswersTest {
  static final long ID = 14366155706872524L;

  static EventData event(EventType type, long tradeId, long other, int side, long leaves) {
    return new EventData(type, 1_000, tradeId, type == EventType.TRADE ? other : ID,
        type == EventType.TRADE ? ID : 0, 3, 4, side, 0, 0, 4430, 0, 200, leaves, 300, 0, 0);
  }

  static final List<EventData> JOURNAL = List.of(
      event(EventType.ACCEPTED, 0, 0, 1, 500),
      event(EventType.RESTED, 0, 0, 1, 500),
      event(EventType.TRADE, 74, 999, -1, 0),
      event(EventType.TRADE, 75, 998, -1, 0));

  static ObjectNode ack(String... types) {
    ObjectNode l = History.JSON.createObjectNode();
    ArrayNode ev = l.putObject("body").putArray("events");
    for (String t : types) {
      ObjectNode e = ev.addObject().put("type", t);
      if (t.equals("TRADE")) {
        e.put("tradeId", 74).put("qty", 200).put("price", "443");
      }
    }
    return l;
  }

  @Test
  void aFixAnswerLeavesOutTheAuctionFillsOfItsCommand() {
    assertNull(Answers.diff(ack("ACCEPTED", "RESTED"), Answers.toldOverFix(JOURNAL)));
  }

  @Test
  void anHttpAnswerMustListThem() {
    assertNotNull(Answers.diff(ack("ACCEPTED", "RESTED"), JOURNAL));
  }

  @Test
  void aFixAnswerStillListsTheTradesItsOrderTookAsAggressor() {
    List<EventData> took = List.of(event(EventType.ACCEPTED, 0, 0, 1, 500),
        event(EventType.TRADE, 74, 999, 1, 300));
    assertNotNull(Answers.diff(ack("ACCEPTED"), Answers.toldOverFix(took)));
    assertNull(Answers.diff(ack("ACCEPTED", "TRADE"), Answers.toldOverFix(took)));
  }
}
