package io.kabuto.matching;

/**
 * DAY rests until filled, cancelled or the close; IOC executes what it can at once and cancels
 * the rest; FOK executes completely at once or not at all. IOC and FOK are only accepted in
 * continuous matching: in an auction phase there is no "at once".
 */
public enum TimeInForce {
  DAY,
  IOC,
  FOK;

  private static final TimeInForce[] VALUES = values();

  static TimeInForce of(int ordinal) {
    return VALUES[ordinal];
  }
}
