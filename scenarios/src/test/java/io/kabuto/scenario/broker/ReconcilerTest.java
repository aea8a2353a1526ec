package io.kabuto.scenario.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.scenario.history.History;
import io.kabuto.scenario.model.BrokerKind;
import io.kabuto.scenario.model.BrokerPopulation;
import io.kabuto.scenario.model.OnFailure;
import io.kabuto.scenario.model.Protocol;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exchange's cancels come some time after the drop: the broker waits for them, bounded. */
class ReconcilerTest {
  private final History history = History.inMemory(System.nanoTime(), () -> 0);
  private final BrokerId broker = new BrokerId("COD1", 201, "t", new BrokerPopulation(
      BrokerKind.MARKET_MAKER, 1, 1, List.of("7203"), OnFailure.CANCEL_ON_DISCONNECT, 1,
      Protocol.FIX), 0);
  private final OrderRoute route = new OrderRoute() {
    @Override
    public GatewayClient.Outcome send(BrokerId b, OrderIntent i, int attempt, int gw) {
      throw new AssertionError("not used");
    }

    @Override
    public List<OpenOrder> openOrders() {
      return List.of(new OpenOrder("q-1", "7203"));
    }
  };

  private static GatewayClient.Outcome state(String s) {
    ObjectNode b = History.JSON.createObjectNode();
    b.put("status", s).put("state", s);
    return new GatewayClient.Outcome(200, b, null, 1);
  }

  private JsonNode onlyReconcileLine() {
    List<JsonNode> l = history.lines().stream()
        .filter(x -> x.path("type").asText().equals("reconcile")).toList();
    assertEquals(1, l.size(), l.toString());
    return l.get(0);
  }

  @Test
  void anOrderStillLiveRightAfterTheDropIsAskedAgainUntilTheCancelArrives() {
    Deque<String> answers = new ArrayDeque<>(List.of("live", "live", "cancelled"));
    int[] asked = {0};
    new Reconciler(history, Duration.ofSeconds(10)).reconcile(broker, null, route, i -> {
      asked[0]++;
      return state(answers.poll());
    });
    JsonNode l = onlyReconcileLine();
    assertEquals(3, asked[0]);
    assertEquals("cancelled", l.path("state").asText(), l.toString());
    assertTrue(l.path("asExpected").asBoolean());
    assertTrue(l.path("waitedMs").asLong() >= 400, l.toString());
  }

  @Test
  void anOrderTheExchangeNeverCancelsIsReportedLiveAfterTheGrace() {
    long t0 = System.nanoTime();
    new Reconciler(history, Duration.ofMillis(800)).reconcile(broker, null, route, i -> state("live"));
    JsonNode l = onlyReconcileLine();
    assertEquals("live", l.path("state").asText());
    assertFalse(l.path("asExpected").asBoolean());
    assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(800).toNanos(), "waited the grace out");
  }
}
