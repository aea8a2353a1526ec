package io.kabuto.marketdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kabuto.book.BookTopics;
import io.kabuto.book.OrderBook;
import io.kabuto.gateway.http.HttpGateway;
import io.kabuto.gateway.http.HttpTestNode;
import io.kabuto.gateway.http.HttpTestNode.Res;
import io.kabuto.gateway.http.WebSocketMessages;
import io.kabuto.matching.EventType;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import io.kabuto.node.KabutoNode;
import io.kabuto.node.NodeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Market data over HTTP and WebSocket on a real one-node cluster, and trade busts. */
class MarketDataHttpTest {
  private static final String BROKER1 = "broker1-token";
  private static final String ADMIN = "kabuto-admin";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static KabutoNode node;
  private static int port;
  private static ActorRef<ShardingEnvelope<OrderBook.Command>> books;
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicLong ids = new AtomicLong(1);

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("kabuto-md-http");
    Path conf = dir.resolve("test.conf");
    Files.writeString(conf, """
        kabuto.admin.port = 0
        kabuto.gateway.http.port = 0
        kabuto.gateway.fix.enabled = off
        kabuto.book.allow-unlisted-symbols = off
        kabuto.book.symbols {
          M1 { base-price = "2000", tick-table = TOPIX500 }
          M2 { base-price = "2000", tick-table = TOPIX500 }
        }
        """);
    node = KabutoNode.start(NodeConfig.build(new NodeConfig.Options().port(0).dataDir(dir.resolve("data"))
        .configFile(conf)));
    node.up().toCompletableFuture().get(60, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (HttpGateway.boundPort(node.system()).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    port = HttpGateway.boundPort(node.system()).orElseThrow();
    books = OrderBook.init(node.system());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.terminate();
      node.awaitTermination(Duration.ofSeconds(30));
    }
  }

  private static OrderBook.Response ask(String symbol,
      Function<ActorRef<OrderBook.Response>, OrderBook.Command> cmd) throws Exception {
    return AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>ask(books,
            r -> new ShardingEnvelope<>(symbol, cmd.apply(r)), Duration.ofSeconds(10), node.system().scheduler())
        .toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private static OrderBook.Accepted place(String symbol, int participant, Side side, long yen, long qty)
      throws Exception {
    long id = ids.incrementAndGet();
    return assertInstanceOf(OrderBook.Accepted.class, ask(symbol, r -> new OrderBook.PlaceOrder(id, participant,
        side, OrderType.LIMIT, TimeInForce.DAY, yen * 10, qty, SelfTradePrevention.NONE, 1, r)));
  }

  private static Res send(String method, String path, String token, String body) throws Exception {
    return HttpTestNode.send(client, port, method, path, token, body);
  }

  private static Res get(String path, String token) throws Exception {
    return send("GET", path, token, null);
  }

  @Test
  void pageOfTheFeedAndBadRequests() throws Exception {
    place("M2", 1, Side.SELL, 2000, 100);
    place("M2", 2, Side.BUY, 2000, 40);
    Res r = get("/market-data/M2?from=1&limit=1000", BROKER1);
    assertEquals(200, r.status(), r.raw());
    assertEquals(1, r.body().get("firstRetained").asLong());
    long last = r.body().get("lastSeq").asLong();
    JsonNode ms = r.body().get("messages");
    assertEquals(last, ms.size(), r.raw());
    for (int i = 0; i < ms.size(); i++) assertEquals(i + 1, ms.get(i).get("seq").asLong(), r.raw());
    JsonNode trade = null;
    for (JsonNode m : ms) if (m.get("kind").asText().equals("TRADE")) trade = m;
    assertTrue(trade != null, r.raw());
    assertEquals("2000", trade.get("price").asText());
    assertEquals(40, trade.get("qty").asLong());
    assertEquals("BUY", trade.get("aggressor").asText());

    Res limited = get("/market-data/M2?from=2&limit=1", BROKER1);
    assertEquals(1, limited.body().get("messages").size(), limited.raw());
    assertEquals(2, limited.body().get("messages").get(0).get("seq").asLong());

    Res unknown = get("/market-data/NOPE", BROKER1);
    assertEquals(404, unknown.status(), unknown.raw());
    assertEquals("UNKNOWN_SYMBOL", unknown.code());
    for (String bad : List.of("?from=0", "?from=abc", "?from=-3", "?limit=0", "?limit=5000")) {
      Res b = get("/market-data/M2" + bad, BROKER1);
      assertEquals(400, b.status(), bad + ": " + b.raw());
      assertTrue(b.body().get("error").asText().length() > 5, b.raw());
    }
    assertEquals(400, get("/market-data/a%20b", BROKER1).status());
    assertEquals(401, get("/market-data/M2", null).status());
    assertEquals(401, get("/market-data/M2", "nobody").status());
  }

  @Test
  void webSocketIsGapFreeFromAnOldSequenceDropsDuplicatesAndCarriesBusts() throws Exception {
    place("M1", 1, Side.SELL, 2000, 100);
    OrderBook.Accepted first = place("M1", 2, Side.BUY, 2000, 30);
    long tradeId = first.events().stream().filter(e -> e.type() == EventType.TRADE).findFirst()
        .orElseThrow().tradeId();

    BlockingQueue<String> in = new LinkedBlockingQueue<>();
    WebSocket ws = client.newWebSocketBuilder().buildAsync(
        URI.create("ws://127.0.0.1:" + port + "/ws/market-data/M1?from=1&token=" + BROKER1), new WebSocketMessages(in))
        .get(15, TimeUnit.SECONDS);
    try {
      // live messages after the subscription, and duplicates re-published on the topic
      for (int i = 0; i < 10; i++) place("M1", 1 + i % 2, i % 2 == 0 ? Side.SELL : Side.BUY, 2000 + i % 3, 10);
      OrderBook.MarketDataPage page = (OrderBook.MarketDataPage) ask("M1", r -> new OrderBook.GetMarketData(1, 1000, r));
      var topic = BookTopics.get(node.system()).marketData("M1");
      for (MarketDataMessage m : page.messages().subList(0, 3)) topic.tell(Topic.publish(m));

      Res bust = send("POST", "/admin/trades/M1/" + tradeId + "/bust", ADMIN, "{\"reason\":\"erroneous price\"}");
      assertEquals(200, bust.status(), bust.raw());
      assertEquals(30, bust.body().get("qty").asLong());
      long lastSeq = ((OrderBook.MarketDataPage) ask("M1", r -> new OrderBook.GetMarketData(1, 1, r))).lastSeq();
      assertEquals(page.lastSeq() + 1, lastSeq);

      List<JsonNode> got = new ArrayList<>();
      while (got.isEmpty() || got.get(got.size() - 1).get("seq").asLong() < lastSeq) {
        String text = in.poll(20, TimeUnit.SECONDS);
        assertTrue(text != null, "the feed stopped at " + (got.isEmpty() ? "nothing" : got.get(got.size() - 1)));
        got.add(JSON.readTree(text));
      }
      for (int i = 0; i < got.size(); i++) assertEquals(i + 1, got.get(i).get("seq").asLong(), got.toString());
      for (int i = 0; i < page.messages().size(); i++) {
        assertEquals(page.messages().get(i).kind().name(), got.get(i).get("kind").asText());
      }
      JsonNode b = got.get(got.size() - 1);
      assertEquals("BUST", b.get("kind").asText());
      assertEquals(tradeId, b.get("tradeId").asLong());
      assertEquals("erroneous price", b.get("reason").asText());
      assertTrue(in.poll(500, TimeUnit.MILLISECONDS) == null, "a duplicate got through");
    } finally {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }

    // the bust again, and bad bust requests
    Res again = send("POST", "/admin/trades/M1/" + tradeId + "/bust", ADMIN, "{\"reason\":\"x\"}");
    assertEquals(404, again.status(), again.raw());
    assertEquals("UNKNOWN_TRADE", again.code());
    assertEquals(403, send("POST", "/admin/trades/M1/" + tradeId + "/bust", BROKER1, "{\"reason\":\"x\"}").status());
    assertEquals(400, send("POST", "/admin/trades/M1/abc/bust", ADMIN, "{\"reason\":\"x\"}").status());
    assertEquals(400, send("POST", "/admin/trades/M1/5/bust", ADMIN, "{}").status());
    assertEquals(400, send("POST", "/admin/trades/M1/5/bust", ADMIN, "{\"reason\":\"x\",\"y\":1}").status());
    assertEquals(400, send("POST", "/admin/trades/M1/5/bust", ADMIN, "not json").status());
    assertEquals(404, send("POST", "/admin/trades/NOPE/5/bust", ADMIN, "{\"reason\":\"x\"}").status());
  }

  @Test
  void webSocketForAnUnknownSymbolIsRefused() {
    CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, () ->
        client.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port
            + "/ws/market-data/NOPE?token=" + BROKER1), new WebSocketMessages(new LinkedBlockingQueue<>())).join());
    var refused = assertInstanceOf(java.net.http.WebSocketHandshakeException.class, e.getCause());
    assertEquals(404, refused.getResponse().statusCode());
  }
}
