package io.kabuto.matching;

/** Limit orders carry a price; market orders take whatever the book offers within the band. */
public enum OrderType {
  LIMIT,
  MARKET;

  private static final OrderType[] VALUES = values();

  static OrderType of(int ordinal) {
    return VALUES[ordinal];
  }
}
