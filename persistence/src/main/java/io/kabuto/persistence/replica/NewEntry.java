package io.kabuto.persistence.replica;

import java.util.Arrays;
import java.util.Objects;

/** An entry to append: the epoch is the append's. */
public record NewEntry(long seqNr, byte[] payload) {

  public NewEntry {
    if (seqNr < 1) {
      throw new IllegalArgumentException("seqNr must be >= 1, got " + seqNr);
    }
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NewEntry e && e.seqNr == seqNr && Arrays.equals(e.payload, payload);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seqNr) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "NewEntry[seqNr=" + seqNr + ", " + payload.length + " bytes]";
  }
}
