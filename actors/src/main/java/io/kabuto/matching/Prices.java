package io.kabuto.matching;

/**
 * Every price in Kabuto is a {@code long} in units of 0.1 yen, the smallest TSE tick (TOPIX500
 * issues under 1,000 yen). So 1,234.5 yen is 12345; a 1-yen tick is 10 units. Integer arithmetic
 * only: no double ever touches a price.
 */
public final class Prices {
  public static final long UNITS_PER_YEN = 10;

  private Prices() {}

  public static long yen(long yen) {
    return yen * UNITS_PER_YEN;
  }

  /** Parses "1234", "1234.5" or "1,234.5" yen into units; throws on finer precision. */
  public static long parseYen(String text) {
    String t = text.trim().replace(",", "");
    if (t.isEmpty()) throw new IllegalArgumentException("empty price");
    if (t.startsWith("-")) throw new IllegalArgumentException("negative price " + text);
    int dot = t.indexOf('.');
    if (dot < 0) return Math.multiplyExact(Long.parseLong(t), UNITS_PER_YEN);
    String whole = t.substring(0, dot);
    String frac = t.substring(dot + 1).replaceAll("0+$", "");
    if (frac.length() > 1) {
      throw new IllegalArgumentException("price " + text + " is finer than 0.1 yen");
    }
    long w = whole.isEmpty() ? 0 : Long.parseLong(whole);
    return Math.addExact(Math.multiplyExact(w, UNITS_PER_YEN), frac.isEmpty() ? 0 : frac.charAt(0) - '0');
  }

  /** Formats units as yen, "1234" or "1234.5". */
  public static String format(long units) {
    if (units < 0) return "-" + format(-units);
    long w = units / UNITS_PER_YEN;
    long f = units % UNITS_PER_YEN;
    return f == 0 ? Long.toString(w) : w + "." + f;
  }
}
