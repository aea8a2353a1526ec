package io.kabuto.scenario.check;

import io.kabuto.book.OrderBook;
import io.kabuto.matching.BookEvents;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.EventType;
import io.kabuto.scenario.journal.BookJournal;
import io.kabuto.scenario.journal.JournalEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One book's merged journal in the book's own terms: the rules it was opened with and its
 * numbered {@code Applied}/{@code Busted} events, with where each accepted order was accepted.
 * {@code problem} is set when the log is not a well-formed book history (it then stops there).
 */
final class BookLog {
  final String symbol;
  BookRules rules;
  /** Applied and Busted events in journal order (Opened excluded). */
  final List<Object> events = new ArrayList<>();
  /** The journal entry each event came from (same index as {@link #events}). */
  final List<JournalEntry> entries = new ArrayList<>();
  /** Order id to the index in {@link #events} of the Applied that accepted it. */
  final Map<Long, Integer> acceptedAt = new HashMap<>();
  /** Order id to the indexes in {@link #events} of the Applieds that replaced it, in order. */
  final Map<Long, List<Integer>> replacedAt = new HashMap<>();
  String problem;

  BookLog(BookJournal j) {
    this.symbol = j.symbol();
    long expect = 1;
    for (JournalEntry e : j.merged()) {
      if (e.event() == null) {
        continue; // a rejected write's placeholder: the book never applied it
      }
      if (e.event() instanceof OrderBook.Opened o) {
        if (rules != null) {
          problem = "opened twice (again at seqNr " + e.seqNr() + ")";
          return;
        }
        rules = o.rules();
        continue;
      }
      if (rules == null) {
        problem = "event at seqNr " + e.seqNr() + " before the book was opened";
        return;
      }
      long seq = e.event() instanceof OrderBook.Applied a ? a.seq()
          : e.event() instanceof OrderBook.Busted b ? b.seq() : -1;
      if (seq != expect) {
        problem = "seqNr " + e.seqNr() + " holds book seq " + seq + ", expected " + expect + " ("
            + e.event().getClass().getSimpleName() + ")";
        return;
      }
      expect++;
      if (e.event() instanceof OrderBook.Applied a) {
        for (OrderBook.EventData d : a.events()) {
          if (d.type() == EventType.ACCEPTED) {
            acceptedAt.putIfAbsent(d.orderId(), events.size());
          } else if (d.type() == EventType.REPLACED) {
            replacedAt.computeIfAbsent(d.orderId(), k -> new ArrayList<>()).add(events.size());
          }
        }
      }
      events.add(e.event());
      entries.add(e);
    }
  }

  /** The core events of an Applied, into a buffer the core can apply. */
  static void appendTo(OrderBook.Applied a, BookEvents b) {
    for (OrderBook.EventData d : a.events()) {
      b.add(d.type(), d.time(), d.tradeId(), d.orderId(), d.otherOrderId(), d.participant(), d.otherParticipant(),
          d.side(), d.orderType(), d.tif(), d.price(), d.price2(), d.qty(), d.leaves(), d.otherLeaves(), d.code(),
          d.aux());
    }
  }

  /** A core event row as an EventData-equivalent value (the core's own buffer keeps no objects). */
  static OrderBook.EventData row(BookEvents b, int i) {
    return new OrderBook.EventData(b.type(i), b.time(i), b.tradeId(i), b.orderId(i), b.otherOrderId(i),
        b.participant(i), b.otherParticipant(i), b.sideOrdinal(i), b.orderTypeOrdinal(i), b.tifOrdinal(i),
        b.price(i), b.price2(i), b.qty(i), b.leaves(i), b.otherLeaves(i), b.code(i), b.aux(i));
  }

  /** The journal's books, each as a BookLog. */
  static Map<String, BookLog> of(io.kabuto.scenario.journal.StoredJournal j) {
    Map<String, BookLog> out = new java.util.LinkedHashMap<>();
    j.books().forEach((s, b) -> out.put(s, new BookLog(b)));
    return out;
  }
}
