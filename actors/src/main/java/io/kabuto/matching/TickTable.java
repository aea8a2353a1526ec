package io.kabuto.matching;

/**
 * TSE tick sizes, by price band ("price <= upper bound: tick"). TOPIX500 issues trade on a finer
 * grid than other issues. Bounds and ticks in {@link Prices} units (0.1 yen).
 */
public enum TickTable {
  TOPIX500(
      new long[] {1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000,
          30_000_000, Long.MAX_VALUE / 10},
      new long[] {1, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000}),
  STANDARD(
      new long[] {3_000, 5_000, 30_000, 50_000, 300_000, 500_000, 3_000_000, 5_000_000, 30_000_000,
          50_000_000, Long.MAX_VALUE / 10},
      new long[] {10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000, 500_000, 1_000_000});

  private final long[] upperUnits;
  private final long[] tickUnits;

  TickTable(long[] upperYen, long[] tickTenths) {
    this.upperUnits = new long[upperYen.length];
    for (int i = 0; i < upperYen.length; i++) {
      upperUnits[i] = upperYen[i] == Long.MAX_VALUE / 10 ? Long.MAX_VALUE : upperYen[i] * Prices.UNITS_PER_YEN;
    }
    this.tickUnits = tickTenths;
  }

  /** Tick size for an order priced at {@code price} (the band whose upper bound is >= price). */
  public long tickAt(long price) {
    for (int i = 0; i < upperUnits.length; i++) {
      if (price <= upperUnits[i]) return tickUnits[i];
    }
    return tickUnits[tickUnits.length - 1];
  }

  /** True if the price is a positive multiple of its band's tick. */
  public boolean onGrid(long price) {
    return price > 0 && price % tickAt(price) == 0;
  }

  /** The highest grid price <= price. */
  public long roundDown(long price) {
    return price - price % tickAt(price);
  }

  /** The lowest grid price >= price. */
  public long roundUp(long price) {
    long t = tickAt(price);
    long r = price % t;
    if (r == 0) return price;
    long up = price - r + t;
    return onGrid(up) ? up : roundUp(up);
  }

  /** The next grid price above a grid price. */
  public long next(long price) {
    long up = price + tickAt(price);
    return onGrid(up) ? up : roundUp(up);
  }
}
