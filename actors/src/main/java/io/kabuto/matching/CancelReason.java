package io.kabuto.matching;

/** Why the remaining quantity of an order left the book without trading. */
public enum CancelReason {
  /** The owner cancelled it. */
  REQUESTED,
  /** IOC remainder. */
  IOC_REMAINDER,
  /** FOK that could not be filled completely. */
  FOK_UNFILLED,
  /** Market order with nothing left to trade against in continuous matching. */
  NO_LIQUIDITY,
  /** Market order not executed in an itayose. */
  AUCTION_UNFILLED,
  /** Self-trade prevention. */
  SELF_TRADE,
  /** Day order expired at the close. */
  EXPIRED;

  private static final CancelReason[] VALUES = values();

  static CancelReason of(int ordinal) {
    return VALUES[ordinal];
  }
}
