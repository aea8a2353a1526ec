package io.kabuto.scenario.model;

/** The broker populations the generator can simulate. */
public enum BrokerKind {
  /** Quotes a bid and an ask around its fair value on each of its symbols, replacing old quotes. */
  MARKET_MAKER("market-maker", "MM"),
  /** Sends random limit orders (DAY or IOC) around its fair value, often crossing the spread. */
  NOISE_TRADER("noise-trader", "NT"),
  /** Reads the trade tape and buys into rises, sells into falls (marketable IOC limits). */
  MOMENTUM_TRADER("momentum-trader", "MO"),
  /** Works a large parent order in child slices over simulated time (TWAP-like). */
  INSTITUTIONAL("institutional", "IN");

  public final String word;
  /** Prefix of the generated participant names (MM1, MM2, NT1...). */
  public final String prefix;

  BrokerKind(String word, String prefix) {
    this.word = word;
    this.prefix = prefix;
  }
}
