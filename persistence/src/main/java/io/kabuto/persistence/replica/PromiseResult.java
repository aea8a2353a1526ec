package io.kabuto.persistence.replica;

import java.util.List;

/** A replica's answer to {@code Promise(pid, epoch)}. */
public sealed interface PromiseResult {

  String persistenceId();

  /** The epoch that was asked for. */
  long epoch();

  /**
   * Yes: the replica has durably promised {@code epoch} and will fence every lower epoch from now on.
   *
   * @param replicaId the answering replica (to fetch payloads from)
   * @param highestSeqNr the replica's highest sequence number of the pid
   * @param deletedTo entries up to here were deleted (deleteTo)
   * @param lastEntries (seqNr, epoch) of every entry above the committed sequence number the
   *     promise asked about, ascending
   */
  record Promised(
      String persistenceId,
      long epoch,
      String replicaId,
      long highestSeqNr,
      long deletedTo,
      List<EntryEpoch> lastEntries)
      implements PromiseResult {
    public Promised {
      lastEntries = List.copyOf(lastEntries);
    }
  }

  /** No: the replica already promised {@code promisedEpoch >= epoch}; retry higher. */
  record Rejected(String persistenceId, long epoch, long promisedEpoch) implements PromiseResult {}
}
