package io.kabuto.persistence.store;

/** A write was refused because the disk is full; nothing of it was stored. */
public final class DiskFullException extends RuntimeException {
  public DiskFullException(String message) {
    super(message);
  }
}
