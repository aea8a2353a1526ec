package io.kabuto.persistence.journal;

/**
 * This incarnation of a persistence id was fenced: a newer incarnation (after a failover, a split
 * brain, or a zombie's return) promised a higher epoch on the storage replicas. The write was not
 * acknowledged and the persistent actor stops; its successor holds the log.
 */
public final class FencedException extends RuntimeException {
  public FencedException(String message) {
    super(message);
  }
}
