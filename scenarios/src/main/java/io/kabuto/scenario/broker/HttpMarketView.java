package io.kabuto.scenario.broker;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.matching.Prices;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A broker's market view over a gateway's HTTP market data, with its own token: it pages through
 * {@code GET /market-data/{symbol}?from=N} as a tape reader does, and asks the depth for the
 * touch. What it reads is not written to the history (no order is sent).
 */
final class HttpMarketView implements MarketView {
  /** Messages per poll: a reader far behind catches up over several polls. */
  static final int PAGE = 200;

  private final GatewayClient client;
  private final String token;
  private final int gateway;
  /** Symbol to the next feed sequence number to read. */
  private final Map<String, Long> next = new HashMap<>();

  HttpMarketView(GatewayClient client, String token, int gateway) {
    this.client = client;
    this.token = token;
    this.gateway = gateway;
  }

  @Override
  public List<Long> newTrades(String symbol) {
    long from = next.getOrDefault(symbol, 1L);
    GatewayClient.Outcome o = client.marketData(token, symbol, from, PAGE, gateway);
    if (o.status() != 200) {
      return List.of(); // the book is failing over: read on from the same place next time
    }
    JsonNode page = o.body();
    List<Long> prices = new ArrayList<>();
    long last = from - 1;
    for (JsonNode m : page.path("messages")) {
      last = Math.max(last, m.path("seq").asLong());
      if ("TRADE".equals(m.path("kind").asText())) {
        prices.add(Prices.parseYen(m.path("price").asText()));
      }
    }
    // the book forgot older messages (reset): go on from what it still has
    long first = page.path("firstRetained").asLong(from);
    next.put(symbol, Math.max(last + 1, first));
    return prices;
  }

  @Override
  public Touch touch(String symbol) {
    GatewayClient.Outcome o = client.depth(token, symbol, gateway);
    if (o.status() != 200) {
      return Touch.NONE;
    }
    return new Touch(best(o.body().path("bids")), best(o.body().path("asks")));
  }

  private static long best(JsonNode levels) {
    return levels.size() == 0 ? 0 : Prices.parseYen(levels.get(0).path("price").asText());
  }
}
