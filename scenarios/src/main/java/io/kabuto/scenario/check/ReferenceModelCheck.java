package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.Prices;
import java.util.List;
import java.util.Map;

/**
 * reference-model: every book's journal, read back into the commands it records (see {@link
 * Replay}) and re-run on a fresh {@code LimitOrderBook} with the rules of its {@code Opened},
 * reproduces exactly the persisted events; and every answer a broker got equals what the journal
 * says happened to that order in the command that accepted it (same events, trades with the same
 * ids, prices and quantities), for what the broker sent (side, price, quantity); and every
 * acknowledged replace equals a modify of that order in the journal (its REPLACED event at the
 * time the answer gives, or over FIX, which gives none, the next one with the replace's terms)
 * with the replace's price and quantity and the same events.
 *
 * <p>What it proves: the persisted history is one deterministic run of the matching core over the
 * accepted input, whatever the live path, failovers and recoveries did to produce it (a lost,
 * doubled or reordered command, or events from two incarnations mixed, do not replay), and the
 * clients were told exactly that history. It does not judge the core against a second model:
 * the core's own property tests do that.
 */
final class ReferenceModelCheck {
  static final String WORD = "reference-model";

  private ReferenceModelCheck() {}

  static Verdict check(HistoryIndex h, Map<String, BookLog> books) {
    Violations v = new Violations();
    int commands = 0;
    for (BookLog b : books.values()) {
      if (b.problem != null) {
        v.add("book " + b.symbol + ": the merged journal is not one book history: " + b.problem);
      }
      if (b.rules == null) {
        continue;
      }
      Replay r = new Replay(b.rules);
      for (int i = 0; i < b.events.size(); i++) {
        if (!(b.events.get(i) instanceof OrderBook.Applied a)) {
          continue; // a bust does not touch the book
        }
        commands++;
        String diff = r.run(a);
        if (diff != null) {
          v.add("book " + b.symbol + " seq " + a.seq() + " (seqNr " + b.entries.get(i).seqNr() + ", epoch "
              + b.entries.get(i).epoch() + "): " + diff + "; replay of this book stopped here");
          break;
        }
      }
    }
    int answers = 0;
    for (OrderRecord o : h.orders.values()) {
      for (JsonNode ack : o.acks()) {
        BookLog b = books.get(o.symbol());
        long id = ack.path("body").path("orderId").asLong(-1);
        Integer at = b == null ? null : b.acceptedAt.get(id);
        if (at == null) {
          continue; // not in the journal at all: no-divergent-incarnations reports it
        }
        answers++;
        String diff = compareAnswer(o, ack, (OrderBook.Applied) b.events.get(at), id);
        if (diff != null) {
          v.add(o.broker + " " + o.clOrdId + " (order " + id + " of " + o.symbol() + "): " + diff,
              o.invoke.path("seq").asLong(), ack.path("seq").asLong());
        }
      }
    }
    answers += replaces(h, books, v);
    return Verdict.of(WORD, books.size() + " books, " + commands + " persisted commands replayed through the "
        + "matching core with identical events; " + answers + " answers equal the journal", v);
  }

  /** Compares every acknowledged replace with the journal's modify; returns how many it compared. */
  private static int replaces(HistoryIndex h, Map<String, BookLog> books, Violations v) {
    int answers = 0;
    for (OrderRecord o : h.orders.values()) {
      BookLog b = o.invoke == null ? null : books.get(o.symbol());
      if (b == null) {
        continue;
      }
      java.util.Set<Integer> used = new java.util.HashSet<>();
      for (ReplaceRecord x : o.replaces) {
        for (JsonNode ack : x.acks()) {
          long id = ack.path("body").path("orderId").asLong(-1);
          if (!b.acceptedAt.containsKey(id)) {
            continue; // the order is not in the journal at all: no-divergent-incarnations reports it
          }
          answers++;
          JsonNode told = ReplaceRecord.replacedEvent(ack);
          Integer at = null;
          for (int i : b.replacedAt.getOrDefault(id, List.of())) {
            OrderBook.EventData rep = replaced((OrderBook.Applied) b.events.get(i), id);
            boolean match = told.has("time") ? rep.time() == told.path("time").asLong()
                : !used.contains(i) && rep.qty() == x.qty() && Prices.format(rep.price()).equals(x.price());
            if (match) {
              at = i;
              break;
            }
          }
          if (at == null) {
            v.add(o.broker + " " + o.clOrdId + " (order " + id + " of " + o.symbol() + "): replace " + x.clOrdId + " to "
                + x.qty() + " @ " + x.price() + " was acknowledged" + (told.has("time") ? " at " + told.path("time").asLong()
                : "") + " but the journal has no such modify of the order", x.seq(), ack.path("seq").asLong());
            continue;
          }
          used.add(at);
          OrderBook.Applied a = (OrderBook.Applied) b.events.get(at);
          OrderBook.EventData rep = replaced(a, id);
          String diff = rep.qty() != x.qty() || !Prices.format(rep.price()).equals(x.price())
              ? "the journal replaced it to " + rep.qty() + " @ " + Prices.format(rep.price()) + ", the broker sent "
                  + x.qty() + " @ " + x.price()
              : Answers.diff(ack, o.invoke.has("fix") ? Answers.toldOverFix(Answers.about(a, id))
                  : Answers.about(a, id));
          if (diff != null) {
            v.add(o.broker + " " + o.clOrdId + " (order " + id + " of " + o.symbol() + ") replace " + x.clOrdId + ": "
                + diff, x.seq(), ack.path("seq").asLong());
          }
        }
      }
    }
    return answers;
  }

  private static OrderBook.EventData replaced(OrderBook.Applied a, long id) {
    for (OrderBook.EventData e : a.events()) {
      if (e.type() == io.kabuto.matching.EventType.REPLACED && e.orderId() == id) {
        return e;
      }
    }
    throw new IllegalStateException("BookLog indexed an Applied without a REPLACED of order " + id);
  }

  /** The broker's order and answer against the journal's command that accepted the order. */
  private static String compareAnswer(OrderRecord o, JsonNode ack, OrderBook.Applied a, long id) {
    List<OrderBook.EventData> mine = Answers.about(a, id);
    if (o.invoke.has("fix")) {
      mine = Answers.toldOverFix(mine);
    }
    OrderBook.EventData acc = mine.get(0);
    String side = acc.sideValue() == null ? "" : acc.sideValue().name();
    if (!side.equals(o.side()) || !Prices.format(acc.price()).equals(o.invoke.path("price").asText())
        || acc.qty() != o.qty()) {
      return "the journal accepted " + side + " " + acc.qty() + " @ " + Prices.format(acc.price()) + ", the broker sent "
          + o.side() + " " + o.qty() + " @ " + o.invoke.path("price").asText();
    }
    return Answers.diff(ack, mine);
  }
}
