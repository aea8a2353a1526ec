package io.kabuto.persistence.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One stored log entry of a persistence id.
 *
 * @param seqNr Pekko sequence number, >= 1
 * @param epoch the epoch of the incarnation that wrote it
 * @param payload the serialized event (opaque here)
 */
public record LogEntry(long seqNr, long epoch, byte[] payload) {

  public LogEntry {
    if (seqNr < 1) {
      throw new IllegalArgumentException("seqNr must be >= 1, got " + seqNr);
    }
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogEntry e
        && e.seqNr == seqNr
        && e.epoch == epoch
        && Arrays.equals(e.payload, payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(seqNr, epoch, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "LogEntry[seqNr=" + seqNr + ", epoch=" + epoch + ", payload=" + payload.length + " bytes]";
  }
}
