package io.kabuto.scenario.broker;

/**
 * One request a broker's flow wants to send: a new limit order, a cancel or a replace (new price
 * and total quantity) of one of its earlier orders, or a status request for one (a broker
 * reconciling what it does not know). Prices in 0.1-yen units.
 *
 * <p>A cancel, replace or status names the order by its first ClOrdID ({@code origClOrdId}), also
 * after replaces: the exchange keeps the order under the id derived from that one, so any gateway
 * node finds it by it (with the symbol), while a replace's ClOrdID is known only to the node that
 * took the replace.
 *
 * @param symbol the order's symbol (new, replace, status; a cancel may give it to reach an order
 *     placed through another gateway node, or leave it null)
 * @param side the order's side (new; a replace repeats it, as FIX requires)
 */
public record OrderIntent(Op op, String clOrdId, String symbol, String side, long price, long qty,
    String tif, String origClOrdId) {

  public enum Op { NEW, CANCEL, REPLACE, STATUS }

  public static OrderIntent limit(String clOrdId, String symbol, String side, long price, long qty, String tif) {
    return new OrderIntent(Op.NEW, clOrdId, symbol, side, price, qty, tif, null);
  }

  public static OrderIntent cancel(String origClOrdId) {
    return new OrderIntent(Op.CANCEL, "cancel:" + origClOrdId, null, null, 0, 0, null, origClOrdId);
  }

  /**
   * Replace of order {@code origClOrdId}: its new limit price and new total quantity (fills
   * included: the exchange refuses a quantity not above what is already filled).
   */
  public static OrderIntent replace(String clOrdId, String origClOrdId, String symbol, String side, long price,
      long qty) {
    if (price <= 0 || qty <= 0) {
      throw new IllegalArgumentException("a replace of " + origClOrdId + " needs a positive price and quantity, got "
          + price + " and " + qty);
    }
    return new OrderIntent(Op.REPLACE, clOrdId, symbol, side, price, qty, null, origClOrdId);
  }

  /** The current state of order {@code origClOrdId} of {@code symbol} (changes nothing). */
  public static OrderIntent status(String origClOrdId, String symbol) {
    return new OrderIntent(Op.STATUS, "status:" + origClOrdId, symbol, null, 0, 0, null, origClOrdId);
  }

  /** The word the history's {@code op} field uses. */
  public String opWord() {
    return switch (op) {
      case NEW -> "new";
      case CANCEL -> "cancel";
      case REPLACE -> "replace";
      case STATUS -> "status";
    };
  }
}
