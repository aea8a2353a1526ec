package io.kabuto.scenario.broker;

import io.kabuto.scenario.model.SymbolSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * A broker's stream of requests, drawn from the broker's own seeded random stream. A market
 * maker's or noise trader's depends only on the seed, the broker and the symbols; a momentum
 * trader's and an institutional order's also on what they read of the market and the answers
 * they got. So the same seed gives the same sequence for the same market in every run (how much
 * of it is sent depends on the wall clock).
 */
public interface OrderFlow {

  /** The next requests to send, in order; empty: nothing to do this turn (the loop waits one). */
  List<OrderIntent> next();

  /**
   * What the exchange finally answered to one of this flow's requests (after the broker's resends,
   * if any): a flow that keeps track of its orders learns their fills here.
   */
  default void answered(OrderIntent intent, GatewayClient.Outcome outcome) {}

  /** A market maker's or noise trader's flow: they read nothing of the market. */
  static OrderFlow of(BrokerId broker, long seed, Map<String, SymbolSpec> symbols, String clOrdPrefix) {
    return of(broker, seed, symbols, clOrdPrefix, null, null);
  }

  /**
   * @param market what the broker reads of the market (momentum traders, institutional orders)
   * @param simNow the simulated time of day in ms (momentum traders, institutional orders)
   */
  static OrderFlow of(BrokerId broker, long seed, Map<String, SymbolSpec> symbols, String clOrdPrefix,
      MarketView market, LongSupplier simNow) {
    // one independent stream per broker: the seed mixed with the broker's place in the roster
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + broker.ordinal() * 0xBF58476D1CE4E5B9L + 1);
    List<SymbolSpec> syms = broker.population().symbols().stream().map(symbols::get).toList();
    String prefix = clOrdPrefix + broker.name() + "-";
    int lots = broker.population().quantityLots();
    return switch (broker.population().kind()) {
      case MARKET_MAKER -> new MarketMakerFlow(rnd, syms, prefix, lots);
      case NOISE_TRADER -> new NoiseTraderFlow(rnd, syms, prefix, lots);
      case MOMENTUM_TRADER -> new MomentumTraderFlow(rnd, syms, prefix, lots, needs(market, broker),
          needs(simNow, broker));
      case INSTITUTIONAL -> new InstitutionalFlow(rnd, syms, prefix, needs(market, broker), needs(simNow, broker));
    };
  }

  private static <T> T needs(T what, BrokerId broker) {
    return Objects.requireNonNull(what, () -> broker.name() + " (" + broker.population().kind().word
        + ") reads the market and the clock: give it a MarketView and the simulated time");
  }
}
