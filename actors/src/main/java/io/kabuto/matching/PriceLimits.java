package io.kabuto.matching;

/**
 * TSE daily price limits (by base price, normally the previous close) and special-quote renewal
 * intervals (by reference price). Tables in yen; results in {@link Prices} units.
 */
public final class PriceLimits {
  private static final long[] LIMIT_BASE_BELOW = {100, 200, 500, 700, 1_000, 1_500, 2_000, 3_000,
      5_000, 7_000, 10_000, 15_000, 20_000, 30_000, 50_000, 70_000, 100_000, 150_000, 200_000,
      300_000, 500_000, 700_000, 1_000_000};
  private static final long[] LIMIT_WIDTH = {30, 50, 80, 100, 150, 300, 400, 500, 700, 1_000, 1_500,
      3_000, 4_000, 5_000, 7_000, 10_000, 15_000, 30_000, 40_000, 50_000, 70_000, 100_000, 150_000};

  // Renewal interval, about 10% of the daily limit. The "< 100 yen" row is unverified in the
  // brief; it shares the "< 200" value until it is confirmed (change it here, one table for all books).
  private static final long[] RENEWAL_BELOW = {200, 500, 700, 1_000, 1_500, 2_000, 3_000, 5_000,
      7_000, 10_000, 15_000, 20_000, 30_000};
  private static final long[] RENEWAL = {5, 8, 10, 15, 30, 40, 50, 70, 100, 150, 300, 400, 500};

  private PriceLimits() {}

  /** Largest base price (exclusive, units) the tables cover. */
  public static final long MAX_BASE = Prices.yen(1_000_000);

  /** Daily limit width (+/-) for a base price, in units. */
  public static long limitWidth(long basePrice) {
    if (basePrice <= 0 || basePrice >= MAX_BASE) {
      throw new IllegalArgumentException(
          "base price " + Prices.format(basePrice) + " yen is outside the price-limit table (0, 1,000,000)");
    }
    for (int i = 0; i < LIMIT_BASE_BELOW.length; i++) {
      if (basePrice < Prices.yen(LIMIT_BASE_BELOW[i])) return Prices.yen(LIMIT_WIDTH[i]);
    }
    throw new AssertionError();
  }

  /** Special-quote renewal interval for a reference price, in units. */
  public static long renewalInterval(long referencePrice) {
    for (int i = 0; i < RENEWAL_BELOW.length; i++) {
      if (referencePrice < Prices.yen(RENEWAL_BELOW[i])) return Prices.yen(RENEWAL[i]);
    }
    // Above the published rows: 10% of the daily limit, as the rows above do.
    long ref = Math.min(referencePrice, MAX_BASE - 1);
    return limitWidth(ref) / 10;
  }
}
