package io.kabuto.matching;

/**
 * What happens when an incoming order would trade with a resting order of the same participant
 * in continuous matching. Auctions (itayose) do not apply it: all orders there are simultaneous.
 */
public enum SelfTradePrevention {
  /** Self trades are allowed. */
  NONE,
  /** The resting order of the same participant is cancelled and matching continues. */
  CANCEL_RESTING,
  /** The incoming order's remainder is cancelled when it meets its own resting order. */
  CANCEL_AGGRESSOR;

  private static final SelfTradePrevention[] VALUES = values();

  static SelfTradePrevention of(int ordinal) {
    return VALUES[ordinal];
  }
}
