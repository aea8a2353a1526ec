package io.kabuto.scenario.broker;

/**
 * One request a broker's flow wants to send: a new limit order, or a cancel of one of its
 * earlier orders. Prices in 0.1-yen units.
 */
public record OrderIntent(Op op, String clOrdId, String symbol, String side, long price, long qty,
    String tif, String origClOrdId) {

  public enum Op { NEW, CANCEL }

  public static OrderIntent limit(String clOrdId, String symbol, String side, long price, long qty, String tif) {
    return new OrderIntent(Op.NEW, clOrdId, symbol, side, price, qty, tif, null);
  }

  public static OrderIntent cancel(String origClOrdId) {
    return new OrderIntent(Op.CANCEL, "cancel:" + origClOrdId, null, null, 0, 0, null, origClOrdId);
  }
}
