package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.EventType;
import io.kabuto.matching.Phase;
import io.kabuto.scenario.check.halt.HaltWindows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * no-execution-while-halted: nothing trades in a halted book from the moment the halt was
 * confirmed (the halt step's {@code done} line) until a resume starts.
 *
 * <p>Halts are not persisted and the journal's times are each node's own market clock, so the
 * halt's place in a book's journal is found by cause and effect instead: an order or cancel the
 * brokers sent after the confirmation and got answered before the resume was persisted after the
 * halt was in force. From the first such entry until the resume's move to HALTED (the resume
 * reopens by itayose from HALTED), the journal must hold no trade; and no answer to an order or a
 * replace sent in the window may report a trade.
 */
final class HaltCheck {
  static final String WORD = "no-execution-while-halted";

  private HaltCheck() {}

  /**
   * History lines (seq) bound the window: the lines are written in the order things happened.
   * {@code step} 0: a halt no step asked for.
   */
  private record Window(int step, String symbol, long confirmedSeq, long endSeq) {}

  static Verdict check(HistoryIndex h, Map<String, BookLog> logs) {
    List<Window> windows = windows(h, logs.keySet());
    if (windows.isEmpty()) {
      return Verdict.notChecked(WORD, "no halt was confirmed in this run");
    }
    Violations v = new Violations();
    Map<String, Long> orderIds = new HashMap<>();
    for (OrderRecord o : h.orders.values()) {
      for (JsonNode a : o.acks()) {
        orderIds.put(o.broker + "/" + o.clOrdId, a.path("body").path("orderId").asLong());
      }
    }
    int marked = 0;
    for (Window w : windows) {
      BookLog log = logs.get(w.symbol());
      int marker = Integer.MAX_VALUE;
      long markerLine = 0;
      for (OrderRecord o : h.orders.values()) {
        if (o.invoke == null || !o.symbol().equals(w.symbol())) {
          continue;
        }
        // a replace sent while halted must not trade either (the book refuses modifies then)
        for (ReplaceRecord x : o.replaces) {
          for (JsonNode a : inWindow(x.invoke, w) ? x.acks() : List.<JsonNode>of()) {
            for (JsonNode e : a.path("body").path("events")) {
              if ("TRADE".equals(e.path("type").asText())) {
                v.add(o.broker + " " + o.clOrdId + ": replace " + x.clOrdId + " was sent after the halt of " + w.symbol()
                    + " was confirmed (line " + w.confirmedSeq() + ") and traded: trade " + e.path("tradeId").asLong(),
                    w.confirmedSeq(), x.seq(), a.path("seq").asLong());
                break;
              }
            }
          }
        }
        if (!inWindow(o.invoke, w)) {
          continue;
        }
        for (JsonNode a : o.acks()) {
          for (JsonNode e : a.path("body").path("events")) {
            if ("TRADE".equals(e.path("type").asText())) {
              v.add(o.broker + " " + o.clOrdId + " was sent after the halt of " + w.symbol() + " was confirmed (line "
                  + w.confirmedSeq() + ") and traded: trade " + e.path("tradeId").asLong(), w.confirmedSeq(),
                  o.invoke.path("seq").asLong(), a.path("seq").asLong());
              break;
            }
          }
          Integer at = log == null ? null : log.acceptedAt.get(a.path("body").path("orderId").asLong());
          if (at != null && a.path("seq").asLong() < w.endSeq() && at < marker) {
            marker = at;
            markerLine = o.invoke.path("seq").asLong();
          }
        }
      }
      if (log != null) {
        for (JsonNode l : h.bySeq.values()) {
          if (!"cancel".equals(l.path("op").asText()) || !"ok".equals(l.path("type").asText())
              || l.path("http").asInt() != 200) {
            continue;
          }
          JsonNode inv = h.bySeq.get(l.path("invoke").asLong());
          Long id = inv == null ? null : orderIds.get(inv.path("broker").asText() + "/" + inv.path("orig").asText());
          if (id == null || !inWindow(inv, w) || l.path("seq").asLong() >= w.endSeq()) {
            continue;
          }
          int at = cancelledAt(log, id);
          if (at >= 0 && at < marker) {
            marker = at;
            markerLine = inv.path("seq").asLong();
          }
        }
      }
      if (log == null || marker == Integer.MAX_VALUE) {
        continue;
      }
      marked++;
      for (int i = marker; i < log.events.size(); i++) {
        if (!(log.events.get(i) instanceof OrderBook.Applied a)) {
          continue;
        }
        if (a.events().stream().anyMatch(e -> e.type() == EventType.PHASE && e.phase() == Phase.HALTED)) {
          break;
        }
        OrderBook.EventData t = a.events().stream().filter(e -> e.type() == EventType.TRADE).findFirst().orElse(null);
        if (t != null) {
          v.add("book " + w.symbol() + " seq " + a.seq() + " (seqNr " + log.entries.get(i).seqNr() + "): trade "
              + t.tradeId() + " persisted while halted: after the request of line " + markerLine + ", sent after the "
              + "halt was confirmed (line " + w.confirmedSeq() + "), and before the resume", w.confirmedSeq(), markerLine);
          break;
        }
      }
    }
    return Verdict.of(WORD, windows.stream().map(Window::symbol).distinct().count() + " halted books, no trade answered or persisted while halted ("
        + marked + " located in the journal by a request sent during the halt)", v);
  }

  private static boolean inWindow(JsonNode invoke, Window w) {
    long seq = invoke.path("seq").asLong();
    return invoke.path("attempt").asInt(1) <= 1 && seq > w.confirmedSeq() && seq < w.endSeq();
  }

  /** Index of the Applied that cancelled this order at its owner's request, or -1. */
  private static int cancelledAt(BookLog log, long orderId) {
    for (int i = 0; i < log.events.size(); i++) {
      if (log.events.get(i) instanceof OrderBook.Applied a
          && a.events().stream().anyMatch(e -> Replay.requestedCancel(e) && e.orderId() == orderId)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Per halted symbol: from the halt's confirmation to the next resume of it (or the run's end).
   * A halt step's window runs from its {@code done} line; a halt no step asked for (a pre-agreed
   * rule's, e.g. a book not answering) from the watcher's first {@code market} line that shows it
   * confirmed by every reachable node, to the first that no longer shows it. A market-wide halt
   * covers every book of the journal.
   */
  private static List<Window> windows(HistoryIndex h, java.util.Collection<String> books) {
    List<Window> out = stepWindows(h);
    List<JsonNode> market = h.bySeq.values().stream().filter(l -> "market".equals(l.path("type").asText())).toList();
    for (HaltWindows.Window w : HaltWindows.of(market)) {
      List<String> symbols = "market".equals(w.scope()) ? List.copyOf(books) : List.of(w.scope());
      for (String sym : symbols) {
        boolean stepCovers = out.stream().anyMatch(x -> x.step() > 0 && x.symbol().equals(sym)
            && x.confirmedSeq() <= w.toSeq() && w.seq() <= x.endSeq());
        if (!stepCovers) {
          out.add(new Window(0, sym, w.seq(), w.toSeq()));
        }
      }
    }
    return out;
  }

  private static List<Window> stepWindows(HistoryIndex h) {
    List<Window> out = new ArrayList<>();
    for (JsonNode start : h.faults) {
      if (!"halt".equals(start.path("action").asText()) || !"start".equals(start.path("phase").asText())) {
        continue;
      }
      int step = start.path("step").asInt();
      JsonNode done = h.faults.stream().filter(f -> f.path("step").asInt() == step
          && "done".equals(f.path("phase").asText())).findFirst().orElse(null);
      if (done == null) {
        continue; // not confirmed: faults-applied says so
      }
      for (JsonNode s : start.path("affected")) {
        String sym = s.asText();
        long end = Long.MAX_VALUE;
        for (JsonNode r : h.faults) {
          if ("resume-market".equals(r.path("action").asText()) && "start".equals(r.path("phase").asText())
              && r.path("seq").asLong() > done.path("seq").asLong() && contains(r.path("affected"), sym)) {
            end = r.path("seq").asLong();
            break;
          }
        }
        out.add(new Window(step, sym, done.path("seq").asLong(), end));
      }
    }
    return out;
  }

  private static boolean contains(JsonNode arr, String s) {
    for (JsonNode x : arr) {
      if (x.asText().equals(s)) {
        return true;
      }
    }
    return false;
  }
}
