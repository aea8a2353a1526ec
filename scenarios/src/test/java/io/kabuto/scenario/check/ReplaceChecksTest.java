package io.kabuto.scenario.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * Hand-made histories with replaces: MM1 rests a sell of 300 @ 2000 (order 11) and replaces it;
 * NT1 buys against it. The checker must read an order's terms after its acknowledged replaces,
 * catch a replace whose acknowledgement the exchange lost, bound fills by the replaced quantity,
 * and see a replace applied twice.
 */
class ReplaceChecksTest {
  static final String GW = CheckerTest.GW1;

  /** A history with MM1's sell acknowledged. */
  static final class R {
    final CheckerTest.H s = new CheckerTest.H();

    R() {
      long i = s.invoke("MM1", "m-1", "SELL", 300, GW);
      s.ack("MM1", "m-1", i, "11", 0);
    }

    long replace(String id, int attempt, String price, long qty) {
      ObjectNode l = s.h.line("invoke");
      l.put("broker", "MM1").put("op", "replace").put("clOrdId", id).put("attempt", attempt).put("gw", GW)
          .put("orig", "m-1").put("symbol", "7203").put("side", "SELL").put("price", price).put("qty", qty);
      return s.h.append(l);
    }

    /**
     * The replace's acknowledgement: REPLACED (terms, quantity left after it) at book time
     * {@code time}, the trades it made as the aggressor ((tradeId, qty) pairs) and RESTED.
     */
    long replaced(String id, long invoke, int attempt, String price, long qty, long left, long time, long... trades) {
      ObjectNode l = s.h.line("ok");
      l.put("broker", "MM1").put("op", "replace").put("clOrdId", id).put("attempt", attempt).put("invoke", invoke)
          .put("ms", 5).put("http", 200);
      ObjectNode b = l.putObject("body");
      long traded = 0;
      ArrayNode ev = b.put("clOrdId", id).put("status", "accepted").put("orderId", "11").putArray("events");
      ev.addObject().put("type", "REPLACED").put("time", time).put("price", price).put("qty", qty).put("leaves", left);
      for (int i = 0; i < trades.length; i += 2) {
        ev.addObject().put("type", "TRADE").put("tradeId", trades[i]).put("price", price).put("qty", trades[i + 1])
            .put("aggressor", true);
        traded += trades[i + 1];
      }
      if (left - traded > 0) {
        ev.addObject().put("type", "RESTED").put("time", time).put("price", price).put("qty", qty)
            .put("leaves", left - traded);
      }
      b.put("state", left - traded > 0 ? "live" : "filled").put("filled", traded).put("leaves", left - traded);
      return s.h.append(l);
    }

    long refused(String id, long invoke, int attempt, int http, String status, String code) {
      ObjectNode l = s.h.line("ok");
      l.put("broker", "MM1").put("op", "replace").put("clOrdId", id).put("attempt", attempt).put("invoke", invoke)
          .put("ms", 5).put("http", http);
      l.putObject("body").put("clOrdId", id).put("status", status).put("code", code).put("error", code);
      return s.h.append(l);
    }

    long lost(String id, long invoke, int attempt) {
      ObjectNode l = s.h.line("fail");
      l.put("broker", "MM1").put("op", "replace").put("clOrdId", id).put("attempt", attempt).put("invoke", invoke)
          .put("ms", 15000).put("error", "HttpTimeoutException: request timed out");
      return s.h.append(l);
    }

    /** NT1 buys {@code qty} against the sell (trade {@code tradeId}). */
    void buy(String id, long qty, long tradeId) {
      long i = s.invoke("NT1", id, "BUY", qty, GW);
      s.ack("NT1", id, i, "2" + tradeId, qty, tradeId, qty);
    }

    /** MM1's final lookup (by {@code lookedUpAs}) and NT1's, and the book's volume. */
    long finals(String lookedUpAs, String price, long qty, long filled, long leaves, long... buys) {
      ObjectNode l = s.h.line("final-order");
      l.put("broker", "MM1").put("clOrdId", lookedUpAs).put("gw", GW).put("http", 200);
      l.putObject("body").put("status", "live").put("side", "SELL").put("price", price).put("qty", qty)
          .put("filled", filled).put("leaves", leaves);
      long seq = s.h.append(l);
      long volume = 0;
      for (int i = 0; i < buys.length; i++) {
        s.fin("NT1", "n-" + (i + 1), GW, 200, "BUY", buys[i], buys[i], 0);
        volume += buys[i];
      }
      s.book(volume);
      return seq;
    }

    Verdict verdict(String check) {
      return CheckerTest.verdict(Checker.check(s.lines(), CheckerTest.ALL), check);
    }
  }

  static void assertStatus(Verdict.Status want, Verdict v) {
    assertEquals(want, v.status(), v.check() + ": " + v.summary());
  }

  @Test
  void anAcknowledgedReplaceIsTheOrdersTermsFromThenOn() {
    R r = new R();
    long i = r.replace("m-1-r1", 1, "2010", 500);
    r.replaced("m-1-r1", i, 1, "2010", 500, 500, 1000);
    r.buy("n-1", 400, 1);
    r.finals("m-1", "2010", 500, 400, 100, 400);
    for (String check : new String[] {"no-lost-ack", "no-overfill", "resends-never-duplicate", "fills-match-book-volume",
        "no-duplicate-execution"}) {
      assertStatus(Verdict.Status.PASS, r.verdict(check));
    }
    assertTrue(r.verdict("no-lost-ack").summary().contains("1 with an acknowledged replace"),
        r.verdict("no-lost-ack").summary());
  }

  @Test
  void anOrderStillWithItsOldTermsAfterAnAcknowledgedReplaceLostTheReplace() {
    R r = new R();
    long i = r.replace("m-1-r1", 1, "2010", 500);
    long ack = r.replaced("m-1-r1", i, 1, "2010", 500, 500, 1000);
    long fin = r.finals("m-1", "2000", 300, 0, 300);
    Verdict v = r.verdict("no-lost-ack");
    assertStatus(Verdict.Status.FAIL, v);
    assertTrue(v.summary().contains("m-1-r1") && v.summary().contains("the replace was lost"), v.summary());
    assertEquals(java.util.List.of(ack, fin), v.lines());
  }

  @Test
  void aRefusedReplaceLeavesTheOrderAsItWas() {
    R ok = new R();
    long i = ok.replace("m-1-r1", 1, "2010", 500);
    ok.refused("m-1-r1", i, 1, 422, "refused", "MARKET_HALTED");
    ok.finals("m-1", "2000", 300, 0, 300);
    assertStatus(Verdict.Status.PASS, ok.verdict("no-lost-ack"));

    R applied = new R(); // the exchange refused it and applied it all the same
    long j = applied.replace("m-1-r1", 1, "2010", 500);
    applied.refused("m-1-r1", j, 1, 422, "refused", "MARKET_HALTED");
    applied.finals("m-1", "2010", 500, 0, 500);
    assertStatus(Verdict.Status.FAIL, applied.verdict("no-lost-ack"));
  }

  @Test
  void aReplaceRacingTheFillThatCompletedTheOrderIsRefusedAndTheFillsStand() {
    R r = new R();
    r.buy("n-1", 300, 1);
    long i = r.replace("m-1-r1", 1, "1990", 300);
    r.refused("m-1-r1", i, 1, 422, "rejected", "UNKNOWN_ORDER");
    r.finals("m-1", "2000", 300, 300, 0, 300);
    for (String check : new String[] {"no-lost-ack", "no-overfill", "fills-match-book-volume"}) {
      assertStatus(Verdict.Status.PASS, r.verdict(check));
    }
  }

  @Test
  void aReplaceWhoseAnswerWasLostMayOrMayNotHaveApplied() {
    for (boolean applied : new boolean[] {true, false}) {
      R r = new R();
      long i1 = r.replace("m-1-r1", 1, "2010", 500);
      r.lost("m-1-r1", i1, 1);
      long i2 = r.replace("m-1-r1", 2, "2010", 500);
      // the resend reached a gateway node that did not remember the first: the book says it has these terms
      r.refused("m-1-r1", i2, 2, 422, "rejected", "NO_CHANGE");
      if (applied) {
        r.finals("m-1", "2010", 500, 0, 500);
      } else {
        r.finals("m-1", "2000", 300, 0, 300);
      }
      assertStatus(Verdict.Status.PASS, r.verdict("no-lost-ack"));
      assertStatus(Verdict.Status.PASS, r.verdict("resends-never-duplicate"));
    }
    R other = new R(); // but not to terms the broker never asked for
    long i = other.replace("m-1-r1", 1, "2010", 500);
    other.lost("m-1-r1", i, 1);
    other.finals("m-1", "2020", 500, 0, 500);
    assertStatus(Verdict.Status.FAIL, other.verdict("no-lost-ack"));
  }

  @Test
  void fillsAreBoundedByTheReplacedQuantity() {
    R up = new R(); // replaced up to 500: 400 filled is within it (not within the 300 first sent)
    long i = up.replace("m-1-r1", 1, "2000", 500);
    up.replaced("m-1-r1", i, 1, "2000", 500, 500, 1000);
    up.buy("n-1", 400, 1);
    up.finals("m-1", "2000", 500, 400, 100, 400);
    assertStatus(Verdict.Status.PASS, up.verdict("no-overfill"));

    R down = new R(); // replaced down to 200 after 100 filled, then 200 more fill: 300 of 200
    down.buy("n-1", 100, 1);
    long j = down.replace("m-1-r1", 1, "2000", 200);
    down.replaced("m-1-r1", j, 1, "2000", 200, 100, 1000);
    down.buy("n-2", 200, 2);
    down.finals("m-1", "2000", 200, 300, 0, 100, 200);
    Verdict v = down.verdict("no-overfill");
    assertStatus(Verdict.Status.FAIL, v);
    assertTrue(v.summary().contains("filled 300") && v.summary().contains("for 200"), v.summary());
  }

  @Test
  void aReplaceAcknowledgedWithNothingLeftBreaksTheExchangesRule() {
    R r = new R();
    r.buy("n-1", 200, 1);
    long i = r.replace("m-1-r1", 1, "2000", 200); // not above the 200 filled: the book must refuse it
    r.replaced("m-1-r1", i, 1, "2000", 200, 0, 1000);
    r.finals("m-1", "2000", 200, 200, 0, 200);
    Verdict v = r.verdict("no-overfill");
    assertStatus(Verdict.Status.FAIL, v);
    assertTrue(v.summary().contains("left 0 shares"), v.summary());
  }

  @Test
  void aResentReplaceAnsweredAsASecondModifyIsADuplicate() {
    R same = new R();
    long i1 = same.replace("m-1-r1", 1, "2010", 500);
    same.replaced("m-1-r1", i1, 1, "2010", 500, 500, 1000);
    long i2 = same.replace("m-1-r1", 2, "2010", 500);
    same.replaced("m-1-r1", i2, 2, "2010", 500, 500, 1000); // the remembered answer again
    same.finals("m-1", "2010", 500, 0, 500);
    assertStatus(Verdict.Status.PASS, same.verdict("resends-never-duplicate"));
    assertTrue(same.verdict("resends-never-duplicate").summary().startsWith("1 ClOrdIDs"),
        same.verdict("resends-never-duplicate").summary());

    R twice = new R();
    long j1 = twice.replace("m-1-r1", 1, "2010", 500);
    long a1 = twice.replaced("m-1-r1", j1, 1, "2010", 500, 500, 1000);
    long j2 = twice.replace("m-1-r1", 2, "2010", 500);
    long a2 = twice.replaced("m-1-r1", j2, 2, "2010", 500, 500, 1700); // a second REPLACED: applied again
    twice.finals("m-1", "2010", 500, 0, 500);
    Verdict v = twice.verdict("resends-never-duplicate");
    assertStatus(Verdict.Status.FAIL, v);
    assertEquals(java.util.List.of(a1, a2), v.lines());
  }

  @Test
  void aReplaceCrossingTheSpreadReportsItsTradesOnce() {
    R r = new R();
    long n = r.s.invoke("NT1", "n-1", "BUY", 200, GW);
    r.s.ack("NT1", "n-1", n, "21", 0); // rests
    long i = r.replace("m-1-r1", 1, "2000", 300);
    r.replaced("m-1-r1", i, 1, "2000", 300, 300, 1000, 7, 200); // MM1's reprice takes NT1's bid: trade 7
    ObjectNode l = r.s.h.line("final-order");
    l.put("broker", "MM1").put("clOrdId", "m-1").put("gw", GW).put("http", 200);
    l.putObject("body").put("status", "live").put("side", "SELL").put("price", "2000").put("qty", 300)
        .put("filled", 200).put("leaves", 100);
    r.s.h.append(l);
    r.s.fin("NT1", "n-1", GW, 200, "BUY", 200, 200, 0);
    r.s.book(200);
    for (String check : new String[] {"no-lost-ack", "no-overfill", "no-duplicate-execution", "fills-match-book-volume"}) {
      assertStatus(Verdict.Status.PASS, r.verdict(check));
    }
    // the same trade id also reported as another order's aggressor trade is a duplicate execution
    long d = r.s.invoke("NT2", "x-1", "BUY", 200, GW);
    r.s.ack("NT2", "x-1", d, "31", 200, 7, 200);
    assertStatus(Verdict.Status.FAIL, r.verdict("no-duplicate-execution"));
  }

  @Test
  void aFinalLookupByTheReplacesClOrdIdIsTheOrders() {
    R r = new R();
    long i = r.replace("m-1-r1", 1, "2010", 500);
    r.replaced("m-1-r1", i, 1, "2010", 500, 500, 1000);
    r.finals("m-1-r1", "2010", 500, 0, 500);
    assertStatus(Verdict.Status.PASS, r.verdict("no-lost-ack"));
    assertStatus(Verdict.Status.PASS, r.verdict("fills-match-book-volume"));
  }
}
