package io.kabuto.matching;

/** The events a book emits; applying them, in order, is the only way its state changes. */
public enum EventType {
  /** A new order passed validation (informational: the order is not on the book yet). */
  ACCEPTED,
  /** An order (or the remainder of one) was added to the book at the tail of its queue. */
  RESTED,
  /** A trade between a buy order and a sell order. */
  TRADE,
  /** An order's remaining quantity left the book (see {@link CancelReason}). */
  CANCELLED,
  /**
   * A resting order was modified. If it keeps priority its quantity is reduced in place;
   * otherwise it is taken off the book and re-enters as an aggressor (trades, then RESTED).
   */
  REPLACED,
  /** The book's phase changed. */
  PHASE,
  /** A special quote was shown, stepped or withdrawn: sets the executable band. */
  SPECIAL_QUOTE;

  private static final EventType[] VALUES = values();

  static EventType of(int ordinal) {
    return VALUES[ordinal];
  }
}
