package io.kabuto.persistence.store;

/**
 * When a {@link LevelDbStore} write is fsynced ({@code WriteOptions.sync(true)}) before it returns.
 *
 * <p>LevelDB appends every write batch to one sequential log file, so an fsync also makes every
 * earlier, unsynced write durable. That is what makes {@link #BATCHED} meaningful.
 */
public enum FsyncPolicy {
  /** Every write batch is fsynced before {@link LevelDbStore#write} returns. */
  ALWAYS,
  /**
   * Only commit points are fsynced: writes made with {@code commitPoint = true} (a group commit of
   * appends, a promise). Other writes (deletes, snapshot housekeeping) become durable with the next
   * commit point. One fsync per group of concurrent appends.
   */
  BATCHED,
  /**
   * Never fsync: a write survives a crash of the process (it is in the OS page cache) but not of the
   * machine. For tests and benchmarks; it breaks safety rule 1 if a majority loses power.
   */
  OFF;

  boolean syncs(boolean commitPoint) {
    return switch (this) {
      case ALWAYS -> true;
      case BATCHED -> commitPoint;
      case OFF -> false;
    };
  }
}
