package io.kabuto.persistence.store;

/**
 * Which snapshots of a persistence id match, as in Pekko's {@code SnapshotSelectionCriteria}: all
 * bounds inclusive.
 */
public record SnapshotCriteria(
    long maxSeqNr, long maxTimestamp, long minSeqNr, long minTimestamp) {

  public static final SnapshotCriteria LATEST =
      new SnapshotCriteria(Long.MAX_VALUE, Long.MAX_VALUE, 0, 0);
  public static final SnapshotCriteria NONE = new SnapshotCriteria(0, 0, 0, 0);

  public static SnapshotCriteria upTo(long maxSeqNr, long maxTimestamp) {
    return new SnapshotCriteria(maxSeqNr, maxTimestamp, 0, 0);
  }

  public boolean matches(long seqNr, long timestamp) {
    return seqNr <= maxSeqNr
        && timestamp <= maxTimestamp
        && seqNr >= minSeqNr
        && timestamp >= minTimestamp;
  }
}
