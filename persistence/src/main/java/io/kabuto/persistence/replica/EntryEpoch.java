package io.kabuto.persistence.replica;

/** A log entry's position and the epoch that wrote it, as a replica answers a promise. */
public record EntryEpoch(long seqNr, long epoch) {}
