package io.kabuto.persistence.store;

/**
 * The directory holds a store of another cluster or replica, or a LevelDB database that is not a
 * Kabuto store at all. The node must not start on it.
 */
public final class StoreIdentityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreIdentityException(String message) {
    super(message);
  }
}
