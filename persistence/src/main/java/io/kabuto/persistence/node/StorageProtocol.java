package io.kabuto.persistence.node;

import io.kabuto.CborSerializable;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The messages between the journal plugin (the writer's side) and the {@link StorageNode}s (the
 * replicas), and between storage nodes (catch-up, the legacy pair). Flat records with an
 * {@link Outcome}, serialized with Jackson CBOR; payloads are the bytes Pekko's serializer made of
 * a {@code PersistentRepr} or a snapshot, opaque here.
 *
 * <p>{@code mirrorGeneration} is 0 when a writer sends the command. In legacy mode the active
 * storage node forwards each write to its standby with its own generation there; a standby that
 * took over meanwhile (a higher generation) refuses it with {@link Outcome#FENCED}.
 */
public final class StorageProtocol {
  private StorageProtocol() {}

  /** How a replica answered. */
  public enum Outcome {
    /** Done (promised, appended, read, deleted, saved). */
    OK,
    /** The replica promised a higher epoch (or, legacy, has a higher generation): stop. */
    FENCED,
    /** Append after the end of this replica's log: it is catching up. */
    GAP,
    /** Promise refused: the replica already promised this epoch or higher; retry higher. */
    REJECTED,
    /** The replica could not do it (full disk, closed store, bad request): see the error. */
    FAILED,
    /** Legacy mode: this replica is the standby; ask the active one. */
    NOT_ACTIVE
  }

  /** Injected storage-node failure modes (scenarios, tests). */
  public enum Fault {
    /** The node dies: the JVM halts (real processes) or the storage actor stops (in-JVM). */
    CRASH,
    /** Stops answering anything, heartbeats included, until {@link #CLEAR}. */
    HANG,
    /** Sends a panic notice to its legacy peer, then hangs (the 2020-10-01 memory failure). */
    PANIC,
    /** Adds the given milliseconds of latency to every disk write. */
    SLOW_DISK,
    /** Every disk write fails: nothing is stored and nothing is acknowledged. */
    FULL_DISK,
    /** Back to normal (ends a hang, a slow or a full disk). */
    CLEAR
  }

  /** An entry on the wire: the epoch is ignored in an {@link StorageNode.Append}. */
  public record Entry(long seqNr, long epoch, byte[] payload) implements CborSerializable {
    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && e.seqNr == seqNr && e.epoch == epoch
          && Arrays.equals(e.payload, payload);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(seqNr) * 31 + Long.hashCode(epoch);
    }

    @Override
    public String toString() {
      return "Entry[" + seqNr + "@" + epoch + ", " + payload.length + " bytes]";
    }
  }

  /**
   * Answer to a promise. {@code entryEpochs} holds (seqNr, epoch) pairs, flattened, of every entry
   * above the asked {@code fromSeqNr}. A replica that is not a {@code voter} (it lost its data and
   * has not caught up yet) has recorded the promise but must not count toward the majority: its
   * log may lack acknowledged entries.
   */
  public record PromiseReply(
      String replicaId, String pid, Outcome outcome, boolean voter, long epoch,
      long promisedEpoch, long highestSeqNr, long deletedTo, long[] entryEpochs, String error)
      implements CborSerializable {}

  public record AppendReply(
      String replicaId, String pid, Outcome outcome, long epoch, long promisedEpoch,
      long highestSeqNr, String error) implements CborSerializable {}

  /** The replies to a {@link StorageNode.AppendBatch}, at its appends' indexes. */
  public record AppendBatchReply(String replicaId, List<AppendReply> replies)
      implements CborSerializable {}

  public record ReadReply(
      String replicaId, String pid, Outcome outcome, List<Entry> entries, long highestSeqNr,
      long deletedTo, String error) implements CborSerializable {}

  /** Answer to deletes, snapshot saves, faults and mirrors; {@code value} depends on the command. */
  public record AckReply(String replicaId, Outcome outcome, long value, String error)
      implements CborSerializable {}

  public record SnapshotReply(
      String replicaId, Outcome outcome, boolean found, String pid, long seqNr, long timestamp,
      byte[] data, String error) implements CborSerializable {}

  /** What a replica holds of one persistence id (catch-up). */
  public record PidState(String pid, long highestSeqNr, long deletedTo, long latestSnapshotSeqNr)
      implements CborSerializable {}

  /** A replica's persistence ids; a non-{@code voter} may lack acknowledged entries. */
  public record PidList(String replicaId, Outcome outcome, boolean voter, List<PidState> pids,
      String error)
      implements CborSerializable {}

  /**
   * A storage node's health. {@code upToDate}: it has caught up from its peers and counts toward
   * redundancy. {@code voter}: its promise answers count toward a majority.
   */
  public record StatusReply(
      String replicaId, String storeUuid, String storeStatus, boolean upToDate, boolean voter,
      boolean active, long generation, String fault, String fsync, long requests, long writes,
      long pids) implements CborSerializable {}

  /** Legacy mode: "I am alive" between the pair, every heartbeat interval. */
  public record Heartbeat(String replicaId, long generation, boolean active,
      ActorRef<StorageNode.Command> from) implements StorageNode.Command {}

  /** Legacy mode: "I am about to fail" (a panic), sent to the peer before hanging. */
  public record PanicNotice(String replicaId, long generation, String reason)
      implements StorageNode.Command {}
}
