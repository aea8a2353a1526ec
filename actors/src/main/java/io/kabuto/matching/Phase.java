package io.kabuto.matching;

/**
 * The trading phase of one book. The market schedule (a watchdog) drives transitions; the book
 * runs the itayose that a transition implies:
 *
 * <ul>
 *   <li>PRE_OPEN, HALTED or BREAK -> CONTINUOUS: opening / resumption itayose (band 1x the
 *       special-quote renewal interval around the reference price);
 *   <li>CONTINUOUS -> BREAK or CLOSED: session-close itayose (band 1x);
 *   <li>PRE_CLOSE -> BREAK or CLOSED: closing auction (band = closing multiplier, 2x by default).
 * </ul>
 *
 * Entering CLOSED expires every resting order (all orders are day orders).
 */
public enum Phase {
  /** No orders accepted; the book is empty. */
  CLOSED(false, false),
  /** Orders accepted, nothing executes; the opening itayose follows. */
  PRE_OPEN(true, false),
  /** Zaraba: continuous price-time matching. */
  CONTINUOUS(true, true),
  /** Orders accepted, nothing executes; treated as simultaneous for the closing auction. */
  PRE_CLOSE(true, false),
  /** Between sessions (lunch): new orders rejected, cancels allowed. */
  BREAK(false, false),
  /** Trading halt: orders accepted, nothing executes; resumes by itayose. */
  HALTED(true, false);

  private static final Phase[] VALUES = values();

  private final boolean acceptsOrders;
  private final boolean matchesContinuously;

  Phase(boolean acceptsOrders, boolean matchesContinuously) {
    this.acceptsOrders = acceptsOrders;
    this.matchesContinuously = matchesContinuously;
  }

  public boolean acceptsOrders() {
    return acceptsOrders;
  }

  public boolean matchesContinuously() {
    return matchesContinuously;
  }

  static Phase of(int ordinal) {
    return VALUES[ordinal];
  }
}
