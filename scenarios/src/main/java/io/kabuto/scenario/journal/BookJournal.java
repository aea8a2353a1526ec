package io.kabuto.scenario.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One book's log ({@code OrderBook|<symbol>}) as each replica holds it, and merged the way a
 * recovery merges it: at every seqNr the entry with the highest epoch wins.
 *
 * @param byReplica every replica's raw view, ascending by seqNr
 */
public record BookJournal(String symbol, Map<String, List<JournalEntry>> byReplica) {

  public BookJournal {
    byReplica = Map.copyOf(byReplica);
  }

  /** The persistence id of a symbol's book (as {@code OrderBook.persistenceId}). */
  public static String persistenceId(String symbol) {
    return io.kabuto.book.OrderBook.persistenceId(symbol).id();
  }

  /**
   * The merged log: per seqNr the highest-epoch entry (on a tie, the first replica's in name order:
   * the divergence check reports ties with different contents), ascending.
   */
  public List<JournalEntry> merged() {
    TreeMap<Long, JournalEntry> best = new TreeMap<>();
    for (String r : new java.util.TreeSet<>(byReplica.keySet())) {
      for (JournalEntry e : byReplica.get(r)) {
        JournalEntry b = best.get(e.seqNr());
        if (b == null || e.epoch() > b.epoch()) {
          best.put(e.seqNr(), e);
        }
      }
    }
    return new ArrayList<>(best.values());
  }

  /** Every replica's entry at each seqNr (replicas that lack it are absent). */
  public Map<Long, List<JournalEntry>> bySeqNr() {
    Map<Long, List<JournalEntry>> out = new TreeMap<>();
    for (List<JournalEntry> l : byReplica.values()) {
      for (JournalEntry e : l) {
        out.computeIfAbsent(e.seqNr(), k -> new ArrayList<>()).add(e);
      }
    }
    return out;
  }
}
