package io.kabuto.scenario.broker;

import io.kabuto.scenario.model.BrokerKind;
import io.kabuto.scenario.model.SymbolSpec;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A broker's stream of requests. It depends only on the seed, the broker and the symbols, never on
 * answers or timing, so the same seed gives the same sequence in every run (how much of it is sent
 * depends on the wall clock).
 */
public interface OrderFlow {

  /** The next requests to send, in order (never empty). */
  List<OrderIntent> next();

  static OrderFlow of(BrokerId broker, long seed, Map<String, SymbolSpec> symbols, String clOrdPrefix) {
    // one independent stream per broker: the seed mixed with the broker's place in the roster
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + broker.ordinal() * 0xBF58476D1CE4E5B9L + 1);
    List<SymbolSpec> syms = broker.population().symbols().stream().map(symbols::get).toList();
    String prefix = clOrdPrefix + broker.name() + "-";
    int lots = broker.population().quantityLots();
    return broker.population().kind() == BrokerKind.MARKET_MAKER
        ? new MarketMakerFlow(rnd, syms, prefix, lots) : new NoiseTraderFlow(rnd, syms, prefix, lots);
  }
}
