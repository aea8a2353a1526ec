package io.kabuto.scenario.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.matching.PriceLimits;
import io.kabuto.scenario.model.BrokerKind;
import io.kabuto.scenario.model.BrokerPopulation;
import io.kabuto.scenario.model.OnFailure;
import io.kabuto.scenario.model.SymbolSpec;
import io.kabuto.matching.TickTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderFlowTest {
  static final Map<String, SymbolSpec> SYMBOLS = Map.of(
      "7203", new SymbolSpec("7203", 20000, TickTable.TOPIX500, 100),
      "4565", new SymbolSpec("4565", 4500, TickTable.STANDARD, 100));

  static List<OrderIntent> take(BrokerKind kind, long seed, int n) {
    BrokerPopulation p = new BrokerPopulation(kind, 1, 5, List.of("7203", "4565"), OnFailure.RESEND, 5);
    OrderFlow f = OrderFlow.of(new BrokerId("X1", 101, "t", p, 3), seed, SYMBOLS, "s-");
    List<OrderIntent> out = new ArrayList<>();
    while (out.size() < n) {
      out.addAll(f.next());
    }
    return out.subList(0, n);
  }

  @Test
  void theSameSeedGivesTheSameOrdersAndAnotherSeedOthers() {
    for (BrokerKind k : List.of(BrokerKind.MARKET_MAKER, BrokerKind.NOISE_TRADER)) { // the others read the market: their own tests
      assertEquals(take(k, 42, 500), take(k, 42, 500), k + ": same seed");
      assertNotEquals(take(k, 42, 500), take(k, 43, 500), k + ": other seed");
    }
  }

  @Test
  void ordersAreOnTheTickGridInsideTheLimitsInWholeLots() {
    for (BrokerKind k : List.of(BrokerKind.MARKET_MAKER, BrokerKind.NOISE_TRADER)) { // the others read the market: their own tests
      for (OrderIntent o : take(k, 7, 2000)) {
        if (o.op() == OrderIntent.Op.CANCEL) {
          continue;
        }
        SymbolSpec s = SYMBOLS.get(o.symbol());
        assertTrue(s.tickTable().onGrid(o.price()), o + " on the grid");
        assertTrue(Math.abs(o.price() - s.basePrice()) < PriceLimits.limitWidth(s.basePrice()), o + " inside the limits");
        assertEquals(0, o.qty() % s.lotSize(), o + " whole lots");
        assertTrue(o.qty() > 0);
      }
    }
  }

  @Test
  void aMarketMakerCancelsOnlyItsOwnEarlierQuotes() {
    List<OrderIntent> flow = take(BrokerKind.MARKET_MAKER, 1, 1000);
    java.util.Set<String> placed = new java.util.HashSet<>();
    for (OrderIntent o : flow) {
      if (o.op() == OrderIntent.Op.NEW) {
        assertTrue(placed.add(o.clOrdId()), "ClOrdIDs are unique: " + o.clOrdId());
      } else {
        assertTrue(placed.contains(o.origClOrdId()), "cancels an earlier order: " + o);
      }
    }
  }
}
