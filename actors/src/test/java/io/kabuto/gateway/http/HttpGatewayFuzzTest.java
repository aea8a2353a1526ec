package io.kabuto.gateway.http;

import static io.kabuto.gateway.http.HttpTestNode.BROKER1;
import static io.kabuto.gateway.http.HttpTestNode.order;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kabuto.gateway.http.HttpTestNode.Res;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzz of the JSON entry point: seeded random garbage and mutations of valid bodies POSTed (and
 * PATCHed) to a live gateway. Every answer must be a JSON document with a 2xx or 4xx status (503
 * only as EXCHANGE_UNAVAILABLE), within the client timeout; afterwards the same session still
 * places a valid order and the book is consistent.
 */
class HttpGatewayFuzzTest {
  private static final long SEED = Long.getLong("kabuto.fuzz.seed", 20240601L);
  private static final int RUNS = Integer.getInteger("kabuto.fuzz.runs", 600);
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

  private static final String[] WEIRD = {
    "", " ", "\u0000", "\uD83D\uDCA5", "\u202Eevil", "株式", "null", "true", "-1", "1e309",
    "99999999999999999999999999", "0.00000000001", "NaN", "\\\"", "S1\nS2", "FUZZ ",
    "x".repeat(300), "2000.5", "BUY", "sell", "ioc", "MARKET"
  };
  private static final String[] VALUES = {
    "0", "-0", "-1", "1", "1.5", "1e2", "1E+999999", "-1e-999999", "123456789012345678901234567890",
    "9223372036854775807", "9223372036854775808", "true", "false", "null", "[]", "{}",
    "[1,2,3]", "{\"a\":{\"b\":[]}}", "\"\"", "\"2000\"", "\"2000.5\"", "\"2,000\"", "\"1e3\"",
    "\"-2000\"", "\"2000.05\"", "\"0x7d0\"", "2000", "2000.5", "2000.50", "2000.55", "100",
    "1000000", "1000000000000", "\"BUY\"", "\"SELL\"", "\"LIMIT\"", "\"MARKET\"", "\"IOC\"",
    "\"FOK\"", "\"DAY\"", "\"FUZZ\"", "\"S1\""
  };
  private static final String[] FIELDS = {
    "clOrdId", "symbol", "side", "type", "tif", "price", "qty", "account", "", "CLORDID", "qty "
  };

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  private static Map<String, String> validFields(Random r, int i) {
    Map<String, String> m = new TreeMap<>();
    m.put("clOrdId", quote("f-" + i));
    m.put("symbol", quote("FUZZ"));
    m.put("side", quote(r.nextBoolean() ? "BUY" : "SELL"));
    m.put("type", quote("LIMIT"));
    m.put("tif", quote(new String[] {"DAY", "IOC", "FOK"}[r.nextInt(3)]));
    m.put("price", quote(Long.toString(1950 + r.nextInt(100)) + (r.nextBoolean() ? ".5" : "")));
    m.put("qty", Integer.toString(1 + r.nextInt(500)));
    return m;
  }

  private static String render(Map<String, String> m) {
    StringBuilder b = new StringBuilder("{");
    m.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(quote(k)).append(':').append(v));
    return b.append('}').toString();
  }

  /** One fuzzed body. */
  static byte[] body(Random r, int i) {
    Map<String, String> m = validFields(r, i);
    String valid = render(m);
    switch (r.nextInt(10)) {
      case 0 -> { // random bytes
        byte[] b = new byte[r.nextInt(300)];
        r.nextBytes(b);
        return b;
      }
      case 1 -> { // truncated
        return valid.substring(0, r.nextInt(valid.length())).getBytes(StandardCharsets.UTF_8);
      }
      case 2 -> { // a field gets an odd value (wrong type, huge, negative...)
        String f = FIELDS[r.nextInt(7)];
        m.put(f, VALUES[r.nextInt(VALUES.length)]);
        return render(m).getBytes(StandardCharsets.UTF_8);
      }
      case 3 -> { // a field gets a weird string
        m.put(FIELDS[r.nextInt(7)], quote(WEIRD[r.nextInt(WEIRD.length)]));
        return render(m).getBytes(StandardCharsets.UTF_8);
      }
      case 4 -> { // deep nesting, as the body or as a value
        int depth = 1 + r.nextInt(7000);
        String nest = "[".repeat(depth) + "]".repeat(r.nextInt(3) == 0 ? depth - 1 : depth);
        if (r.nextBoolean()) {
          return nest.getBytes(StandardCharsets.UTF_8);
        }
        m.put(FIELDS[r.nextInt(7)], nest);
        return render(m).getBytes(StandardCharsets.UTF_8);
      }
      case 5 -> { // byte mutations of a valid body
        byte[] b = valid.getBytes(StandardCharsets.UTF_8);
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
          b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        return b;
      }
      case 6 -> { // missing or unknown fields, duplicates
        String f = FIELDS[r.nextInt(FIELDS.length)];
        if (r.nextBoolean()) {
          m.remove(f);
        } else {
          m.put(f, VALUES[r.nextInt(VALUES.length)]);
        }
        String s = render(m);
        if (r.nextInt(4) == 0) {
          s = s.replace("}", ",\"qty\":5}");
        }
        return s.getBytes(StandardCharsets.UTF_8);
      }
      case 7 -> { // not an object, or trailing garbage, or big
        String[] odd = {"[]", "null", "42", "\"x\"", valid + valid, valid + " x", " ",
            "{\"clOrdId\":\"" + "y".repeat(17_000) + "\"}", "\uFEFF" + valid,
            valid.replace("\"", "'"), "{" + "\"a\":1,".repeat(2000) + "\"b\":2}"};
        return odd[r.nextInt(odd.length)].getBytes(StandardCharsets.UTF_8);
      }
      default -> { // a valid order (sometimes crossing): the book must stay healthy
        return valid.getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  @Test
  void fuzzedBodiesGetAClearAnswerAndLeaveTheSessionAndBooksHealthy() throws Exception {
    Random r = new Random(SEED);
    int accepted = 0;
    int clientErrors = 0;
    for (int i = 0; i < RUNS; i++) {
      byte[] b = body(r, i);
      boolean patch = r.nextInt(8) == 0;
      Res res;
      try {
        res = patch ? n.send("PATCH", "/orders/f-" + r.nextInt(Math.max(1, i)), BROKER1, b)
            : n.send("POST", "/orders", BROKER1, b);
      } catch (java.net.http.HttpTimeoutException e) {
        fail("request " + i + " hung: " + new String(b, StandardCharsets.UTF_8));
        return;
      } catch (java.io.IOException e) {
        fail("request " + i + " (" + b.length + " bytes) got no answer: " + e + "; body starts "
            + new String(b, 0, Math.min(200, b.length), StandardCharsets.UTF_8), e);
        return;
      }
      String shown = "run " + i + " (seed " + SEED + ") body="
          + HttpTestNode.JSON.writeValueAsString(new String(b, StandardCharsets.UTF_8)) + " -> "
          + res.status() + " " + res.raw();
      assertNotNull(res.body(), "not JSON: " + shown);
      assertTrue(res.body().isObject(), shown);
      int s = res.status();
      assertTrue((s >= 200 && s < 300) || (s >= 400 && s < 500)
          || (s == 503 && "EXCHANGE_UNAVAILABLE".equals(res.code())), shown);
      if (s >= 400) {
        clientErrors++;
        assertNotNull(res.body().get("error"), shown);
        assertNotNull(res.body().get("code"), shown);
      } else {
        accepted++;
        assertNotNull(res.body().get("status"), shown);
      }
    }
    assertTrue(accepted > 20 && clientErrors > RUNS / 2,
        "the fuzz must exercise both paths: " + accepted + " ok, " + clientErrors + " errors");

    // Healthy afterwards: a fresh valid order is accepted and shows on the book.
    Res ok = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      ok = n.post("/orders", BROKER1, order("after-fuzz", "FUZZ", "BUY", "1900", 7));
      if (ok.status() != 429) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals(200, ok.status(), ok.raw());
    assertEquals("accepted", ok.body().get("status").asText());
    Res depth = n.get("/books/FUZZ/depth?levels=100", BROKER1);
    assertEquals(200, depth.status(), depth.raw());
    boolean seen = false;
    for (var l : depth.body().get("bids")) {
      seen |= l.get("price").asText().equals("1900") && l.get("qty").asLong() >= 7;
    }
    assertTrue(seen, depth.raw());
    assertEquals(200, n.get("/orders/after-fuzz", BROKER1).status());
  }
}
