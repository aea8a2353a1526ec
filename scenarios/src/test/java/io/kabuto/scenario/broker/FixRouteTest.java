package io.kabuto.scenario.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.node.KabutoNode;
import io.kabuto.node.NodeConfig;
import io.kabuto.scenario.history.History;
import io.kabuto.scenario.model.BrokerKind;
import io.kabuto.scenario.model.BrokerPopulation;
import io.kabuto.scenario.model.OnFailure;
import io.kabuto.scenario.model.Protocol;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import quickfix.Session;
import quickfix.SessionID;

/**
 * A FIX broker's route against a real one-node Kabuto in this JVM: the answers it rebuilds from
 * ExecutionReports (resting, IOC remainder, a trade whose resting side is reported apart, a
 * resend), and cancel-on-disconnect: after its session drops, its live order is found cancelled.
 * Starts a node: run it under flock /tmp/kabuto-heavy.lock.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FixRouteTest {
  static Path tmp;
  static KabutoNode node;
  static int fixPort;
  static int httpPort;
  static final String RUN = Long.toString(System.nanoTime(), 36);

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    tmp = Files.createTempDirectory("kabuto-fix-route");
    fixPort = freePort();
    httpPort = freePort();
    Path conf = tmp.resolve("node.conf");
    Files.writeString(conf, """
        kabuto.gateway.fix.port = %d
        kabuto.gateway.http.port = %d
        kabuto.book.allow-unlisted-symbols = off
        kabuto.book.symbols { "C1" { base-price = "2000", tick-table = TOPIX500, lot-size = 100 } }
        kabuto.gateway.participants {
          COD1 { id = 201, password = "cod1", token = "cod1-token", rate-per-second = 1000,
                 max-order-qty = 1000000, max-notional-yen = 1000000000, cancel-on-disconnect = on }
          NEXT1 { id = 202, password = "next1", token = "next1-token", rate-per-second = 1000,
                 max-order-qty = 1000000, max-notional-yen = 1000000000, cancel-on-disconnect = off }
        }
        """.formatted(fixPort, httpPort));
    node = KabutoNode.start(NodeConfig.build(new NodeConfig.Options().port(0).dataDir(tmp).configFile(conf)));
    node.up().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.terminate();
      node.awaitTermination(Duration.ofSeconds(30));
    }
  }

  static JsonNode body(GatewayClient.Outcome o) {
    assertEquals(200, o.status(), "answered 200: " + o);
    return o.body();
  }

  static List<String> events(JsonNode body) {
    List<String> out = new ArrayList<>();
    body.path("events").forEach(e -> out.add(e.path("type").asText()));
    return out;
  }

  @Test
  void answersAreRebuiltAsOverHttpAndCancelOnDisconnectIsReconciled() throws Exception {
    History history = History.inMemory(System.nanoTime(), () -> 0);
    BrokerPopulation pop = new BrokerPopulation(BrokerKind.NOISE_TRADER, 1, 1, List.of("C1"),
        OnFailure.CANCEL_ON_DISCONNECT, 1, Protocol.FIX);
    BrokerId cod = new BrokerId("COD1", 201, "cod1-token", pop, 0);
    GatewayAddress gw = new GatewayAddress("node", URI.create("http://127.0.0.1:" + httpPort), "127.0.0.1", fixPort);
    FixRoute route = new FixRoute(cod, List.of(gw), history, Duration.ofSeconds(15));
    try {
      OrderIntent bid = OrderIntent.limit(RUN + "-bid", "C1", "BUY", 19900, 100, "DAY");
      JsonNode rested = body(route.send(cod, bid, 1, 0));
      assertEquals(List.of("ACCEPTED", "RESTED"), events(rested));
      assertEquals("accepted", rested.path("status").asText());
      assertEquals("live", rested.path("state").asText());
      assertEquals(List.of(new OrderRoute.OpenOrder(bid.clOrdId(), "C1")), route.openOrders());

      JsonNode resent = body(route.send(cod, bid, 2, 0));
      assertEquals("live", resent.path("status").asText(), "a resend gets the order's state, not a second order");
      assertEquals(rested.path("orderId").asText(), resent.path("orderId").asText());

      OrderIntent miss = OrderIntent.limit(RUN + "-miss", "C1", "SELL", 21000, 100, "IOC");
      JsonNode missed = body(route.send(cod, miss, 1, 0));
      assertEquals(List.of("ACCEPTED", "CANCELLED"), events(missed));
      assertEquals("cancelled", missed.path("state").asText());

      // sells into its own bid: the sell's answer has the trade as aggressor, the bid's fill
      // (added liquidity) comes apart and only marks the bid done
      OrderIntent hit = OrderIntent.limit(RUN + "-hit", "C1", "SELL", 19900, 300, "IOC");
      JsonNode hitBody = body(route.send(cod, hit, 1, 0));
      assertEquals(List.of("ACCEPTED", "TRADE", "CANCELLED"), events(hitBody));
      JsonNode trade = hitBody.path("events").get(1);
      assertEquals("1990", trade.path("price").asText());
      assertEquals(100, trade.path("qty").asLong());
      assertTrue(trade.path("aggressor").asBoolean() && trade.path("tradeId").asLong() > 0, trade.toString());
      assertEquals(100, hitBody.path("filled").asLong());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!route.openOrders().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(List.of(), route.openOrders(), "the bid's passive fill was reported: it is done");

      OrderIntent left = OrderIntent.limit(RUN + "-left", "C1", "BUY", 19800, 200, "DAY");
      assertEquals("live", body(route.send(cod, left, 1, 0)).path("state").asText());
      GatewayClient.Outcome late = route.send(cod, OrderIntent.cancel(bid.clOrdId()), 1, 0);
      assertEquals(422, late.status(), "too late to cancel a filled order, as over HTTP: " + late);
      assertEquals("UNKNOWN_ORDER", late.body().path("code").asText());

      // replaces (35=G) of the live bid, named by its first ClOrdID: a reprice rests it again; a
      // smaller quantity at the same price is applied in place; a reprice through a resting sell
      // trades as the aggressor; a replace of a filled order is refused as over HTTP
      JsonNode up = body(route.send(cod, OrderIntent.replace(RUN + "-left-r1", left.clOrdId(), "C1", "BUY", 19850, 300),
          1, 0));
      assertEquals(List.of("REPLACED", "RESTED"), events(up), up.toString());
      assertEquals("accepted", up.path("status").asText());
      assertEquals(RUN + "-left-r1", up.path("clOrdId").asText());
      assertEquals("1985", up.path("events").get(0).path("price").asText());
      assertEquals(300, up.path("leaves").asLong());
      JsonNode down = body(route.send(cod, OrderIntent.replace(RUN + "-left-r2", left.clOrdId(), "C1", "BUY", 19850, 200),
          1, 0));
      assertEquals(List.of("REPLACED"), events(down), "same price, smaller: keeps its priority, not rested again");
      assertEquals(List.of(new OrderRoute.OpenOrder(left.clOrdId(), "C1")), route.openOrders(),
          "listed once, by its first ClOrdID");
      OrderIntent offer = OrderIntent.limit(RUN + "-offer", "C1", "SELL", 19900, 100, "DAY");
      assertEquals("live", body(route.send(cod, offer, 1, 0)).path("state").asText());
      JsonNode through = body(route.send(cod, OrderIntent.replace(RUN + "-left-r3", left.clOrdId(), "C1", "BUY", 19900,
          300), 1, 0));
      assertEquals(List.of("REPLACED", "TRADE", "RESTED"), events(through), through.toString());
      assertTrue(through.path("events").get(1).path("aggressor").asBoolean());
      assertEquals(100, through.path("filled").asLong());
      assertEquals(200, through.path("leaves").asLong());
      GatewayClient.Outcome gone = route.send(cod, OrderIntent.replace(RUN + "-bid-r1", bid.clOrdId(), "C1", "BUY", 19800,
          100), 1, 0);
      assertEquals(422, gone.status(), "a filled order cannot be replaced: " + gone);
      assertEquals("UNKNOWN_ORDER", gone.body().path("code").asText());
      JsonNode st = body(route.send(cod, OrderIntent.status(left.clOrdId(), "C1"), 1, 0));
      assertEquals("1990", st.path("price").asText(), st.toString());
      assertEquals(300, st.path("qty").asLong());
      assertEquals(100, st.path("filled").asLong());

      // the same over HTTP: PATCH names the order by its first ClOrdID, with the symbol
      GatewayClient http = new GatewayClient(List.of(URI.create("http://127.0.0.1:" + httpPort)), history,
          Duration.ofSeconds(15));
      OrderIntent h1 = OrderIntent.limit(RUN + "-h1", "C1", "SELL", 20500, 100, "DAY");
      assertEquals("live", body(http.send(cod, h1, 1, 0)).path("state").asText());
      JsonNode hr = body(http.send(cod, OrderIntent.replace(RUN + "-h1-r1", h1.clOrdId(), "C1", "SELL", 20400, 200), 1,
          0));
      assertEquals(List.of("REPLACED", "RESTED"), events(hr), hr.toString());
      JsonNode hs = body(http.lookup(cod, h1.clOrdId(), "C1", URI.create("http://127.0.0.1:" + httpPort)));
      assertEquals("2040", hs.path("price").asText(), hs.toString());
      assertEquals(200, hs.path("qty").asLong());
      assertEquals("cancelled", body(http.send(cod, OrderIntent.cancel(h1.clOrdId()), 1, 0)).path("state").asText());

      // the session drops; cancel-on-disconnect cancels the live bid; QuickFIX/J logs on again
      Session.lookupSession(new SessionID("FIX.4.4", "COD1", "KABUTO")).disconnect("test: the line drops", false);
      new Reconciler(history).reconcile(cod, OrderIntent.cancel(left.clOrdId()), route,
          status -> route.send(cod, status, 1, 0));
      List<JsonNode> found = history.lines().stream().filter(l -> l.path("type").asText().equals("reconcile")).toList();
      assertEquals(1, found.size(), "one live order to reconcile: " + found);
      assertEquals(left.clOrdId(), found.get(0).path("clOrdId").asText());
      assertEquals("cancelled", found.get(0).path("state").asText(), found.get(0).toString());
      assertTrue(found.get(0).path("asExpected").asBoolean());

      // every request has its invoke and one ok line naming it, as the checker pairs them; a
      // replace's invoke names the order and the new terms
      assertTrue(history.lines().stream().anyMatch(l -> l.path("type").asText().equals("invoke")
          && l.path("op").asText().equals("replace") && l.path("orig").asText().equals(left.clOrdId())
          && l.path("price").asText().equals("1990") && l.path("qty").asLong() == 300));
      for (JsonNode l : history.lines()) {
        if (l.path("type").asText().equals("ok")) {
          JsonNode inv = history.lines().get((int) l.path("invoke").asLong() - 1);
          assertEquals("invoke", inv.path("type").asText());
          assertEquals(inv.path("clOrdId").asText(), l.path("clOrdId").asText());
          assertEquals("http://127.0.0.1:" + httpPort, inv.path("gw").asText());
        }
      }
    } finally {
      route.close();
    }
  }

  /**
   * A second run against the same cluster ({@code --attach}): the exchange remembers the first
   * run's sequence numbers, the new broker process starts at 1, and must still log on.
   */
  @Test
  void aNewRunLogsOnAgainstAnExchangeThatRemembersAnEarlierRunsSequence() throws Exception {
    History history = History.inMemory(System.nanoTime(), () -> 0);
    BrokerPopulation pop = new BrokerPopulation(BrokerKind.NOISE_TRADER, 1, 1, List.of("C1"),
        OnFailure.RESEND, 1, Protocol.FIX);
    BrokerId next = new BrokerId("NEXT1", 202, "next1-token", pop, 0);
    GatewayAddress gw = new GatewayAddress("node", URI.create("http://127.0.0.1:" + httpPort), "127.0.0.1", fixPort);
    for (int run = 1; run <= 2; run++) {
      FixRoute route = new FixRoute(next, List.of(gw), history, Duration.ofSeconds(15));
      try {
        for (int i = 0; i < 3; i++) {
          OrderIntent o = OrderIntent.limit(RUN + "-next-" + run + "-" + i, "C1", "BUY", 19000, 100, "DAY");
          assertEquals("live", body(route.send(next, o, 1, 0)).path("state").asText(), "run " + run);
        }
      } finally {
        route.close();
      }
    }
  }
}
