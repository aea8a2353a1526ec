package io.kabuto.persistence.replica;

import io.kabuto.persistence.store.LevelDbStore;
import io.kabuto.persistence.store.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The per-replica side of the replication protocol (see {@code io.kabuto.persistence}), over one
 * {@link LevelDbStore}: per persistence id a {@code promised} epoch and log entries
 * {@code seqNr -> (epoch, payload)}.
 *
 * <ul>
 *   <li>{@link #promise}: yes only if {@code epoch > promised}; the promise is fsynced (unless the
 *       store's policy is OFF) before the answer.
 *   <li>{@link #append}: accepted only if {@code epoch >= promised} (and raises {@code promised} to
 *       {@code epoch}); a conflicting lower-epoch suffix (an entry at one of the appended sequence
 *       numbers written by a lower epoch, and everything after it) is dropped; all of it is one
 *       atomic write batch.
 * </ul>
 *
 * <p>Invariants kept (and attacked by the property tests): per pid, entries are gap-free from
 * {@code deletedTo + 1} to {@code highestSeqNr}; entry epochs never decrease along the log and never
 * exceed {@code promised}; a refused operation writes nothing.
 *
 * <p>Protocol outcomes are results ({@link PromiseResult}, {@link AppendResult}), never exceptions;
 * malformed requests (non-contiguous entries, epoch &lt; 1) are {@link IllegalArgumentException}s.
 * Thread-safe: operations are serialized on this object (the {@link GroupCommitter} holds the same
 * lock while it prepares and writes a group).
 */
public final class ReplicaLog {
  private final LevelDbStore store;

  public ReplicaLog(LevelDbStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  public LevelDbStore store() {
    return store;
  }

  public String replicaId() {
    return store.identity().replicaId();
  }

  /**
   * {@code Promise(pid, epoch)}: the fencing round of a recovering incarnation.
   *
   * @param committedSeqNr the highest sequence number the asker knows to be committed; the answer
   *     lists the (seqNr, epoch) of every entry above it
   */
  public synchronized PromiseResult promise(String pid, long epoch, long committedSeqNr) {
    LevelDbStore.Batch batch = store.batch();
    try {
      PromiseResult r = preparePromise(pid, epoch, committedSeqNr, batch);
      if (batch.size() > 0) {
        store.write(batch, true);
      }
      return r;
    } finally {
      batch.close();
    }
  }

  /** {@code Append(pid, epoch, entries)}: a write of the incarnation holding {@code epoch}. */
  public AppendResult append(String pid, long epoch, List<NewEntry> entries) {
    return append(pid, epoch, entries, false);
  }

  /**
   * As {@link #append(String, long, List)}; {@code endsLog}: the last page of a recovery's
   * re-write, so any lower-epoch entry after it was not chosen and is dropped.
   */
  public synchronized AppendResult append(String pid, long epoch, List<NewEntry> entries,
      boolean endsLog) {
    LevelDbStore.Batch batch = store.batch();
    try {
      AppendResult r = prepareAppend(pid, epoch, entries, endsLog, batch);
      if (batch.size() > 0) {
        store.write(batch, true);
      }
      return r;
    } finally {
      batch.close();
    }
  }

  /** Entries with {@code fromSeqNr <= seqNr <= toSeqNr}, ascending, at most {@code max}. */
  public List<LogEntry> read(String pid, long fromSeqNr, long toSeqNr, long max) {
    return store.read(pid, fromSeqNr, toSeqNr, max);
  }

  public long highestSeqNr(String pid) {
    return store.highestSeqNr(pid);
  }

  public long promised(String pid) {
    return store.promised(pid);
  }

  /**
   * Pekko's {@code deleteMessagesTo} on this replica; see {@link LevelDbStore#deleteTo}.
   *
   * @return the new "deleted to" sequence number
   */
  public synchronized long deleteTo(String pid, long toSeqNr) {
    return store.deleteTo(pid, toSeqNr);
  }

  /**
   * {@code deleteTo} by the incarnation holding {@code epoch}: refused (empty) if the replica
   * promised a higher epoch, so a fenced zombie cannot delete the winner's log.
   */
  public synchronized java.util.OptionalLong deleteTo(String pid, long epoch, long toSeqNr) {
    requireEpoch(epoch);
    if (epoch < store.promised(pid)) {
      return java.util.OptionalLong.empty();
    }
    return java.util.OptionalLong.of(store.deleteTo(pid, toSeqNr));
  }

  /**
   * Catch-up: copies entries read from a peer after this replica's highest sequence number, keeping
   * their epochs (as if the writer of that epoch had sent them here). Only a contiguous run starting
   * at {@code highestSeqNr + 1} is taken, and it stops before an entry whose epoch is lower than the
   * epoch of this replica's last entry (epochs never decrease along a log). When the peer has
   * deleted entries beyond this replica's log ({@code peerDeletedTo}), the log skips ahead to it.
   * The promised epoch is not changed: copying is not a promise.
   *
   * @return how many entries were installed
   */
  public synchronized int install(String pid, long peerDeletedTo, List<LogEntry> entries) {
    Objects.requireNonNull(pid, "pid");
    long highest = store.highestSeqNr(pid);
    long lastEpoch = 0;
    if (highest > 0) {
      lastEpoch = store.entry(pid, highest).map(LogEntry::epoch).orElse(0L);
    }
    LevelDbStore.Batch batch = store.batch();
    try {
      long next = highest + 1;
      if (peerDeletedTo >= next) {
        batch.putDeletedTo(pid, peerDeletedTo);
        next = peerDeletedTo + 1;
        lastEpoch = 0;
      }
      int n = 0;
      for (LogEntry e : entries) {
        if (e.seqNr() < next) {
          continue;
        }
        if (e.seqNr() != next || e.epoch() < lastEpoch) {
          break;
        }
        batch.putEntry(pid, e);
        lastEpoch = e.epoch();
        next++;
        n++;
      }
      if (next - 1 != highest) {
        batch.putHighest(pid, next - 1);
      }
      if (batch.size() > 0) {
        store.write(batch, true);
      }
      return n;
    } finally {
      batch.close();
    }
  }

  // ------------------------------------------------------------------ prepare (caller holds lock)

  /**
   * Decides a promise against the stored state and adds its writes to {@code batch}. The caller
   * must hold this object's lock and write the batch before telling anyone the result; the stored
   * state must not contain unwritten changes to {@code pid} from an earlier prepare.
   */
  PromiseResult preparePromise(
      String pid, long epoch, long committedSeqNr, LevelDbStore.Batch batch) {
    Objects.requireNonNull(pid, "pid");
    requireEpoch(epoch);
    long promised = store.promised(pid);
    if (epoch <= promised) {
      return new PromiseResult.Rejected(pid, epoch, promised);
    }
    batch.putPromised(pid, epoch);
    List<EntryEpoch> last = new ArrayList<>();
    for (LogEntry e :
        store.read(pid, Math.max(committedSeqNr, 0) + 1, Long.MAX_VALUE, Long.MAX_VALUE)) {
      last.add(new EntryEpoch(e.seqNr(), e.epoch()));
    }
    return new PromiseResult.Promised(
        pid, epoch, replicaId(), store.highestSeqNr(pid), store.deletedTo(pid), last);
  }

  /** Like {@link #preparePromise} for an append. */
  AppendResult prepareAppend(String pid, long epoch, List<NewEntry> entries, boolean endsLog,
      LevelDbStore.Batch batch) {
    Objects.requireNonNull(pid, "pid");
    requireEpoch(epoch);
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("append of no entries");
    }
    for (int i = 1; i < entries.size(); i++) {
      if (entries.get(i).seqNr() != entries.get(i - 1).seqNr() + 1) {
        throw new IllegalArgumentException("entries must have contiguous ascending seqNrs, got "
            + entries.get(i - 1).seqNr() + " then " + entries.get(i).seqNr());
      }
    }
    long promised = store.promised(pid);
    if (epoch < promised) {
      return new AppendResult.Fenced(pid, epoch, promised);
    }
    long first = entries.get(0).seqNr();
    long last = entries.get(entries.size() - 1).seqNr();
    long highest = store.highestSeqNr(pid);
    if (first > highest + 1) {
      return new AppendResult.Gap(pid, epoch, highest);
    }
    boolean conflict = false;
    for (LogEntry existing : store.read(pid, first, last, Long.MAX_VALUE)) {
      if (existing.epoch() > epoch) {
        // Cannot happen while promised >= every stored epoch; refuse rather than regress.
        return new AppendResult.Fenced(pid, epoch, Math.max(promised, existing.epoch()));
      }
      // A lower-epoch entry conflicts only if its content differs: a recovery re-writes the
      // chosen entries under its own epoch in pages, and a page that merely re-stamps what is
      // stored must not drop the entries after it. If that recovery is then cut short (fenced by
      // another recovering incarnation), those entries would be gone from every replica that
      // took the page, acknowledged ones included (found by the fxtf-2014-12 scenario).
      if (existing.epoch() < epoch
          && !java.util.Arrays.equals(existing.payload(), entries.get((int) (existing.seqNr() - first)).payload())) {
        conflict = true;
      }
    }
    // The recovery's last page: what a replica holds after it (written by an older incarnation
    // to too few replicas to be chosen) must go, or a later recovery could merge it with the new
    // incarnation's entries into a history nobody wrote.
    conflict |= endsLog && highest > last;
    if (epoch > promised) {
      batch.putPromised(pid, epoch);
    }
    long deletedTo = store.deletedTo(pid);
    for (NewEntry e : entries) {
      if (e.seqNr() > deletedTo) {
        batch.putEntry(pid, new LogEntry(e.seqNr(), epoch, e.payload()));
      }
    }
    long dropped = 0;
    long newHighest;
    if (conflict) {
      for (long s = last + 1; s <= highest; s++) {
        if (s > deletedTo) {
          batch.deleteEntry(pid, s);
          dropped++;
        }
      }
      newHighest = last;
    } else {
      newHighest = Math.max(highest, last);
    }
    if (newHighest != highest) {
      batch.putHighest(pid, newHighest);
    }
    return new AppendResult.Appended(pid, epoch, first, last, newHighest, dropped);
  }

  private static void requireEpoch(long epoch) {
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be >= 1, got " + epoch);
    }
  }
}
