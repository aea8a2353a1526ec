package io.kabuto.gateway.http;

import static io.kabuto.gateway.http.HttpTestNode.ADMIN;
import static io.kabuto.gateway.http.HttpTestNode.BROKER1;
import static io.kabuto.gateway.http.HttpTestNode.BROKER2;
import static io.kabuto.gateway.http.HttpTestNode.order;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.gateway.http.HttpTestNode.Res;
import java.net.URI;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP/JSON and WebSocket gateway on a real one-node cluster. */
class HttpGatewayTest {
  private static HttpTestNode n;

  @BeforeAll
  static void start() throws Exception {
    n = new HttpTestNode();
  }

  @AfterAll
  static void stop() {
    if (n != null) {
      n.close();
    }
  }

  @Test
  void placeResendAndDuplicate() throws Exception {
    Res r = n.post("/orders", BROKER1, order("a-1", "S1", "BUY", "1999.5", 100));
    assertEquals(200, r.status(), r.raw());
    assertEquals("accepted", r.body().get("status").asText(), r.raw());
    assertEquals("live", r.body().get("state").asText(), r.raw());
    String orderId = r.body().get("orderId").asText();

    Res again = n.post("/orders", BROKER1, order("a-1", "S1", "BUY", "1999.5", 100));
    assertEquals(200, again.status(), again.raw());
    assertEquals(orderId, again.body().get("orderId").asText());
    assertEquals(100, n.bookQty("S1"), "a resend must not create a second order");

    Res dup = n.post("/orders", BROKER1, order("a-1", "S1", "BUY", "1999.5", 200));
    assertEquals(409, dup.status(), dup.raw());
    assertEquals("DUPLICATE_CLORDID", dup.code());
    assertEquals(100, n.bookQty("S1"));

    Res look = n.get("/orders/a-1", BROKER1);
    assertEquals(200, look.status(), look.raw());
    assertEquals("live", look.body().get("state").asText(), look.raw());
    assertEquals("1999.5", look.body().get("price").asText());
  }

  @Test
  void cancelOwnOnlyAndReplace() throws Exception {
    assertEquals(200, n.post("/orders", BROKER1, order("c-1", "S2", "SELL", "2001", 300)).status());
    // Another participant knows nothing of it.
    Res other = n.get("/orders/c-1", BROKER2);
    assertEquals(404, other.status(), other.raw());
    assertEquals("UNKNOWN_CLORDID", other.code());
    Res otherCancel = n.send("DELETE", "/orders/c-1", BROKER2, (String) null);
    assertEquals(404, otherCancel.status(), otherCancel.raw());
    assertEquals(300, n.bookQty("S2"));

    Res rep = n.send("PATCH", "/orders/c-1", BROKER1,
        "{\"clOrdId\":\"c-2\",\"price\":\"2002\",\"qty\":250}");
    assertEquals(200, rep.status(), rep.raw());
    assertEquals(250, n.bookQty("S2"));
    Res look = n.get("/orders/c-2", BROKER1);
    assertEquals("2002", look.body().get("price").asText(), look.raw());

    Res cxl = n.send("DELETE", "/orders/c-2", BROKER1, (String) null);
    assertEquals(200, cxl.status(), cxl.raw());
    assertEquals("cancelled", cxl.body().get("state").asText(), cxl.raw());
    assertEquals(0, n.bookQty("S2"));
    // A resent DELETE gets the first answer again.
    Res cxl2 = n.send("DELETE", "/orders/c-2", BROKER1, (String) null);
    assertEquals(200, cxl2.status(), cxl2.raw());
    assertEquals("cancelled", n.get("/orders/c-1", BROKER1).body().get("state").asText());
  }

  @Test
  void theBookRejectsOffTickOutsideLimitsAndUnknownSymbols() throws Exception {
    Res offTick = n.post("/orders", BROKER1, order("t-1", "S3", "BUY", "2000.3", 100));
    assertEquals(422, offTick.status(), offTick.raw());
    assertEquals("OFF_TICK", offTick.code());
    assertEquals("rejected", offTick.body().get("status").asText());
    Res outside = n.post("/orders", BROKER1, order("t-2", "S3", "BUY", "9000", 100));
    assertEquals(422, outside.status(), outside.raw());
    assertEquals("OUTSIDE_PRICE_LIMIT", outside.code());
    Res unknown = n.post("/orders", BROKER1, order("t-3", "NOPE", "BUY", "2000", 100));
    assertEquals(422, unknown.status(), unknown.raw());
    assertEquals("UNKNOWN_SYMBOL", unknown.code());
    Res limit = n.post("/orders", BROKER1, order("t-4", "S3", "BUY", "2000", 2_000_000));
    assertEquals(422, limit.status(), limit.raw());
    assertEquals("QUANTITY_LIMIT", limit.code());
    assertEquals(0, n.bookQty("S3"));
  }

  @Test
  void badInputIsA4xxJson() throws Exception {
    Res zero = n.post("/orders", BROKER1, order("b-1", "S4", "BUY", "2000", 0));
    assertEquals(400, zero.status(), zero.raw());
    assertEquals("INVALID_QUANTITY", zero.code());
    Res neg = n.post("/orders", BROKER1, order("b-1", "S4", "BUY", "2000", -5));
    assertEquals(400, neg.status(), neg.raw());
    Res huge = n.post("/orders", BROKER1,
        order("b-1", "S4", "BUY", "2000", 1).replace("\"qty\":1", "\"qty\":123456789012345678901234567890"));
    assertEquals(400, huge.status(), huge.raw());
    Res malformed = n.post("/orders", BROKER1, "{\"clOrdId\":\"b-1\",");
    assertEquals(400, malformed.status(), malformed.raw());
    assertNotNull(malformed.body().get("error"));
    Res unknownField = n.post("/orders", BROKER1,
        order("b-1", "S4", "BUY", "2000", 1).replace("}", ",\"account\":\"x\"}"));
    assertEquals(400, unknownField.status(), unknownField.raw());
    assertTrue(unknownField.body().get("error").asText().contains("account"));
    Res missing = n.post("/orders", BROKER1, "{\"clOrdId\":\"b-1\",\"symbol\":\"S4\",\"qty\":1}");
    assertEquals(400, missing.status(), missing.raw());
    assertTrue(missing.body().get("error").asText().contains("side"), missing.raw());
    Res fine = n.post("/orders", BROKER1, order("b-1", "S4", "BUY", "2000.05", 1));
    assertEquals(400, fine.status(), fine.raw());
    Res oversize = n.post("/orders", BROKER1, "{\"clOrdId\":\"" + "x".repeat(20_000) + "\"}");
    assertEquals(413, oversize.status(), oversize.raw());
    assertNotNull(oversize.body(), oversize.raw());
    Res notFound = n.get("/nothing", BROKER1);
    assertEquals(404, notFound.status());
    assertNotNull(notFound.body(), notFound.raw());
    assertEquals(0, n.bookQty("S4"));
    // The session is fine afterwards.
    assertEquals(200, n.post("/orders", BROKER1, order("b-1", "S4", "BUY", "2000", 1)).status());
  }

  @Test
  void authentication() throws Exception {
    Res none = n.post("/orders", null, order("u-1", "S5", "BUY", "2000", 1));
    assertEquals(401, none.status(), none.raw());
    assertEquals("UNAUTHORIZED", none.code());
    assertEquals(401, n.get("/books/S5/depth", "wrong").status());
    assertEquals(401, n.get("/orders/u-1", null).status());
    Res depth = n.get("/books/S5/depth?levels=3", BROKER2);
    assertEquals(200, depth.status(), depth.raw());
    assertEquals("CONTINUOUS", depth.body().get("phase").asText());
    Res status = n.get("/market/status", BROKER2);
    assertEquals(200, status.status(), status.raw());
    assertNotNull(status.body().get("inForce"), status.raw());
  }

  @Test
  void killSwitch() throws Exception {
    assertEquals(200, n.post("/orders", BROKER2, order("k-1", "S6", "BUY", "1990", 100)).status());
    assertEquals(100, n.bookQty("S6"));
    Res notAdmin = n.post("/admin/participants/BROKER2/kill-switch", BROKER2, "");
    assertEquals(403, notAdmin.status(), notAdmin.raw());
    assertEquals(401, n.post("/admin/participants/BROKER2/kill-switch", null, "").status());
    assertEquals(404, n.post("/admin/participants/NOBODY/kill-switch", ADMIN, "").status());

    try {
      Res kill = n.post("/admin/participants/BROKER2/kill-switch", ADMIN, "");
      assertEquals(200, kill.status(), kill.raw());
      assertEquals("engaged", kill.body().get("killSwitch").asText());
      assertEquals(1, kill.body().get("cancelled").asInt(), kill.raw());
      assertEquals(0, n.bookQty("S6"), "the kill switch cancels the participant's orders");
      Res state = n.get("/admin/participants/BROKER2/kill-switch", ADMIN);
      assertEquals("engaged", state.body().get("killSwitch").asText(), state.raw());
      assertEquals(403, n.get("/admin/participants/BROKER2/kill-switch", BROKER2).status());
      Res blocked = n.post("/orders", BROKER2, order("k-2", "S6", "BUY", "1990", 100));
      assertEquals(403, blocked.status(), blocked.raw());
      assertEquals("KILL_SWITCH", blocked.code());
    } finally {
      Res release = n.send("DELETE", "/admin/participants/BROKER2/kill-switch", ADMIN,
          (String) null);
      assertEquals(200, release.status(), release.raw());
    }
    assertEquals("released", n.get("/admin/participants/BROKER2/kill-switch", ADMIN).body()
        .get("killSwitch").asText());
    assertEquals(200, n.post("/orders", BROKER2, order("k-3", "S6", "BUY", "1990", 100)).status());
    n.send("DELETE", "/orders/k-3", BROKER2, (String) null);
  }

  @Test
  void webSocketExecutionsGetTheFill() throws Exception {
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    WebSocket ws = n.client.newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + n.port + "/ws/executions?token=" + BROKER2),
            new WebSocketMessages(got))
        .get(10, TimeUnit.SECONDS);
    BlockingQueue<String> md = new LinkedBlockingQueue<>();
    WebSocket market = n.client.newWebSocketBuilder()
        .header("Authorization", "Bearer " + BROKER1)
        .buildAsync(URI.create("ws://127.0.0.1:" + n.port + "/ws/market/S7"), new WebSocketMessages(md))
        .get(10, TimeUnit.SECONDS);
    try {
      Thread.sleep(300); // the subscription reaches the session
      assertEquals(200, n.post("/orders", BROKER1, order("w-1", "S7", "SELL", "2000", 100)).status());
      Res buy = n.post("/orders", BROKER2, order("w-2", "S7", "BUY", "2000", 100));
      assertEquals(200, buy.status(), buy.raw());
      assertEquals("filled", buy.body().get("state").asText(), buy.raw());
      JsonNode fill = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (fill == null && System.nanoTime() < deadline) {
        String m = got.poll(1, TimeUnit.SECONDS);
        if (m != null) {
          JsonNode j = HttpTestNode.JSON.readTree(m);
          assertEquals("w-2", j.get("clOrdId").asText(), "only BROKER2's own orders: " + m);
          if (j.get("events") != null) {
            for (JsonNode e : j.get("events")) {
              if (e.get("type").asText().equals("TRADE")) {
                fill = e;
              }
            }
          }
        }
      }
      assertNotNull(fill, "no fill on the executions WebSocket");
      assertEquals(100, fill.get("qty").asLong());
      assertEquals("2000", fill.get("price").asText());
      // Market data: a snapshot showing the trade.
      boolean traded = false;
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!traded && System.nanoTime() < deadline) {
        String m = md.poll(1, TimeUnit.SECONDS);
        traded = m != null && HttpTestNode.JSON.readTree(m).get("volume").asLong() == 100;
      }
      assertTrue(traded, "no market snapshot with the trade");
    } finally {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
      market.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
  }

}
