package io.kabuto.persistence.store;

import java.util.Arrays;
import java.util.Objects;

/** A snapshot as stored: persistence id, sequence number, timestamp (epoch millis), bytes. */
public record StoredSnapshot(String persistenceId, long seqNr, long timestamp, byte[] data) {

  public StoredSnapshot {
    Objects.requireNonNull(persistenceId, "persistenceId");
    Objects.requireNonNull(data, "data");
    if (seqNr < 0 || timestamp < 0) {
      throw new IllegalArgumentException(
          "seqNr and timestamp must be >= 0, got " + seqNr + ", " + timestamp);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredSnapshot s
        && s.persistenceId.equals(persistenceId)
        && s.seqNr == seqNr
        && s.timestamp == timestamp
        && Arrays.equals(s.data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(persistenceId, seqNr, timestamp, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "StoredSnapshot[" + persistenceId + ", seqNr=" + seqNr + ", timestamp=" + timestamp
        + ", " + data.length + " bytes]";
  }
}
