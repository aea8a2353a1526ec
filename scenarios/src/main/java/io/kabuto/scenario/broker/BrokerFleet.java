package io.kabuto.scenario.broker;

import io.kabuto.scenario.history.History;
import io.kabuto.scenario.model.OnFailure;
import io.kabuto.scenario.model.Protocol;
import io.kabuto.scenario.model.SymbolSpec;
import io.kabuto.scenario.run.LiveStats;
import io.kabuto.scenario.run.SimClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run's broker loops: each broker's flow (with its own view of the market for the kinds that
 * read it) and its route, the shared HTTP client or a FIX session of its own.
 */
public final class BrokerFleet {
  private BrokerFleet() {}

  /**
   * @param http the HTTP client every HTTP broker shares (and market data is read through)
   * @param gateways the gateway nodes, for the FIX brokers' sessions
   * @param clOrdPrefix what every ClOrdID of this run starts with
   */
  public static List<BrokerLoop> loops(List<BrokerId> brokers, long seed, Map<String, SymbolSpec> symbols,
      String clOrdPrefix, GatewayClient http, List<GatewayAddress> gateways, History history, SimClock clock,
      LiveStats stats, LoadLevel load, Duration requestTimeout) {
    List<BrokerLoop> out = new ArrayList<>();
    Reconciler reconciler = new Reconciler(history);
    for (BrokerId b : brokers) {
      MarketView market = new HttpMarketView(http, b.token(), b.ordinal());
      OrderFlow flow = OrderFlow.of(b, seed, symbols, clOrdPrefix, market, clock::now);
      OrderRoute route = b.population().protocol() == Protocol.FIX
          ? new FixRoute(b, gateways, history, requestTimeout) : http;
      out.add(new BrokerLoop(b, flow, route, clock, stats, load,
          b.population().onFailure() == OnFailure.CANCEL_ON_DISCONNECT ? reconciler : null));
    }
    return out;
  }
}
