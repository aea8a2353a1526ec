package io.kabuto.persistence.replica;

/** A replica's answer to {@code Append(pid, epoch, entries)}. */
public sealed interface AppendResult {

  String persistenceId();

  long epoch();

  /**
   * Written atomically (and fsynced per the store's policy).
   *
   * @param fromSeqNr first sequence number of the append
   * @param toSeqNr last sequence number of the append
   * @param highestSeqNr the replica's highest sequence number afterwards
   * @param dropped how many lower-epoch entries after the append were dropped as a conflicting
   *     suffix
   */
  record Appended(
      String persistenceId, long epoch, long fromSeqNr, long toSeqNr, long highestSeqNr,
      long dropped)
      implements AppendResult {}

  /**
   * Refused: the replica promised a higher epoch; the writing incarnation is stale and must stop.
   * Nothing was written.
   */
  record Fenced(String persistenceId, long epoch, long promisedEpoch) implements AppendResult {}

  /**
   * Refused: the append starts after {@code highestSeqNr + 1}; accepting it would leave a hole. The
   * replica must catch up first. Nothing was written.
   */
  record Gap(String persistenceId, long epoch, long highestSeqNr) implements AppendResult {}
}
