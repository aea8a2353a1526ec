package io.kabuto.persistence.replica;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The recovering incarnation's rule over a majority of {@link PromiseResult.Promised} answers: for
 * every sequence number above the committed one, the entry with the highest epoch wins (the Paxos
 * rule). The result says which replicas hold the winning entry, so its payload can be fetched and
 * re-written under the new epoch.
 */
public final class RecoveryMerge {
  private RecoveryMerge() {}

  /** The winning entry at one sequence number and the replicas that hold it. */
  public record Choice(long seqNr, long epoch, List<String> replicaIds) {
    public Choice {
      replicaIds = List.copyOf(replicaIds);
    }
  }

  /**
   * Winning entries above {@code committedSeqNr}, ascending and contiguous from
   * {@code committedSeqNr + 1}. Replica logs are gap-free, so the union is too; should it ever have
   * a hole, the result stops before it (nothing after a hole can have been acknowledged).
   */
  public static List<Choice> merge(long committedSeqNr, Collection<PromiseResult.Promised> answers) {
    Map<Long, Long> bestEpoch = new TreeMap<>();
    Map<Long, TreeSet<String>> holders = new TreeMap<>();
    for (PromiseResult.Promised p : answers) {
      for (EntryEpoch e : p.lastEntries()) {
        if (e.seqNr() <= committedSeqNr) {
          continue;
        }
        Long best = bestEpoch.get(e.seqNr());
        if (best == null || e.epoch() > best) {
          bestEpoch.put(e.seqNr(), e.epoch());
          TreeSet<String> h = new TreeSet<>();
          h.add(p.replicaId());
          holders.put(e.seqNr(), h);
        } else if (e.epoch() == best) {
          holders.get(e.seqNr()).add(p.replicaId());
        }
      }
    }
    List<Choice> out = new ArrayList<>();
    long expected = committedSeqNr + 1;
    for (Map.Entry<Long, Long> e : bestEpoch.entrySet()) {
      if (e.getKey() != expected) {
        break;
      }
      out.add(new Choice(e.getKey(), e.getValue(), new ArrayList<>(holders.get(e.getKey()))));
      expected++;
    }
    return out;
  }
}
