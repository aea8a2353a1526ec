package io.kabuto.persistence.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Disk faults injected into a {@link LevelDbStore} for scenarios: a slow disk (added latency on
 * every write, as a degraded RAID or a saturated SAN would add to fsync) and a full disk (every
 * write fails before anything reaches LevelDB, so nothing is acknowledged that is not stored).
 */
public final class DiskFaults {
  private volatile long writeDelayNanos;
  private volatile boolean full;

  /** Adds {@code delay} before every write; {@link Duration#ZERO} clears it. */
  public void slowDisk(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must be >= 0, got " + delay);
    }
    writeDelayNanos = delay.toNanos();
  }

  /** Makes every write fail with {@link DiskFullException} (or clears that). */
  public void fullDisk(boolean full) {
    this.full = full;
  }

  public Duration writeDelay() {
    return Duration.ofNanos(writeDelayNanos);
  }

  public boolean isFull() {
    return full;
  }

  /** Clears every injected fault. */
  public void clear() {
    writeDelayNanos = 0;
    full = false;
  }

  void beforeWrite(Path dir) {
    long delay = writeDelayNanos;
    if (delay > 0) {
      try {
        Thread.sleep(delay / 1_000_000, (int) (delay % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (full) {
      throw new DiskFullException("no space left on device for store " + dir
          + " (injected full disk): the write was not stored; free space or clear the fault");
    }
  }
}
