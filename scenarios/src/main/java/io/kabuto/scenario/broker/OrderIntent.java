package io.kabuto.scenario.broker;

/**
 * One request a broker's flow wants to send: a new limit order, a cancel of one of its earlier
 * orders, or a status request for one (a broker reconciling what it does not know). Prices in
 * 0.1-yen units.
 *
 * @param symbol the order's symbol (new, status; a cancel may give it to reach an order placed
 *     through another gateway node, or leave it null)
 */
public record OrderIntent(Op op, String clOrdId, String symbol, String side, long price, long qty,
    String tif, String origClOrdId) {

  public enum Op { NEW, CANCEL, STATUS }

  public static OrderIntent limit(String clOrdId, String symbol, String side, long price, long qty, String tif) {
    return new OrderIntent(Op.NEW, clOrdId, symbol, side, price, qty, tif, null);
  }

  public static OrderIntent cancel(String origClOrdId) {
    return new OrderIntent(Op.CANCEL, "cancel:" + origClOrdId, null, null, 0, 0, null, origClOrdId);
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
      case STATUS -> "status";
    };
  }
}
