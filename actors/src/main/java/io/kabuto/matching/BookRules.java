package io.kabuto.matching;

/**
 * The static rules of one symbol's book for one trading day.
 *
 * @param symbol instrument code, e.g. "7203"
 * @param ticks tick table (TOPIX500 issues have a finer grid)
 * @param basePrice base for the daily price limits (normally the previous close), in units
 * @param lotSize trading unit: quantities must be multiples of it (TSE: 100 shares)
 * @param maxOrderQuantity hard upper bound on one order's quantity
 * @param closingBandMultiplier the closing auction may trade within this many renewal intervals
 *     of the reference price (TSE since 2024-11: 2)
 * @param specialQuoteStepMillis how often a special quote steps by one renewal interval (TSE: 3 min)
 * @param specialQuotes false switches the special-quote mechanism off (trades may then jump
 *     anywhere inside the daily limits)
 * @param initialPhase the phase a fresh book starts in
 */
public record BookRules(
    String symbol,
    TickTable ticks,
    long basePrice,
    long lotSize,
    long maxOrderQuantity,
    int closingBandMultiplier,
    long specialQuoteStepMillis,
    boolean specialQuotes,
    Phase initialPhase) {

  public BookRules {
    if (symbol == null || symbol.isBlank()) throw new IllegalArgumentException("symbol is required");
    if (ticks == null) throw new IllegalArgumentException("tick table is required");
    if (!ticks.onGrid(basePrice)) {
      throw new IllegalArgumentException(
          "base price " + Prices.format(basePrice) + " of " + symbol + " is not on its tick grid");
    }
    PriceLimits.limitWidth(basePrice); // validates the range
    if (lotSize <= 0) throw new IllegalArgumentException("lot size must be positive");
    if (maxOrderQuantity < lotSize) throw new IllegalArgumentException("max order quantity below lot size");
    if (closingBandMultiplier <= 0) throw new IllegalArgumentException("closing band multiplier must be positive");
    if (specialQuoteStepMillis <= 0) throw new IllegalArgumentException("special quote step must be positive");
    if (initialPhase == null) throw new IllegalArgumentException("initial phase is required");
  }

  /** TSE defaults: lot 1 (set 100 for real TSE lots), 2x closing band, 3-minute steps, continuous. */
  public static BookRules tse(String symbol, TickTable ticks, long basePrice) {
    return new BookRules(symbol, ticks, basePrice, 1, 100_000_000L, 2, 180_000, true, Phase.CONTINUOUS);
  }

  public BookRules withInitialPhase(Phase phase) {
    return new BookRules(symbol, ticks, basePrice, lotSize, maxOrderQuantity, closingBandMultiplier,
        specialQuoteStepMillis, specialQuotes, phase);
  }

  public BookRules withSpecialQuotes(boolean on) {
    return new BookRules(symbol, ticks, basePrice, lotSize, maxOrderQuantity, closingBandMultiplier,
        specialQuoteStepMillis, on, initialPhase);
  }

  public BookRules withLotSize(long lot) {
    return new BookRules(symbol, ticks, basePrice, lot, maxOrderQuantity, closingBandMultiplier,
        specialQuoteStepMillis, specialQuotes, initialPhase);
  }

  /** Lowest price accepted today (the lower daily limit). */
  public long lowerLimit() {
    long raw = basePrice - PriceLimits.limitWidth(basePrice);
    return raw <= ticks.tickAt(1) ? ticks.tickAt(1) : ticks.roundUp(raw);
  }

  /** Highest price accepted today (the upper daily limit). */
  public long upperLimit() {
    return ticks.roundDown(basePrice + PriceLimits.limitWidth(basePrice));
  }
}
