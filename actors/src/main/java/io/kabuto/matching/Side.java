package io.kabuto.matching;

/** Buy or sell. */
public enum Side {
  BUY,
  SELL;

  private static final Side[] VALUES = values();

  public Side opposite() {
    return this == BUY ? SELL : BUY;
  }

  static Side of(int ordinal) {
    return VALUES[ordinal];
  }
}
