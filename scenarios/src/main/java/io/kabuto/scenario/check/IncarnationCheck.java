package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.EventType;
import io.kabuto.scenario.journal.BookJournal;
import io.kabuto.scenario.journal.JournalEntry;
import io.kabuto.scenario.journal.StoredJournal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * no-divergent-incarnations: each book's journal is one linear history. Replicas may disagree at
 * a seqNr an incarnation wrote to a minority before it died (never acknowledged, replaced by the
 * next incarnation), but never where two different entries were each acknowledged to a broker
 * (an answer whose events match one version and not the other); every acknowledged order is in the
 * merged journal; and once a newer incarnation wrote, no entry of an older one follows it.
 */
final class IncarnationCheck {
  static final String WORD = "no-divergent-incarnations";

  private IncarnationCheck() {}

  /** One acknowledgement: the order, the answer line and the book's order id. */
  private record Ack(OrderRecord order, JsonNode line, long orderId) {}

  static Verdict check(HistoryIndex h, StoredJournal j, Map<String, BookLog> logs) {
    Violations v = new Violations();
    Map<String, List<Ack>> acksBySymbol = new LinkedHashMap<>();
    for (OrderRecord o : h.orders.values()) {
      for (JsonNode a : o.acks()) {
        acksBySymbol.computeIfAbsent(o.symbol(), k -> new ArrayList<>())
            .add(new Ack(o, a, a.path("body").path("orderId").asLong(-1)));
      }
    }
    int divergent = 0;
    int acked = 0;
    // the two-writer findings first: they are the cause, the missing acknowledgements the effect
    for (BookJournal b : j.books().values()) {
      List<Ack> acks = acksBySymbol.getOrDefault(b.symbol(), List.of());
      for (Map.Entry<Long, List<JournalEntry>> at : b.bySeqNr().entrySet()) {
        List<JournalEntry> versions = distinct(at.getValue());
        if (versions.size() < 2) {
          continue;
        }
        divergent++;
        List<String> confirmed = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        for (JournalEntry ver : versions) {
          Ack conf = confirming(ver, versions, acks);
          if (conf != null) {
            confirmed.add(holders(at.getValue(), ver) + " epoch " + ver.epoch() + " (writer " + shortId(ver.writerUuid())
                + ") answered to " + conf.order().broker + " " + conf.order().clOrdId + " (order " + conf.orderId() + ")");
            lines.add(conf.line().path("seq").asLong());
          }
        }
        if (confirmed.size() > 1) {
          v.add("book " + b.symbol() + " seqNr " + at.getKey() + ": two incarnations both acknowledged different "
              + "entries: " + String.join("; ", confirmed), lines.stream().mapToLong(Long::longValue).toArray());
        }
      }
      interleaved(b, v);
    }
    for (Map.Entry<String, List<Ack>> e : acksBySymbol.entrySet()) {
      BookLog log = logs.get(e.getKey());
      BookJournal raw = j.books().get(e.getKey());
      Set<Long> reported = new LinkedHashSet<>();
      for (Ack a : e.getValue()) {
        acked++;
        if ((log == null || !log.acceptedAt.containsKey(a.orderId())) && reported.add(a.orderId())) {
          v.add(a.order().broker + " " + a.order().clOrdId + " (order " + a.orderId() + " of " + e.getKey()
              + ") was acknowledged but is not in the merged journal" + whereElse(raw, a.orderId())
              + (log != null && log.problem != null ? " (the merged journal stops early: " + log.problem + ")" : ""),
              a.order().invoke.path("seq").asLong(), a.line().path("seq").asLong());
        }
      }
    }
    return Verdict.of(WORD, j.books().size() + " books, " + acked + " acknowledgements all in the merged journal; "
        + divergent + " seqNrs differ between replicas, none acknowledged twice; writers never interleave", v);
  }

  /** One entry per different content (the epoch of a re-write does not make it different). */
  private static List<JournalEntry> distinct(List<JournalEntry> es) {
    List<JournalEntry> out = new ArrayList<>();
    for (JournalEntry e : es) {
      if (out.stream().noneMatch(o -> o.sameContent(e))) {
        out.add(e);
      }
    }
    return out;
  }

  /** An acknowledgement whose answer matches this version of the entry and no other version. */
  private static Ack confirming(JournalEntry ver, List<JournalEntry> versions, List<Ack> acks) {
    if (!(ver.event() instanceof OrderBook.Applied a)) {
      return null;
    }
    for (Ack ack : acks) {
      if (accepts(a, ack.orderId()) && Answers.diff(ack.line(), Answers.about(a, ack.orderId())) == null
          && versions.stream().filter(o -> o != ver).noneMatch(o -> o.event() instanceof OrderBook.Applied oa
              && accepts(oa, ack.orderId()) && Answers.diff(ack.line(), Answers.about(oa, ack.orderId())) == null)) {
        return ack;
      }
    }
    return null;
  }

  private static boolean accepts(OrderBook.Applied a, long orderId) {
    return a.events().stream().anyMatch(e -> e.type() == EventType.ACCEPTED && e.orderId() == orderId);
  }

  /** A newer writer's entry followed by an older writer's, in the merged log. */
  private static void interleaved(BookJournal b, Violations v) {
    List<String> seen = new ArrayList<>();
    String current = null;
    for (JournalEntry e : b.merged()) {
      if (e.event() == null || e.writerUuid().equals(current)) {
        continue;
      }
      if (seen.contains(e.writerUuid())) {
        v.add("book " + b.symbol() + " seqNr " + e.seqNr() + ": writer " + shortId(e.writerUuid()) + " (epoch "
            + e.epoch() + ") writes again after writer " + shortId(current) + " took over: two incarnations were "
            + "live at once");
        return;
      }
      seen.add(e.writerUuid());
      current = e.writerUuid();
    }
  }

  private static String holders(List<JournalEntry> at, JournalEntry ver) {
    return String.join("+", at.stream().filter(ver::sameContent).map(JournalEntry::replica).toList());
  }

  /** Where an order the merged journal lacks is on some replica, if anywhere. */
  private static String whereElse(BookJournal raw, long orderId) {
    if (raw == null) {
      return " (no replica has a journal of this book)";
    }
    for (Map.Entry<Long, List<JournalEntry>> at : raw.bySeqNr().entrySet()) {
      for (JournalEntry e : at.getValue()) {
        if (e.event() instanceof OrderBook.Applied a && accepts(a, orderId)) {
          return " (replica " + e.replica() + " holds it at seqNr " + e.seqNr() + " epoch " + e.epoch()
              + ", overruled there by a higher epoch)";
        }
      }
    }
    return " (no replica holds it)";
  }

  private static String shortId(String uuid) {
    return uuid == null ? "?" : uuid.length() > 8 ? uuid.substring(0, 8) : uuid;
  }
}
