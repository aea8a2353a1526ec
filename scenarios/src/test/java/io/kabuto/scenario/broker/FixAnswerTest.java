package io.kabuto.scenario.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import quickfix.Message;
import quickfix.field.AvgPx;
import quickfix.field.ClOrdID;
import quickfix.field.CumQty;
import quickfix.field.CxlRejResponseTo;
import quickfix.field.ExecID;
import quickfix.field.ExecType;
import quickfix.field.LastLiquidityInd;
import quickfix.field.LastPx;
import quickfix.field.LastQty;
import quickfix.field.LeavesQty;
import quickfix.field.OrdStatus;
import quickfix.field.OrderID;
import quickfix.field.OrderQty;
import quickfix.field.OrigClOrdID;
import quickfix.field.Price;
import quickfix.field.Side;
import quickfix.field.Symbol;
import quickfix.field.Text;
import quickfix.fix44.ExecutionReport;
import quickfix.fix44.OrderCancelReject;

/** The HTTP-shaped answers a FIX broker's history gets, from the reports the gateway sends. */
class FixAnswerTest {
  static final String ID = "s1-NT4-7";

  static ExecutionReport er(String clOrdId, String execId, char execType, char ordStatus, long qty, long leaves,
      long cum) {
    ExecutionReport r = new ExecutionReport(new OrderID("4242"), new ExecID(execId), new ExecType(execType),
        new OrdStatus(ordStatus), new Side(Side.BUY), new LeavesQty(leaves), new CumQty(cum), new AvgPx(0));
    r.set(new ClOrdID(clOrdId));
    r.set(new Symbol("7203"));
    r.set(new OrderQty(qty));
    r.set(new Price(2000.5));
    return r;
  }

  static ExecutionReport fill(long tradeId, long qty, long leaves, long cum, int liquidity) {
    ExecutionReport r = er(ID, "7203-T" + tradeId + "-B", ExecType.TRADE,
        leaves == 0 ? OrdStatus.FILLED : OrdStatus.PARTIALLY_FILLED, 500, leaves, cum);
    r.set(new LastQty(qty));
    r.set(new LastPx(2000.0));
    r.set(new LastLiquidityInd(liquidity));
    return r;
  }

  /** Offers the reports in turn; returns whether each was taken. */
  static List<Boolean> offer(FixAnswer a, Message... ms) {
    List<Boolean> taken = new ArrayList<>();
    for (Message m : ms) {
      boolean[] t = {false};
      a.offer(m, t);
      taken.add(t[0]);
    }
    return taken;
  }

  @Test
  void aDayOrderThatTradesAndRestsEndsAtTheHeartbeatWithoutItsLaterFills() {
    OrderIntent buy = OrderIntent.limit(ID, "7203", "BUY", 20005, 500, "DAY");
    FixAnswer a = new FixAnswer(buy);
    boolean[] t = {false};
    assertTrue(a.offer(er(ID, "7203-4242-N", ExecType.NEW, OrdStatus.NEW, 500, 500, 0), t),
        "a DAY order's New asks for a TestRequest");
    assertEquals(List.of(true, false), offer(a, fill(11, 200, 300, 200, LastLiquidityInd.REMOVED_LIQUIDITY),
        er("other", "x", ExecType.NEW, OrdStatus.NEW, 100, 100, 0)));
    assertFalse(a.done().isDone(), "it may still rest: no end yet");
    a.delimitWith("A1");
    a.heartbeat("A1");
    assertTrue(a.done().isDone());
    assertEquals(List.of(true, false), offer(a, fill(12, 100, 200, 300, LastLiquidityInd.REMOVED_LIQUIDITY),
        fill(13, 100, 100, 400, LastLiquidityInd.ADDED_LIQUIDITY)), "a late aggressive fill is the answer's, a "
        + "resting fill is not");
    a.close();
    assertEquals(List.of(false), offer(a, fill(14, 100, 0, 500, LastLiquidityInd.REMOVED_LIQUIDITY)));

    GatewayClient.Outcome o = a.outcome(3);
    assertEquals(200, o.status());
    JsonNode b = o.body();
    assertEquals("accepted", b.path("status").asText());
    assertEquals("4242", b.path("orderId").asText());
    assertEquals("live", b.path("state").asText());
    assertEquals(300, b.path("filled").asLong());
    assertEquals(200, b.path("leaves").asLong());
    List<String> types = new ArrayList<>();
    b.path("events").forEach(e -> types.add(e.path("type").asText()));
    assertEquals(List.of("ACCEPTED", "TRADE", "TRADE", "RESTED"), types);
    JsonNode trade = b.path("events").get(1);
    assertEquals(11, trade.path("tradeId").asLong());
    assertEquals("2000", trade.path("price").asText());
    assertEquals(200, trade.path("qty").asLong());
    assertTrue(trade.path("aggressor").asBoolean());
    assertEquals("2000.5", b.path("events").get(0).path("price").asText());
    assertEquals("0,F,F", a.execTypes());
  }

  @Test
  void anIocEndsWithItsRemainderCancelled() {
    FixAnswer a = new FixAnswer(OrderIntent.limit(ID, "7203", "BUY", 20005, 500, "IOC"));
    boolean[] t = {false};
    assertFalse(a.offer(er(ID, "7203-4242-N", ExecType.NEW, OrdStatus.NEW, 500, 500, 0), t),
        "an IOC needs no TestRequest");
    offer(a, fill(11, 200, 300, 200, LastLiquidityInd.REMOVED_LIQUIDITY),
        er(ID, "7203-4242-C", ExecType.CANCELED, OrdStatus.CANCELED, 500, 0, 200));
    assertTrue(a.done().isDone());
    JsonNode b = a.outcome(1).body();
    assertEquals("cancelled", b.path("state").asText());
    assertEquals(300, b.path("events").get(2).path("leaves").asLong(), "the quantity that left the book");
  }

  @Test
  void refusalsGetTheHttpGatewaysStatusAndCode() {
    FixAnswer halted = new FixAnswer(OrderIntent.limit(ID, "7203", "BUY", 20005, 500, "DAY"));
    ExecutionReport rej = er(ID, "Xn-1", ExecType.REJECTED, OrdStatus.REJECTED, 500, 0, 0);
    rej.set(new Text("MARKET_HALTED: trading in this symbol is halted"));
    offer(halted, rej);
    GatewayClient.Outcome o = halted.outcome(1);
    assertEquals(422, o.status());
    assertEquals("refused", o.body().path("status").asText());
    assertEquals("MARKET_HALTED", o.body().path("code").asText());

    FixAnswer unavailable = new FixAnswer(OrderIntent.limit(ID, "7203", "BUY", 20005, 500, "DAY"));
    ExecutionReport rej2 = er(ID, "Xn-2", ExecType.REJECTED, OrdStatus.REJECTED, 500, 0, 0);
    rej2.set(new Text("EXCHANGE_UNAVAILABLE: the order book did not answer"));
    offer(unavailable, rej2);
    assertTrue(unavailable.outcome(1).unavailable(), "503: the broker resends");

    FixAnswer late = new FixAnswer(OrderIntent.cancel(ID));
    OrderCancelReject ocr = new OrderCancelReject(new OrderID("4242"), new ClOrdID("cancel:" + ID),
        new OrigClOrdID(ID), new OrdStatus(OrdStatus.FILLED), new CxlRejResponseTo(CxlRejResponseTo.ORDER_CANCEL_REQUEST));
    ocr.set(new Text("UNKNOWN_ORDER: no live order " + ID));
    offer(late, ocr);
    assertEquals(422, late.outcome(1).status());
    assertEquals("rejected", late.outcome(1).body().path("status").asText());
  }
}
