package io.kabuto.scenario.check;

import io.kabuto.book.OrderBook;
import io.kabuto.matching.BookEvents;
import io.kabuto.matching.BookSnapshot;
import io.kabuto.matching.CancelReason;
import io.kabuto.matching.EventType;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-runs one persisted command on a fresh reference book. The journal holds the core's output,
 * not the commands, so each {@code Applied} is read back into the command that produced it: an
 * ACCEPTED is a new order (its fields are the order's), a REPLACED a modify, a CANCELLED with
 * reason REQUESTED a cancel (several of one participant: a cancel-all), a PHASE a phase change,
 * and none of these a clock tick. Clock-driven events ahead of the command's own are reproduced
 * by the core itself from the command's time.
 */
final class Replay {
  private LimitOrderBook book;
  private final BookEvents out = new BookEvents(256);

  Replay(io.kabuto.matching.BookRules rules) {
    this.book = new LimitOrderBook(rules);
  }

  /** What the command produced, or null if it matches; the message says how it differs. */
  String run(OrderBook.Applied a) {
    List<OrderBook.EventData> want = a.events();
    OrderBook.EventData cmd = commandEvent(want);
    long time = cmd != null ? cmd.time() : tickTime(want);
    if (cmd != null && cmd.type() == EventType.ACCEPTED && selfTradeCancel(want)) {
      // the order's self-trade prevention is not in the event: the one that reproduces it was sent
      BookSnapshot before = book.snapshot();
      String first = null;
      for (SelfTradePrevention stp : SelfTradePrevention.values()) {
        book = LimitOrderBook.restore(book.rules(), before);
        String diff = place(book, cmd, stp, time, want);
        if (diff == null) {
          return null;
        }
        first = first == null ? diff : first;
      }
      return first + " (with every self-trade prevention)";
    }
    out.clear();
    Reject r = Reject.NONE;
    String what;
    if (cmd == null) {
      what = "clock tick at " + time;
      book.onClock(time, out);
    } else {
      switch (cmd.type()) {
        case ACCEPTED -> {
          return place(book, cmd, SelfTradePrevention.NONE, time, want);
        }
        case REPLACED -> {
          what = "modify of order " + cmd.orderId();
          r = book.modify(time, cmd.orderId(), cmd.participant(), cmd.price(), cmd.qty(), out);
        }
        case PHASE -> {
          what = "phase change to " + cmd.phase();
          r = book.setPhase(time, cmd.phase(), out);
        }
        default -> {
          long requested = want.stream().filter(Replay::requestedCancel).count();
          if (requested > 1) {
            what = "cancel-all of participant " + cmd.participant();
            for (long id : book.ordersOf(cmd.participant())) {
              book.cancel(time, id, cmd.participant(), out);
            }
          } else {
            what = "cancel of order " + cmd.orderId();
            r = book.cancel(time, cmd.orderId(), cmd.participant(), out);
          }
        }
      }
    }
    return compare(what, r, want);
  }

  /** The reference book, after the commands replayed so far. */
  LimitOrderBook book() {
    return book;
  }

  private String place(LimitOrderBook b, OrderBook.EventData c, SelfTradePrevention stp, long time,
      List<OrderBook.EventData> want) {
    out.clear();
    Reject r = b.place(time, c.orderId(), c.participant(), Side.values()[c.side()], OrderType.values()[c.orderType()],
        TimeInForce.values()[c.tif()], c.price(), c.qty(), stp, out);
    return compare("new order " + c.orderId(), r, want);
  }

  private String compare(String what, Reject r, List<OrderBook.EventData> want) {
    if (r != Reject.NONE) {
      return what + ": the reference book rejects it (" + r + "), the journal has " + want.size() + " events";
    }
    List<OrderBook.EventData> got = new ArrayList<>(out.size());
    for (int i = 0; i < out.size(); i++) {
      got.add(BookLog.row(out, i));
    }
    for (int i = 0; i < Math.max(got.size(), want.size()); i++) {
      OrderBook.EventData g = i < got.size() ? got.get(i) : null;
      OrderBook.EventData w = i < want.size() ? want.get(i) : null;
      if (g == null || !g.equals(w)) {
        return what + ": event " + (i + 1) + " of " + want.size() + " differs: journal "
            + (w == null ? "(none)" : w.describe()) + ", reference " + (g == null ? "(none)" : g.describe())
            + (g != null && w != null && g.describe().equals(w.describe()) ? " (in " + unprinted(w, g) + ")" : "");
      }
    }
    return null;
  }

  /** The fields two events with the same text differ in: describe() leaves some out. */
  static String unprinted(OrderBook.EventData journal, OrderBook.EventData reference) {
    List<String> d = new ArrayList<>();
    var parts = OrderBook.EventData.class.getRecordComponents();
    try {
      for (var c : parts) {
        Object a = c.getAccessor().invoke(journal);
        Object b = c.getAccessor().invoke(reference);
        if (!a.equals(b)) {
          d.add(c.getName() + " " + a + " vs " + b);
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read an event's fields", e);
    }
    return String.join(", ", d);
  }

  /** The event that says which command this was (see the class comment), or null for a tick. */
  static OrderBook.EventData commandEvent(List<OrderBook.EventData> events) {
    for (OrderBook.EventData e : events) {
      if (e.type() == EventType.ACCEPTED || e.type() == EventType.REPLACED || e.type() == EventType.PHASE
          || requestedCancel(e)) {
        return e;
      }
    }
    return null;
  }

  /**
   * The time of a clock tick: its latest event's. A special quote's step is stamped with the time
   * it was due, not the tick's, and the trade that may follow it with the tick's, so the first
   * event can be minutes older than the tick; any time from the last step's due time to the next
   * one's steps the quote the same way, so the latest event gives the same events back.
   */
  static long tickTime(List<OrderBook.EventData> events) {
    long t = Long.MIN_VALUE;
    for (OrderBook.EventData e : events) {
      t = Math.max(t, e.time());
    }
    return t;
  }

  static boolean requestedCancel(OrderBook.EventData e) {
    return e.type() == EventType.CANCELLED && e.cancelReason() == CancelReason.REQUESTED;
  }

  private static boolean selfTradeCancel(List<OrderBook.EventData> events) {
    return events.stream().anyMatch(e -> e.type() == EventType.CANCELLED && e.cancelReason() == CancelReason.SELF_TRADE);
  }

}
