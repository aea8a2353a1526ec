package io.kabuto.book;

import io.kabuto.book.OrderBook.Accepted;
import io.kabuto.book.OrderBook.Ack;
import io.kabuto.book.OrderBook.CancelOrder;
import io.kabuto.book.OrderBook.Clock;
import io.kabuto.book.OrderBook.Command;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.ModifyOrder;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.Rejected;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.matching.BookEvents;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Prices;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A seeded stream of order-book commands around a base price, plus an oracle: the bare core fed
 * the same commands, with the entity's idempotency rule, predicting every reply and the final
 * state hash.
 */
final class BookFlow {
  /** A command without its replyTo. */
  interface Step extends Function<ActorRef<Response>, Command> {}

  private final Random rnd;
  private final long base;
  private final long tick;
  private final List<Long> placed = new ArrayList<>();
  private final List<PlaceOrder> sent = new ArrayList<>();
  private long nextId;
  private long time;

  BookFlow(long seed, long basePrice, long tick, long firstId) {
    this.rnd = new Random(seed);
    this.base = basePrice;
    this.tick = tick;
    this.nextId = firstId;
  }

  /** The next command: mostly places, some cancels/modifies/clock ticks, ~4% re-sent places. */
  Step next() {
    time += 50 + rnd.nextInt(200);
    int k = rnd.nextInt(100);
    if (k < 4 && !sent.isEmpty()) {
      PlaceOrder p = sent.get(rnd.nextInt(sent.size()));
      return r -> new PlaceOrder(p.orderId(), p.participant(), p.side(), p.type(), p.tif(), p.price(),
          p.qty(), p.stp(), time, r);
    }
    if (k < 14 && !placed.isEmpty()) {
      long id = placed.get(rnd.nextInt(placed.size()));
      int part = rnd.nextInt(10) == 0 ? 9 : participantOf(id);
      long t = time;
      return r -> new CancelOrder(id, part, t, r);
    }
    if (k < 24 && !placed.isEmpty()) {
      long id = placed.get(rnd.nextInt(placed.size()));
      int part = participantOf(id);
      long px = price();
      long qty = 100L * (1 + rnd.nextInt(8));
      long t = time;
      return r -> new ModifyOrder(id, part, px, qty, t, r);
    }
    if (k < 27) {
      time += 60_000;
      long t = time;
      return r -> new Clock(t, r);
    }
    long id = nextId++;
    int part = 1 + rnd.nextInt(5);
    Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
    boolean market = rnd.nextInt(12) == 0;
    TimeInForce tif = rnd.nextInt(10) == 0 ? (rnd.nextBoolean() ? TimeInForce.IOC : TimeInForce.FOK) : TimeInForce.DAY;
    long px = market ? 0 : price();
    long qty = 100L * (1 + rnd.nextInt(10));
    SelfTradePrevention stp = SelfTradePrevention.values()[rnd.nextInt(3)];
    PlaceOrder p = new PlaceOrder(id, part, side, market ? OrderType.MARKET : OrderType.LIMIT, tif, px, qty,
        stp, time, null);
    sent.add(p);
    placed.add(id);
    return r -> new PlaceOrder(p.orderId(), p.participant(), p.side(), p.type(), p.tif(), p.price(), p.qty(),
        p.stp(), p.time(), r);
  }

  private int participantOf(long id) {
    for (PlaceOrder p : sent) if (p.orderId() == id) return p.participant();
    return 1;
  }

  private long price() {
    // mostly within 10 yen of the base; now and then far enough to hit the special-quote band
    int spread = rnd.nextInt(20) == 0 ? 120 : 20;
    long p = base + (rnd.nextInt(2 * spread + 1) - spread) * tick;
    return p;
  }

  long time() {
    return time;
  }

  /** The bare core plus the entity's idempotency memory, predicting replies. */
  static final class Oracle {
    final LimitOrderBook book;
    private final BookEvents out = new BookEvents();
    private final Map<Long, Accepted> first = new HashMap<>();

    Oracle(BookRules rules) {
      this.book = new LimitOrderBook(rules);
    }

    Response expect(Command c) {
      out.clear();
      if (c instanceof PlaceOrder p) {
        Accepted a = first.get(p.orderId());
        if (a != null) return a;
        Reject r = book.place(p.time(), p.orderId(), p.participant(), p.side(), p.type(), p.tif(), p.price(),
            p.qty(), p.stp(), out);
        if (r != Reject.NONE) return new Rejected(p.orderId(), r, r.reason());
        Accepted acc = new Accepted(p.orderId(), mine(p.orderId()));
        first.put(p.orderId(), acc);
        return acc;
      } else if (c instanceof CancelOrder x) {
        Reject r = book.cancel(x.time(), x.orderId(), x.participant(), out);
        return r != Reject.NONE ? new Rejected(x.orderId(), r, r.reason()) : new Accepted(x.orderId(), mine(x.orderId()));
      } else if (c instanceof ModifyOrder m) {
        Reject r = book.modify(m.time(), m.orderId(), m.participant(), m.newPrice(), m.newQty(), out);
        return r != Reject.NONE ? new Rejected(m.orderId(), r, r.reason()) : new Accepted(m.orderId(), mine(m.orderId()));
      } else if (c instanceof Clock k) {
        book.onClock(k.time(), out);
        List<EventData> all = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) all.add(EventData.of(out, i));
        return new Ack(all);
      }
      throw new IllegalArgumentException(c.toString());
    }

    private List<EventData> mine(long id) {
      List<EventData> list = new ArrayList<>();
      for (int i = 0; i < out.size(); i++) {
        EventData e = EventData.of(out, i);
        if (e.concerns(id)) list.add(e);
      }
      return list;
    }
  }

  static long yen(double yen) {
    return Math.round(yen * Prices.UNITS_PER_YEN);
  }
}
