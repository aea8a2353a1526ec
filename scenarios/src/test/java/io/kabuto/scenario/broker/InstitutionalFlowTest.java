package io.kabuto.scenario.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.matching.TickTable;
import io.kabuto.scenario.history.History;
import io.kabuto.scenario.model.BrokerKind;
import io.kabuto.scenario.model.BrokerPopulation;
import io.kabuto.scenario.model.OnFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InstitutionalFlowTest {

  /**
   * A make-believe exchange for one broker: a child fills partly on arrival, rests, and fills
   * more while it rests (fills the broker only learns from a later answer); answers are lost, or
   * cancels come too late, at random. It keeps the truth the flow must never exceed.
   */
  static final class FakeExchange implements MarketView {
    final SplittableRandom rnd;
    long bid = 19990;
    long ask = 20000;
    final Map<String, long[]> orders = new HashMap<>(); // clOrdId -> {qty, filled, live 1/0}
    final Map<String, Long> filledBySymbolSide = new HashMap<>();

    FakeExchange(long seed) {
      rnd = new SplittableRandom(seed);
    }

    @Override
    public List<Long> newTrades(String symbol) {
      return List.of();
    }

    @Override
    public Touch touch(String symbol) {
      int move = rnd.nextInt(5) - 2; // the market wanders a few ticks
      bid += move * 10;
      ask += move * 10;
      return new Touch(bid, ask);
    }

    /** A fill of part of what is left of a live order. */
    void fillSome(long[] o) {
      long left = o[0] - o[1];
      if (o[2] == 1 && left > 0) {
        long f = 100 * rnd.nextInt((int) (left / 100) + 1);
        o[1] += f;
        if (o[1] == o[0]) {
          o[2] = 0;
        }
      }
    }

    GatewayClient.Outcome answer(OrderIntent in) {
      if (rnd.nextInt(10) == 0) {
        if (in.op() == OrderIntent.Op.NEW && rnd.nextBoolean()) {
          long[] o = {in.qty(), 0, 1};
          orders.put(in.clOrdId(), o); // it reached the book, the answer was lost
          fillSome(o);
        } else if (in.op() == OrderIntent.Op.REPLACE && rnd.nextBoolean()) {
          long[] o = orders.get(in.origClOrdId());
          if (o[2] == 1 && in.qty() > o[1]) {
            o[0] = in.qty(); // applied, the answer was lost
            fillSome(o);
          }
        }
        return new GatewayClient.Outcome(-1, null, "timeout", 15000);
      }
      ObjectNode b = History.JSON.createObjectNode();
      switch (in.op()) {
        case NEW -> {
          long[] o = {in.qty(), 0, 1};
          orders.put(in.clOrdId(), o);
          fillSome(o);
          b.put("status", "accepted");
          b.put("filled", o[1]);
          b.put("leaves", o[0] - o[1]);
          b.put("state", o[2] == 1 ? "live" : "filled");
        }
        case CANCEL -> {
          long[] o = orders.get(in.origClOrdId());
          fillSome(o); // it kept trading while it rested
          if (o[2] == 0 || rnd.nextInt(4) == 0) {
            if (rnd.nextBoolean()) {
              fillSome(o);
            }
            b.put("status", "rejected");
            b.put("code", "UNKNOWN_ORDER");
            return new GatewayClient.Outcome(422, b, null, 5);
          }
          o[2] = 0;
          b.put("status", "accepted");
          b.put("state", "cancelled");
          b.putArray("events").addObject().put("type", "CANCELLED").put("leaves", o[0] - o[1]);
        }
        case REPLACE -> {
          long[] o = orders.get(in.origClOrdId());
          fillSome(o); // it kept trading while it rested
          if (o[2] == 0 || in.qty() <= o[1]) {
            b.put("status", "rejected");
            b.put("code", o[2] == 0 ? "UNKNOWN_ORDER" : "QUANTITY_BELOW_FILLED");
            return new GatewayClient.Outcome(422, b, null, 5);
          }
          if (rnd.nextInt(8) == 0) {
            b.put("status", "refused");
            b.put("code", "MARKET_HALTED");
            return new GatewayClient.Outcome(422, b, null, 5);
          }
          o[0] = in.qty();
          long before = o[1];
          fillSome(o); // the new price may cross
          b.put("status", "accepted");
          b.put("filled", o[1] - before);
          b.put("leaves", o[0] - o[1]);
          b.put("state", o[2] == 1 ? "live" : "filled");
        }
        case STATUS -> {
          long[] o = orders.get(in.origClOrdId());
          if (o == null) {
            b.put("status", "refused");
            b.put("code", "UNKNOWN_CLORDID");
            return new GatewayClient.Outcome(404, b, null, 5);
          }
          fillSome(o);
          b.put("status", o[2] == 1 ? "live" : "filled");
          b.put("state", o[2] == 1 ? "live" : o[1] == o[0] ? "filled" : "cancelled");
          b.put("filled", o[1]);
          b.put("leaves", o[2] == 1 ? o[0] - o[1] : 0);
        }
      }
      return new GatewayClient.Outcome(200, b, null, 5);
    }

    long trulyFilled() {
      return orders.values().stream().mapToLong(o -> o[1]).sum();
    }
  }

  static InstitutionalFlow flow(long seed, MarketView market, AtomicLong now) {
    BrokerPopulation p = new BrokerPopulation(BrokerKind.INSTITUTIONAL, 1, 1, List.of("7203"), OnFailure.RESEND, 1);
    return (InstitutionalFlow) OrderFlow.of(new BrokerId("IN1", 101, "t", p, 0), seed, OrderFlowTest.SYMBOLS, "s-",
        market, now::get);
  }

  /** Drives the flow against the fake exchange for {@code turns} turns of 1 simulated minute. */
  static List<OrderIntent> run(long seed, int turns, FakeExchange x, List<String> problems) {
    AtomicLong now = new AtomicLong(9 * 3_600_000L);
    InstitutionalFlow f = flow(seed, x, now);
    List<OrderIntent> sent = new ArrayList<>();
    InstitutionalFlow.Parent parent = null;
    long filledBefore = 0; // true fills of earlier parents
    OrderIntent child = null;
    for (int i = 0; i < turns; i++) {
      for (OrderIntent in : f.next()) {
        if (in.op() == OrderIntent.Op.REPLACE && (child == null || !in.origClOrdId().equals(child.clOrdId())
            || in.qty() != child.qty() || !in.side().equals(child.side()) || !in.symbol().equals(child.symbol()))) {
          problems.add("turn " + i + ": a replace " + in + " that is not a reprice of the child " + child);
        }
        if (f.parent() != parent) {
          filledBefore = x.trulyFilled();
          parent = f.parent();
        }
        if (in.op() == OrderIntent.Op.NEW) {
          long trulyDone = x.trulyFilled() - filledBefore;
          long liveLeft = x.orders.values().stream().filter(o -> o[2] == 1).mapToLong(o -> o[0] - o[1]).sum();
          if (liveLeft > 0) {
            problems.add("turn " + i + ": a new child while another is live");
          }
          if (in.qty() > parent.qty - trulyDone) {
            problems.add("turn " + i + ": child " + in.qty() + " > what is left of the parent, "
                + (parent.qty - trulyDone));
          }
          if (in.qty() % 100 != 0) {
            problems.add("turn " + i + ": not whole lots: " + in.qty());
          }
          child = in;
        }
        sent.add(in);
        f.answered(in, x.answer(in));
        if (x.trulyFilled() - filledBefore > parent.qty) {
          problems.add("turn " + i + ": the parent is overfilled");
        }
      }
      now.addAndGet(60_000);
    }
    return sent;
  }

  @Test
  void childrenNeverAddUpToMoreThanTheParentAfterPartialFillsLostAnswersAndReplaces() {
    for (long seed = 1; seed <= 20; seed++) {
      List<String> problems = new ArrayList<>();
      FakeExchange x = new FakeExchange(seed * 31);
      List<OrderIntent> sent = run(seed, 2000, x, problems);
      assertEquals(List.of(), problems.subList(0, Math.min(10, problems.size())), "seed " + seed);
      assertTrue(sent.stream().anyMatch(i -> i.op() == OrderIntent.Op.CANCEL), "children were cancelled");
      assertTrue(sent.stream().anyMatch(i -> i.op() == OrderIntent.Op.REPLACE), "children were repriced");
      assertTrue(sent.stream().anyMatch(i -> i.op() == OrderIntent.Op.STATUS), "unknown children were asked about");
    }
  }

  @Test
  void aParentIsWorkedToTheEndThenTheNextStarts() {
    FakeExchange x = new FakeExchange(5);
    AtomicLong now = new AtomicLong(9 * 3_600_000L);
    InstitutionalFlow f = flow(5, x, now);
    for (OrderIntent in : f.next()) {
      f.answered(in, x.answer(in));
    }
    InstitutionalFlow.Parent first = f.parent();
    assertTrue(first.qty >= 50 * 100 && first.qty <= 200 * 100, "50-200 lots: " + first.qty);
    for (int i = 0; i < 5000 && f.parent() == first; i++) {
      for (OrderIntent in : f.next()) {
        f.answered(in, x.answer(in));
      }
      now.addAndGet(60_000);
    }
    assertTrue(f.parent() != first, "the first parent was completed");
    assertEquals(first.qty, first.done, "done = the parent, exactly");
  }

  @Test
  void childrenGoAtTheFarTouchOrOneTickThrough() {
    FakeExchange x = new FakeExchange(9);
    List<OrderIntent> sent = run(9, 300, x, new ArrayList<>());
    // the fake's touch moves in 1-yen steps from 1999/2000; one tick through is 0.5 yen there
    assertTrue(sent.stream().anyMatch(i -> i.op() == OrderIntent.Op.REPLACE));
    for (OrderIntent in : sent) {
      if (in.op() == OrderIntent.Op.NEW || in.op() == OrderIntent.Op.REPLACE) {
        assertTrue(in.price() % 10 == 0 || in.price() % 10 == 5 && TickTable.TOPIX500.onGrid(in.price()),
            "at the touch (whole yen) or half a yen through: " + in.price());
        assertEquals(in.op() == OrderIntent.Op.NEW ? "DAY" : null, in.tif());
      }
    }
  }

  @Test
  void theSameSeedAndMarketGiveTheSameOrders() {
    List<OrderIntent> a = run(11, 500, new FakeExchange(3), new ArrayList<>());
    List<OrderIntent> b = run(11, 500, new FakeExchange(3), new ArrayList<>());
    List<OrderIntent> c = run(12, 500, new FakeExchange(3), new ArrayList<>());
    assertEquals(a, b);
    assertTrue(!a.equals(c), "another seed, another parent");
  }

  /** A market that stays where the test puts it. */
  static final class StillMarket implements MarketView {
    long bid = 19990;
    long ask = 20000;

    @Override
    public List<Long> newTrades(String symbol) {
      return List.of();
    }

    @Override
    public Touch touch(String symbol) {
      return new Touch(bid, ask);
    }
  }

  static GatewayClient.Outcome live(long filled, long leaves) {
    ObjectNode b = History.JSON.createObjectNode();
    b.put("status", "accepted").put("state", "live").put("filled", filled).put("leaves", leaves);
    return new GatewayClient.Outcome(200, b, null, 5);
  }

  @Test
  void aChildTheMarketLeftIsRepricedToTheTouchAndCancelledIfTheReplaceIsRefused() {
    StillMarket m = new StillMarket();
    AtomicLong now = new AtomicLong(9 * 3_600_000L);
    InstitutionalFlow f = flow(21, m, now);
    OrderIntent child = f.next().get(0);
    assertEquals(OrderIntent.Op.NEW, child.op());
    boolean buy = child.side().equals("BUY");
    f.answered(child, live(0, child.qty()));
    now.addAndGet(60_000);
    assertEquals(List.of(), f.next(), "at the touch: nothing to do");

    // someone improves on the child: a buy's bid is topped, a sell's ask undercut
    m.bid = buy ? child.price() + 20 : 19950;
    m.ask = buy ? child.price() + 30 : child.price() - 20;
    List<OrderIntent> turn = f.next();
    assertEquals(1, turn.size(), turn.toString());
    OrderIntent rep = turn.get(0);
    assertEquals(OrderIntent.Op.REPLACE, rep.op(), "repriced, not cancelled: " + rep);
    assertEquals(child.clOrdId(), rep.origClOrdId(), "named by its first ClOrdID");
    assertEquals(child.qty(), rep.qty(), "the same quantity");
    long far = buy ? m.ask : m.bid;
    long through = buy ? far + 5 : far - 5; // one tick of TOPIX500 at 2000 yen is 0.5 yen
    assertTrue(rep.price() == far || rep.price() == through, "to the far touch or one tick through: " + rep.price());
    assertTrue(!rep.clOrdId().equals(child.clOrdId()), "a ClOrdID of its own");
    f.answered(rep, live(0, child.qty()));
    assertEquals(List.of(), f.next(), "at its new price nobody improved on it");

    // improved on again; this time the exchange refuses the replace (a halt): ask, then cancel
    m.bid = buy ? rep.price() + 20 : 19900;
    m.ask = buy ? rep.price() + 30 : rep.price() - 20;
    OrderIntent again = f.next().get(0);
    assertEquals(OrderIntent.Op.REPLACE, again.op());
    ObjectNode halted = History.JSON.createObjectNode().put("status", "refused").put("code", "MARKET_HALTED");
    f.answered(again, new GatewayClient.Outcome(422, halted, null, 5));
    OrderIntent ask = f.next().get(0);
    assertEquals(OrderIntent.Op.STATUS, ask.op(), "what became of it is asked: " + ask);
    ObjectNode st = History.JSON.createObjectNode().put("status", "live").put("state", "live").put("filled", 100)
        .put("leaves", child.qty() - 100).put("price", io.kabuto.matching.Prices.format(rep.price()));
    f.answered(ask, new GatewayClient.Outcome(200, st, null, 5));
    assertEquals(100, f.parent().done, "the fills the status told count");
    OrderIntent cancel = f.next().get(0);
    assertEquals(OrderIntent.cancel(child.clOrdId()), cancel, "a child whose replace was refused is cancelled");
  }

  @Test
  void aReplacesAnswerTellsTheChildsFillsByWhatIsLeftOfItsQuantity() {
    StillMarket m = new StillMarket();
    AtomicLong now = new AtomicLong(9 * 3_600_000L);
    InstitutionalFlow f = flow(22, m, now);
    OrderIntent child = f.next().get(0);
    boolean buy = child.side().equals("BUY");
    f.answered(child, live(100, child.qty() - 100));
    m.bid = buy ? child.price() + 20 : 19950;
    m.ask = buy ? child.price() + 30 : child.price() - 20;
    OrderIntent rep = f.next().get(0);
    assertEquals(OrderIntent.Op.REPLACE, rep.op());
    // 100 filled on arrival, 200 more while it rested, 100 by the replace crossing: 400 left of the total
    f.answered(rep, live(100, child.qty() - 400));
    assertEquals(400, f.parent().done);
  }

  @Test
  void aChildStillRestingHalfwayThroughItsSliceIsRepricedOnceToCatchUp() {
    StillMarket m = new StillMarket();
    AtomicLong now = new AtomicLong(9 * 3_600_000L);
    InstitutionalFlow f = flow(23, m, now);
    OrderIntent child = f.next().get(0);
    boolean buy = child.side().equals("BUY");
    f.answered(child, live(0, child.qty()));
    // the far touch moved off the child's price (a buy's ask went up, a sell's bid down); nobody improved on it
    m.bid = buy ? child.price() - 10 : child.price() - 20;
    m.ask = buy ? child.price() + 20 : child.price() + 10;
    now.addAndGet(InstitutionalFlow.SLICE_MILLIS / 2 - 60_000);
    assertEquals(List.of(), f.next(), "before half the slice it waits");
    now.addAndGet(60_000);
    OrderIntent rep = f.next().get(0);
    assertEquals(OrderIntent.Op.REPLACE, rep.op(), rep.toString());
    long far = buy ? m.ask : m.bid;
    assertTrue(rep.price() == far || rep.price() == (buy ? far + 5 : far - 5), rep.price() + " vs far " + far);
    f.answered(rep, live(0, child.qty()));
    now.addAndGet(60_000);
    assertEquals(List.of(), f.next(), "caught up once only");
    now.addAndGet(InstitutionalFlow.SLICE_MILLIS / 2);
    assertEquals(List.of(OrderIntent.cancel(child.clOrdId())), f.next(), "still live when the next slice is due");
  }
}
