package io.kabuto.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kabuto.node.KabutoNode;
import io.kabuto.node.NodeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A one-node cluster with all roles and the HTTP gateway on a free port; a JSON client (also for
 * the tests that run their own nodes: {@link #send(HttpClient, int, String, String, String, byte[])}).
 */
public final class HttpTestNode implements AutoCloseable {
  static final String BROKER1 = "broker1-token";
  static final String BROKER2 = "broker2-token";
  static final String ADMIN = "kabuto-admin";
  static final ObjectMapper JSON = new ObjectMapper();

  final KabutoNode node;
  final int port;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Listed symbols: S1..S20 and FUZZ, base price 2000 yen, TOPIX500 ticks (0.5 yen here). */
  HttpTestNode() throws Exception {
    this("");
  }

  /** As {@link #HttpTestNode()}, with {@code extraConfig} appended to the node's config file. */
  HttpTestNode(String extraConfig) throws Exception {
    Path dir = Files.createTempDirectory("kabuto-http");
    Path conf = dir.resolve("test.conf");
    StringBuilder symbols = new StringBuilder();
    for (int i = 1; i <= 20; i++) {
      symbols.append("    S").append(i).append(" { base-price = \"2000\", tick-table = TOPIX500 }\n");
    }
    Files.writeString(conf, """
        kabuto.admin.port = 0
        kabuto.gateway.http.port = 0
        kabuto.gateway.fix.enabled = off
        kabuto.gateway.fix.port = 0
        kabuto.gateway.book-deadline = 4s
        kabuto.book.allow-unlisted-symbols = off
        kabuto.book.symbols {
        %s    FUZZ { base-price = "2000", tick-table = TOPIX500 }
        }
        """.formatted(symbols) + extraConfig);
    node = KabutoNode.start(NodeConfig.build(new NodeConfig.Options().port(0)
        .dataDir(dir.resolve("data")).configFile(conf)));
    node.up().toCompletableFuture().get(60, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (HttpGateway.boundPort(node.system()).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    port = HttpGateway.boundPort(node.system()).orElseThrow();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public record Res(int status, JsonNode body, String raw) {
    public String code() {
      return body == null || body.get("code") == null ? null : body.get("code").asText();
    }
  }

  Res send(String method, String path, String token, byte[] body) throws Exception {
    return send(client, port, method, path, token, body);
  }

  /** {@code method path} on 127.0.0.1:{@code port} as JSON, with a bearer token unless null. */
  public static Res send(HttpClient client, int port, String method, String path, String token,
      byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode n = null;
    try {
      n = JSON.readTree(r.body());
    } catch (Exception notJson) {
      // left null: the caller's assertion says so
    }
    return new Res(r.statusCode(), n, r.body());
  }

  /** As above, the body (if any) in UTF-8. */
  public static Res send(HttpClient client, int port, String method, String path, String token,
      String body) throws Exception {
    return send(client, port, method, path, token, body == null ? null
        : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  Res send(String method, String path, String token, String body) throws Exception {
    return send(client, port, method, path, token, body);
  }

  Res post(String path, String token, String body) throws Exception {
    return send("POST", path, token, body);
  }

  Res get(String path, String token) throws Exception {
    return send("GET", path, token, (String) null);
  }

  static String order(String clOrdId, String symbol, String side, String price, long qty) {
    return "{\"clOrdId\":\"" + clOrdId + "\",\"symbol\":\"" + symbol + "\",\"side\":\"" + side
        + "\",\"type\":\"LIMIT\",\"tif\":\"DAY\",\"price\":\"" + price + "\",\"qty\":" + qty + "}";
  }

  /** Total bid + ask quantity on the book. */
  long bookQty(String symbol) throws Exception {
    Res r = get("/books/" + symbol + "/depth?levels=50", BROKER1);
    if (r.status() != 200) {
      throw new AssertionError("depth: " + r.status() + " " + r.raw());
    }
    long q = 0;
    for (JsonNode l : r.body().get("bids")) {
      q += l.get("qty").asLong();
    }
    for (JsonNode l : r.body().get("asks")) {
      q += l.get("qty").asLong();
    }
    return q;
  }

  @Override
  public void close() {
    node.terminate();
    node.awaitTermination(Duration.ofSeconds(30));
  }
}
