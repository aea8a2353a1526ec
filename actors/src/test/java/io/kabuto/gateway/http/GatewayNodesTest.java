package io.kabuto.gateway.http;

import io.kabuto.testing.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kabuto.book.BookTopics;
import io.kabuto.book.OrderBook;
import io.kabuto.gateway.OrderIds;
import io.kabuto.gateway.http.HttpTestNode.Res;
import io.kabuto.matching.EventType;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import io.kabuto.node.KabutoNode;
import io.kabuto.node.NodeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two gateway nodes and a matching + storage node on 127.0.0.1, in one JVM, driven over HTTP as
 * brokers would: orders placed through one gateway are cancelled, replaced and looked up through
 * the other by symbol; unsolicited executions cross nodes to the participant's WebSocket; the
 * kill switch engaged on one gateway cancels in every book and blocks the participant on the
 * other gateway, also after the engaging gateway died.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayNodesTest {
  private static final String B1 = "broker1-token";
  private static final String B2 = "broker2-token";
  private static final String ADMIN = "kabuto-admin";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<KabutoNode> nodes = new ArrayList<>();
  private static KabutoNode matching;
  private static KabutoNode gw1;
  private static KabutoNode gw2;
  private static Path root;


  private static KabutoNode start(String name, String roles, int port, int seed)
      throws Exception {
    Path conf = root.resolve(name + ".conf");
    Files.writeString(conf, """
        kabuto.node.name = %s
        kabuto.node.roles = [%s]
        kabuto.storage { replicas = [m1], fsync = off }
        kabuto.admin.port = 0
        kabuto.gateway.http.port = 0
        kabuto.gateway.fix.enabled = off
        kabuto.gateway.book-deadline = 4s
        kabuto.book.allow-unlisted-symbols = off
        kabuto.book.symbols {
          X1 { base-price = "2000", tick-table = TOPIX500 }
          X2 { base-price = "2000", tick-table = TOPIX500 }
        }
        """.formatted(name, roles));
    KabutoNode n = KabutoNode.start(NodeConfig.build(new NodeConfig.Options().port(port)
        .seeds(List.of("127.0.0.1:" + seed)).dataDir(root.resolve(name)).configFile(conf)));
    nodes.add(n);
    return n;
  }

  @BeforeAll
  static void startCluster() throws Exception {
    root = Files.createTempDirectory("kabuto-gateway-nodes");
    int seed = FreePorts.next();
    matching = start("m1", "matching, storage", seed, seed);
    gw1 = start("g1", "gateway", FreePorts.next(), seed);
    gw2 = start("g2", "gateway", FreePorts.next(), seed);
    for (KabutoNode n : nodes) {
      n.up().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    await("three members up", () -> java.util.stream.StreamSupport.stream(
        Cluster.get(matching.system()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up()).count() == 3);
    await("HTTP bound", () -> HttpGateway.boundPort(gw1.system()).isPresent()
        && HttpGateway.boundPort(gw2.system()).isPresent());
  }

  @AfterAll
  static void stop() {
    for (KabutoNode n : nodes) {
      n.terminate();
    }
    for (KabutoNode n : nodes) {
      n.awaitTermination(Duration.ofSeconds(30));
    }
  }

  private static void await(String what, BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  private static Res send(KabutoNode gw, String method, String path, String token, String body)
      throws Exception {
    return HttpTestNode.send(client, HttpGateway.boundPort(gw.system()).orElseThrow(), method, path,
        token, body);
  }

  private static Res place(KabutoNode gw, String token, String clOrdId, String symbol, long qty)
      throws Exception {
    return send(gw, "POST", "/orders", token, HttpTestNode.order(clOrdId, symbol, "BUY", "1990",
        qty));
  }

  private static long bidQty(String symbol) throws Exception {
    Res r = send(gw2, "GET", "/books/" + symbol + "/depth?levels=50", B1, null);
    assertEquals(200, r.status(), r.raw());
    long q = 0;
    for (JsonNode l : r.body().get("bids")) {
      q += l.get("qty").asLong();
    }
    return q;
  }

  @Test
  @Order(1)
  void orders_placed_through_one_gateway_are_managed_through_the_other_by_symbol()
      throws Exception {
    assertEquals(200, place(gw1, B1, "n-1", "X1", 300).status());
    Res blind = send(gw2, "DELETE", "/orders/n-1", B1, null);
    assertEquals(404, blind.status(), blind.raw());
    assertEquals("UNKNOWN_CLORDID", blind.code());

    Res look = send(gw2, "GET", "/orders/n-1?symbol=X1", B1, null);
    assertEquals(200, look.status(), look.raw());
    assertEquals("live", look.body().get("state").asText(), look.raw());
    assertEquals(300, look.body().get("qty").asLong(), look.raw());

    Res rep = send(gw2, "PATCH", "/orders/n-1", B1,
        "{\"clOrdId\":\"n-2\",\"qty\":200,\"symbol\":\"X1\"}");
    assertEquals(200, rep.status(), rep.raw());
    assertEquals(200, bidQty("X1"));

    Res cxl = send(gw2, "DELETE", "/orders/n-2?symbol=X1", B1, null);
    assertEquals(200, cxl.status(), cxl.raw());
    assertEquals("cancelled", cxl.body().get("state").asText(), cxl.raw());
    assertEquals(0, bidQty("X1"));

    // Another participant cannot reach it, even with the symbol; a bad symbol is a 400.
    assertEquals(200, place(gw1, B1, "n-3", "X1", 100).status());
    Res other = send(gw2, "DELETE", "/orders/n-3?symbol=X1", B2, null);
    assertEquals(422, other.status(), other.raw());
    assertEquals("UNKNOWN_ORDER", other.code());
    assertEquals(100, bidQty("X1"));
    assertEquals(400, send(gw2, "GET", "/orders/n-3?symbol=X%241", B1, null).status());
    assertEquals(200, send(gw1, "DELETE", "/orders/n-3", B1, null).status());
  }

  @Test
  @Order(2)
  void an_execution_published_on_the_matching_node_reaches_the_websocket_on_a_gateway()
      throws Exception {
    assertEquals(200, place(gw2, B2, "x-1", "X2", 100).status());
    long orderId = OrderIds.of(2, "x-1");
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    int port = HttpGateway.boundPort(gw2.system()).orElseThrow();
    WebSocket ws = client.newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/executions?token=" + B2),
            new WebSocketMessages(got))
        .get(10, TimeUnit.SECONDS);
    try {
      // The resting buy order x-1 is hit by a seller: the book's topic message, as published
      // on the matching node (trade: buy order first).
      var event = new OrderBook.EventData(EventType.TRADE, 5000, 41, orderId, 123_456, 2, 1,
          Side.SELL.ordinal(), OrderType.LIMIT.ordinal(), TimeInForce.DAY.ordinal(), 19_900, 0,
          40, 60, 0, 0, 0);
      var topic = BookTopics.get(matching.system()).executions(2);
      JsonNode exec = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (exec == null && System.nanoTime() < deadline) {
        topic.tell(Topic.publish(new BookTopics.OwnExecution("X2", 9, 2, orderId, 2, event, null)));
        String m = got.poll(300, TimeUnit.MILLISECONDS);
        if (m != null && JSON.readTree(m).get("event") != null) {
          exec = JSON.readTree(m);
        }
      }
      assertNotNull(exec, "no execution on the WebSocket");
      assertEquals("execution", exec.get("type").asText(), exec.toString());
      assertEquals("x-1", exec.get("clOrdId").asText(), exec.toString());
      assertEquals("BUY", exec.get("side").asText(), exec.toString());
      assertEquals(40, exec.get("lastQty").asLong(), exec.toString());
      assertEquals("1990", exec.get("lastPx").asText(), exec.toString());
      assertEquals(60, exec.get("leaves").asLong(), exec.toString());
      assertEquals(9, exec.get("bookSeq").asLong(), exec.toString());
      assertEquals("TRADE", exec.get("event").get("type").asText(), exec.toString());
      // Every later copy of (X2, 9, 2) is a duplicate.
      String again = got.poll(500, TimeUnit.MILLISECONDS);
      assertTrue(again == null || JSON.readTree(again).get("event") == null, again);
      assertEquals(200, send(gw2, "DELETE", "/orders/x-1", B2, null).status());
    } finally {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
  }

  @Test
  @Order(3)
  void the_kill_switch_cancels_in_every_book_whichever_gateway_placed_the_orders()
      throws Exception {
    assertEquals(200, place(gw1, B1, "k-1", "X1", 100).status());
    assertEquals(200, place(gw2, B1, "k-2", "X2", 200).status());
    try {
      Res kill = send(gw2, "POST", "/admin/participants/BROKER1/kill-switch", ADMIN, null);
      assertEquals(200, kill.status(), kill.raw());
      assertEquals("engaged", kill.body().get("killSwitch").asText(), kill.raw());
      assertEquals(2, kill.body().get("cancelled").asInt(), kill.raw());
      assertEquals(0, kill.body().get("unansweredBooks").size(), kill.raw());
      assertEquals("majority", kill.body().get("recorded").asText(), kill.raw());
      assertEquals(0, bidQty("X1"));
      assertEquals(0, bidQty("X2"));
    } finally {
      assertEquals(200, send(gw2, "DELETE", "/admin/participants/BROKER1/kill-switch", ADMIN,
          null).status());
    }
  }

  @Test
  @Order(4)
  void the_kill_switch_blocks_on_every_gateway_and_outlives_the_gateway_that_engaged_it()
      throws Exception {
    Res kill = send(gw1, "POST", "/admin/participants/BROKER2/kill-switch", ADMIN, null);
    assertEquals(200, kill.status(), kill.raw());
    assertEquals("majority", kill.body().get("recorded").asText(), kill.raw());
    Res state = send(gw2, "GET", "/admin/participants/BROKER2/kill-switch", ADMIN, null);
    assertEquals("engaged", state.body().get("killSwitch").asText(), state.raw());
    await("gateway 2 refuses BROKER2", () -> {
      try {
        return "KILL_SWITCH".equals(place(gw2, B2, "b-" + System.nanoTime(), "X1", 1).code());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    // BROKER1 is not affected.
    Res b1 = place(gw2, B1, "free-1", "X1", 1);
    assertEquals(200, b1.status(), b1.raw());
    assertEquals(200, send(gw2, "DELETE", "/orders/free-1", B1, null).status());

    gw1.terminate();
    gw1.awaitTermination(Duration.ofSeconds(30));
    Res after = place(gw2, B2, "b-after", "X1", 1);
    assertEquals(403, after.status(), after.raw());
    assertEquals("KILL_SWITCH", after.code());
    Res replace = send(gw2, "PATCH", "/orders/x-1", B2, "{\"clOrdId\":\"x-9\",\"qty\":50}");
    assertEquals("KILL_SWITCH", replace.code(), replace.raw());

    Res release = send(gw2, "DELETE", "/admin/participants/BROKER2/kill-switch", ADMIN, null);
    assertEquals(200, release.status(), release.raw());
    assertEquals("released", send(gw2, "GET", "/admin/participants/BROKER2/kill-switch", ADMIN,
        null).body().get("killSwitch").asText());
    Res ok = place(gw2, B2, "b-released", "X1", 1);
    assertEquals(200, ok.status(), ok.raw());
  }
}
