package io.kabuto.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@link LimitOrderBook} with a terse command vocabulary for hand-written cases (prices as yen
 * strings, one clock, the last command's trades and cancels as text) and, optionally, a {@link
 * ReferenceBook} shadow that receives the same commands and must agree on every reject, trade and
 * cancel: a hand-computed expectation then checks both implementations.
 */
final class TestBook {
  final BookRules rules;
  final LimitOrderBook book;
  final ReferenceBook ref; // may be null
  final BookEvents ev = new BookEvents();
  long now;

  private final List<String> allTrades = new ArrayList<>();

  TestBook(BookRules rules, Set<ReferenceBook.Quirk> quirks) {
    this.rules = rules;
    this.book = new LimitOrderBook(rules);
    this.ref = quirks == null ? null : new ReferenceBook(rules, quirks);
  }

  /** A continuous book under the TSE defaults, shadowed by the reference (core-compatible). */
  static TestBook of(TickTable ticks, String baseYen) {
    return of(BookRules.tse("T", ticks, Prices.parseYen(baseYen)));
  }

  static TestBook of(BookRules rules) {
    return new TestBook(rules, ReferenceBook.LIKE_CORE);
  }

  /** 1,000 yen other issue: limits 700..1,300, renewal interval 30, band 970..1,030. */
  static TestBook standard1000() {
    return of(TickTable.STANDARD, "1000");
  }

  static TestBook standard1000(Phase start) {
    return of(BookRules.tse("T", TickTable.STANDARD, Prices.yen(1000)).withInitialPhase(start));
  }

  static long px(String yen) {
    return Prices.parseYen(yen);
  }

  // ---------------------------------------------------------------- commands

  TestBook at(long time) {
    now = time;
    return this;
  }

  Reject place(long id, int part, Side side, OrderType type, TimeInForce tif, String price, long qty,
      SelfTradePrevention stp) {
    long p = price == null ? 0 : px(price);
    ev.clear();
    Reject r = book.place(now, id, part, side, type, tif, p, qty, stp, ev);
    Reject rr = ref == null ? null : ref.place(now, id, part, side, type, tif, p, qty, stp);
    return after("place #" + id, r, rr);
  }

  Reject buy(long id, String price, long qty) {
    return place(id, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, price, qty, SelfTradePrevention.NONE);
  }

  Reject sell(long id, String price, long qty) {
    return place(id, 2, Side.SELL, OrderType.LIMIT, TimeInForce.DAY, price, qty, SelfTradePrevention.NONE);
  }

  Reject buy(long id, String price, long qty, TimeInForce tif) {
    return place(id, 1, Side.BUY, OrderType.LIMIT, tif, price, qty, SelfTradePrevention.NONE);
  }

  Reject sell(long id, String price, long qty, TimeInForce tif) {
    return place(id, 2, Side.SELL, OrderType.LIMIT, tif, price, qty, SelfTradePrevention.NONE);
  }

  Reject buyMarket(long id, long qty) {
    return place(id, 1, Side.BUY, OrderType.MARKET, TimeInForce.DAY, null, qty, SelfTradePrevention.NONE);
  }

  Reject sellMarket(long id, long qty) {
    return place(id, 2, Side.SELL, OrderType.MARKET, TimeInForce.DAY, null, qty, SelfTradePrevention.NONE);
  }

  Reject cancel(long id) {
    return cancel(id, LimitOrderBook.ANY_PARTICIPANT);
  }

  Reject cancel(long id, int part) {
    ev.clear();
    Reject r = book.cancel(now, id, part, ev);
    Reject rr = ref == null ? null : ref.cancel(now, id, part);
    return after("cancel #" + id, r, rr);
  }

  Reject modify(long id, String price, long qty) {
    return modify(id, LimitOrderBook.ANY_PARTICIPANT, price, qty);
  }

  Reject modify(long id, int part, String price, long qty) {
    long p = price == null ? 0 : px(price);
    ev.clear();
    Reject r = book.modify(now, id, part, p, qty, ev);
    Reject rr = ref == null ? null : ref.modify(now, id, part, p, qty);
    return after("modify #" + id, r, rr);
  }

  Reject phase(Phase next) {
    ev.clear();
    Reject r = book.setPhase(now, next, ev);
    Reject rr = ref == null ? null : ref.setPhase(now, next);
    return after("phase " + next, r, rr);
  }

  /** Advances the clock to {@code time} (absolute). */
  void clock(long time) {
    now = time;
    ev.clear();
    book.onClock(now, ev);
    if (ref != null) ref.onClock(now);
    after("clock " + time, Reject.NONE, ref == null ? null : Reject.NONE);
  }

  private Reject after(String what, Reject r, Reject rr) {
    allTrades.addAll(trades());
    if (ref != null) {
      assertEquals(r, rr, what + ": reject of the book vs the reference");
      assertEquals(trades(ref.trades()), trades(), what + ": trades, reference vs book\n" + ev);
      assertEquals(sorted(cancels(ref.cancels())), sorted(cancels()),
          what + ": cancels, reference vs book\n" + ev);
      assertEquals(ref.specialQuoteShown(), book.specialQuoteShown(), what + ": special quote shown");
      assertEquals(ref.specialQuotePrice(), book.specialQuotePrice(), what + ": special quote price");
      assertEquals(ref.bestBid(), book.bestBid(), what + ": best bid");
      assertEquals(ref.bestAsk(), book.bestAsk(), what + ": best ask");
      assertEquals(ref.orderCount(), book.orderCount(), what + ": order count");
    }
    return r;
  }

  // ---------------------------------------------------------------- results of the last command

  /** "buy#1 sell#2 100@1000" per trade of the last command, in order. */
  List<String> trades() {
    List<String> t = new ArrayList<>();
    for (int i = 0; i < ev.size(); i++) {
      if (ev.type(i) == EventType.TRADE) {
        t.add("buy#" + ev.orderId(i) + " sell#" + ev.otherOrderId(i) + " " + ev.qty(i) + "@"
            + Prices.format(ev.price(i)));
      }
    }
    return t;
  }

  private static List<String> trades(List<ReferenceBook.Trade> ts) {
    List<String> t = new ArrayList<>();
    for (ReferenceBook.Trade x : ts) {
      t.add("buy#" + x.buyId() + " sell#" + x.sellId() + " " + x.qty() + "@" + Prices.format(x.price()));
    }
    return t;
  }

  /** Every trade so far. */
  List<String> allTrades() {
    return allTrades;
  }

  /** "#1 100 IOC_REMAINDER" per cancel of the last command, in order. */
  List<String> cancels() {
    List<String> c = new ArrayList<>();
    for (int i = 0; i < ev.size(); i++) {
      if (ev.type(i) == EventType.CANCELLED) {
        c.add("#" + ev.orderId(i) + " " + ev.leaves(i) + " " + ev.cancelReason(i));
      }
    }
    return c;
  }

  private static List<String> cancels(List<ReferenceBook.Cancel> cs) {
    List<String> c = new ArrayList<>();
    for (ReferenceBook.Cancel x : cs) c.add("#" + x.orderId() + " " + x.qty() + " " + x.reason());
    return c;
  }

  private static List<String> sorted(List<String> l) {
    List<String> s = new ArrayList<>(l);
    s.sort(null);
    return s;
  }

  boolean has(EventType type) {
    for (int i = 0; i < ev.size(); i++) if (ev.type(i) == type) return true;
    return false;
  }

  /** "1000x300 990x100" best first. */
  String depth(Side side) {
    long[] p = new long[1000];
    long[] q = new long[1000];
    int n = book.depth(side, p, q);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) sb.append(' ');
      sb.append(Prices.format(p[i])).append('x').append(q[i]);
    }
    return sb.toString();
  }

  /** Special quote as "BUY 1030" (pressure side and price) or "none". */
  String specialQuote() {
    return book.specialQuoteShown()
        ? book.specialQuoteSide() + " " + Prices.format(book.specialQuotePrice())
        : "none";
  }

  /** Executable band while a special quote is shown, "970..1030". */
  String band() {
    BookSnapshot s = book.snapshot();
    return Prices.format(s.bandLow()) + ".." + Prices.format(s.bandHigh());
  }
}
