package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.EventType;
import io.kabuto.matching.Prices;
import java.util.ArrayList;
import java.util.List;

/** A broker's answer (the gateway's JSON events) against the journal's events for that order. */
final class Answers {
  private Answers() {}

  /** The events of a command that concern one order, in order. */
  static List<OrderBook.EventData> about(OrderBook.Applied a, long orderId) {
    List<OrderBook.EventData> mine = new ArrayList<>();
    for (OrderBook.EventData e : a.events()) {
      if (e.concerns(orderId)) {
        mine.add(e);
      }
    }
    return mine;
  }

  /**
   * The events of {@code mine} a FIX broker's answer holds: its ExecutionReports carry no end of
   * the answer, so the broker counts only the fills in which its order removed liquidity (see
   * the scenario broker's FixAnswer); an auction trade in the same command (an incoming order
   * meeting a special quote, which runs an itayose) has no aggressor and reaches the broker as a
   * fill of its own.
   */
  static List<OrderBook.EventData> toldOverFix(List<OrderBook.EventData> mine) {
    List<OrderBook.EventData> out = new ArrayList<>();
    for (OrderBook.EventData e : mine) {
      if (e.type() != EventType.TRADE || e.sideValue() != null) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Null if the answer's events are the journal's (type and time; trades also id, price and
   * quantity), else how they differ.
   */
  static String diff(JsonNode ack, List<OrderBook.EventData> journal) {
    JsonNode told = ack.path("body").path("events");
    if (told.size() != journal.size()) {
      return "the broker was told " + told.size() + " events, the journal has " + journal.size() + " for it ("
          + String.join("; ", journal.stream().map(OrderBook.EventData::describe).toList()) + ")";
    }
    for (int i = 0; i < journal.size(); i++) {
      OrderBook.EventData e = journal.get(i);
      JsonNode t = told.get(i);
      boolean same = e.type().name().equals(t.path("type").asText())
          && (!t.has("time") || t.path("time").asLong() == e.time())
          && (e.type() != EventType.TRADE || (e.tradeId() == t.path("tradeId").asLong()
              && e.qty() == t.path("qty").asLong() && Prices.format(e.price()).equals(t.path("price").asText())));
      if (!same) {
        return "event " + (i + 1) + ": told " + t + ", the journal has " + e.describe();
      }
    }
    return null;
  }
}
