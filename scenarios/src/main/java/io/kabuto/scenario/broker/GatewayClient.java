package io.kabuto.scenario.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.matching.Prices;
import io.kabuto.scenario.history.History;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Order entry over the HTTP gateways (bearer token per participant). Every request is written to
 * the history before it is sent ({@code invoke}) and its outcome after ({@code ok} with the HTTP
 * status and body, or {@code fail} when no answer came).
 */
public final class GatewayClient implements OrderRoute {
  private final List<URI> gateways;
  private final HttpClient http;
  private final History history;
  private final Duration timeout;

  /**
   * One answer, or none ({@code status == -1}, {@code error} says why).
   *
   * @param connectionLost no answer because the broker's session to the gateway dropped while it
   *     waited (a FIX broker relying on cancel-on-disconnect reconciles then)
   */
  public record Outcome(int status, JsonNode body, String error, long latencyMs, boolean connectionLost) {
    public Outcome(int status, JsonNode body, String error, long latencyMs) {
      this(status, body, error, latencyMs, false);
    }

    public boolean answered() {
      return status > 0;
    }

    /** No answer, or the gateway's "exchange unavailable" (the book did not answer in time). */
    public boolean unavailable() {
      return status < 0 || status == 503;
    }
  }

  /**
   * @param timeout how long to wait for an answer: above the gateway's book-deadline (10 s), which
   *     keeps retrying a book that fails over
   */
  public GatewayClient(List<URI> gateways, History history, Duration timeout) {
    if (gateways.isEmpty()) {
      throw new IllegalArgumentException("the topology has no node with role gateway: brokers need one");
    }
    this.gateways = List.copyOf(gateways);
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.history = history;
    this.timeout = timeout;
  }

  public int gatewayCount() {
    return gateways.size();
  }

  @Override
  public Outcome send(BrokerId broker, OrderIntent intent, int attempt, int gatewayIndex) {
    URI gw = gateways.get(Math.floorMod(gatewayIndex, gateways.size()));
    ObjectNode inv = history.line("invoke");
    inv.put("broker", broker.name());
    inv.put("op", intent.opWord());
    inv.put("clOrdId", intent.clOrdId());
    inv.put("attempt", attempt);
    inv.put("gw", gw.toString());
    HttpRequest.Builder req;
    if (intent.op() == OrderIntent.Op.NEW) {
      describeNew(inv, intent);
      ObjectNode body = History.JSON.createObjectNode();
      body.put("clOrdId", intent.clOrdId());
      body.put("symbol", intent.symbol());
      body.put("side", intent.side());
      body.put("type", "LIMIT");
      body.put("tif", intent.tif());
      body.put("price", Prices.format(intent.price()));
      body.put("qty", intent.qty());
      req = HttpRequest.newBuilder(gw.resolve("/orders"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    } else if (intent.op() == OrderIntent.Op.REPLACE) {
      describeReplace(inv, intent);
      ObjectNode body = History.JSON.createObjectNode();
      body.put("clOrdId", intent.clOrdId());
      body.put("price", Prices.format(intent.price()));
      body.put("qty", intent.qty());
      // with the symbol, a gateway node that never saw the order finds it in its book
      req = HttpRequest.newBuilder(gw.resolve("/orders/" + enc(intent.origClOrdId()) + "?symbol="
              + enc(intent.symbol())))
          .header("Content-Type", "application/json")
          .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString()));
    } else if (intent.op() == OrderIntent.Op.STATUS) {
      inv.put("orig", intent.origClOrdId());
      inv.put("symbol", intent.symbol());
      req = HttpRequest.newBuilder(gw.resolve("/orders/" + enc(intent.origClOrdId()) + "?symbol="
          + enc(intent.symbol()))).GET();
    } else {
      inv.put("orig", intent.origClOrdId());
      // no cancelClOrdId: the gateway derives "cancel:<orig>", so a resent DELETE is the same cancel
      req = HttpRequest.newBuilder(gw.resolve("/orders/" + enc(intent.origClOrdId()))).DELETE();
    }
    long invokeSeq = history.append(inv);
    return exchange(req, broker, inv.get("op").asText(), intent.clOrdId(), attempt, invokeSeq);
  }

  /** A new order's fields on its invoke line, the same over HTTP and FIX (the checker reads them). */
  static void describeNew(ObjectNode inv, OrderIntent intent) {
    inv.put("symbol", intent.symbol());
    inv.put("side", intent.side());
    inv.put("price", Prices.format(intent.price()));
    inv.put("qty", intent.qty());
    inv.put("tif", intent.tif());
  }

  /**
   * A replace's fields on its invoke line, the same over HTTP and FIX: the order it replaces
   * ({@code orig}) and the new price and total quantity the checker expects the order to have.
   */
  static void describeReplace(ObjectNode inv, OrderIntent intent) {
    inv.put("orig", intent.origClOrdId());
    inv.put("symbol", intent.symbol());
    inv.put("side", intent.side());
    inv.put("price", Prices.format(intent.price()));
    inv.put("qty", intent.qty());
  }

  /**
   * GET /orders/{clOrdId}?symbol=S: the order's state now (the final lookups). With the symbol,
   * any gateway node can look the order up, also one restarted since it took the order.
   */
  public Outcome lookup(BrokerId broker, String clOrdId, String symbol, URI gw) {
    String q = symbol == null || symbol.isEmpty() ? "" : "?symbol=" + enc(symbol);
    return call(HttpRequest.newBuilder(gw.resolve("/orders/" + enc(clOrdId) + q)).GET(),
        broker.token());
  }

  /**
   * GET /market-data/{symbol}?from=N&limit=M with a participant's token: the public feed's
   * retained messages (trades, best bid and ask, status) from sequence N on.
   */
  public Outcome marketData(String token, String symbol, long from, int limit, int gatewayIndex) {
    URI gw = gateways.get(Math.floorMod(gatewayIndex, gateways.size()));
    return call(HttpRequest.newBuilder(gw.resolve("/market-data/" + enc(symbol) + "?from=" + from
        + "&limit=" + limit)).GET(), token);
  }

  /** GET /books/{symbol}/depth?levels=1 with any participant's token: volume and trade count. */
  public Outcome depth(String token, String symbol, int gatewayIndex) {
    URI gw = gateways.get(Math.floorMod(gatewayIndex, gateways.size()));
    return call(HttpRequest.newBuilder(gw.resolve("/books/" + enc(symbol) + "/depth?levels=1")).GET(), token);
  }

  private Outcome exchange(HttpRequest.Builder req, BrokerId broker, String op, String clOrdId,
      int attempt, long invokeSeq) {
    Outcome o = call(req, broker.token());
    ObjectNode done = history.line(o.answered() ? "ok" : "fail");
    done.put("broker", broker.name());
    done.put("op", op);
    done.put("clOrdId", clOrdId);
    done.put("attempt", attempt);
    done.put("invoke", invokeSeq);
    done.put("ms", o.latencyMs());
    if (o.answered()) {
      done.put("http", o.status());
      done.set("body", o.body());
    } else {
      done.put("error", o.error());
    }
    history.append(done);
    return o;
  }

  private Outcome call(HttpRequest.Builder req, String token) {
    long t0 = System.nanoTime();
    try {
      HttpResponse<String> r = http.send(req.timeout(timeout).header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      long ms = (System.nanoTime() - t0) / 1_000_000L;
      JsonNode body;
      try {
        body = History.JSON.readTree(r.body());
      } catch (IOException e) {
        body = History.JSON.getNodeFactory().textNode(r.body());
      }
      return new Outcome(r.statusCode(), body, null, ms);
    } catch (IOException e) {
      return new Outcome(-1, null, e.getClass().getSimpleName() + ": " + e.getMessage(),
          (System.nanoTime() - t0) / 1_000_000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(-1, null, "interrupted", (System.nanoTime() - t0) / 1_000_000L);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
