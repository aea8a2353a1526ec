package io.kabuto.persistence.journal;

/**
 * Fewer storage replicas than a majority acknowledged (down, hung, partitioned away, disk full):
 * the write is not acknowledged. Pekko Persistence fails the persist and the order book restarts
 * with backoff and recovers once a majority is back.
 */
public final class QuorumException extends RuntimeException {
  public QuorumException(String message) {
    super(message);
  }
}
