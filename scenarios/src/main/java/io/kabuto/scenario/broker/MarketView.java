package io.kabuto.scenario.broker;

import java.util.List;

/**
 * What a broker reads of the market besides its own answers: the public trade tape and the best
 * bid and ask. Prices in 0.1-yen units.
 */
public interface MarketView {

  /** The trade prices printed on the symbol's tape since the previous call, oldest first. */
  List<Long> newTrades(String symbol);

  /** The best bid and ask now; 0 for an empty side, or both 0 if the book did not answer. */
  Touch touch(String symbol);

  record Touch(long bid, long ask) {
    public static final Touch NONE = new Touch(0, 0);
  }
}
