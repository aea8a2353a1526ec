package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.BookEvents;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.EventType;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Prices;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TickTable;
import io.kabuto.matching.TimeInForce;
import io.kabuto.scenario.history.History;
import io.kabuto.scenario.journal.BookJournal;
import io.kabuto.scenario.journal.JournalEntry;
import io.kabuto.scenario.journal.StoredJournal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-made trading session of book 7203: the brokers' history and the book's journal, made by
 * running a real matching core, so the two agree unless a test breaks them on purpose.
 */
final class JournalSession {
  static final String SYMBOL = "7203";
  static final String GW = "http://127.0.0.1:45521";

  final History h = History.inMemory(System.nanoTime(), () -> 9 * 3600_000L);
  final BookRules rules = BookRules.tse(SYMBOL, TickTable.TOPIX500, Prices.yen(2000));
  LimitOrderBook book = new LimitOrderBook(rules);
  /** Opened, then Applied events, as the book persisted them. */
  final List<Object> events = new ArrayList<>();
  final Map<String, Long> orderIds = new HashMap<>();
  private final Map<String, Integer> participants = new HashMap<>();
  private long time = 9 * 3600_000L;
  private long nextId = 1;
  long seq;

  /** An order sent (its invoke line written), not yet answered. */
  record Sent(String broker, String clOrdId, Side side, long yen, long qty, long invokeSeq) {}

  JournalSession() {
    ObjectNode run = h.line("run");
    run.put("phase", "start");
    run.putObject("gateways").put("node-1", GW);
    h.append(run);
    events.add(new OrderBook.Opened(rules));
  }

  Sent send(String broker, String clOrdId, Side side, long yen, long qty) {
    ObjectNode l = h.line("invoke");
    l.put("broker", broker).put("op", "new").put("clOrdId", clOrdId).put("attempt", 1).put("gw", GW)
        .put("symbol", SYMBOL).put("side", side.name()).put("price", Prices.format(Prices.yen(yen))).put("qty", qty)
        .put("tif", "DAY");
    return new Sent(broker, clOrdId, side, yen, qty, h.append(l));
  }

  /** The book takes the order (persisted) and the broker gets the answer. */
  OrderBook.Applied ack(Sent s) {
    OrderBook.Applied a = run(book, s);
    events.add(a);
    return a;
  }

  /** As {@link #ack} but on another incarnation's copy of the book: not in {@link #events}. */
  OrderBook.Applied ackAside(Sent s) {
    LimitOrderBook copy = LimitOrderBook.restore(rules, book.snapshot());
    return run(copy, s);
  }

  OrderBook.Applied place(String broker, String clOrdId, Side side, long yen, long qty) {
    return ack(send(broker, clOrdId, side, yen, qty));
  }

  private OrderBook.Applied run(LimitOrderBook b, Sent s) {
    long id = nextId++;
    BookEvents out = new BookEvents();
    Reject r = b.place(time++, id, participant(s.broker()), s.side(), OrderType.LIMIT, TimeInForce.DAY,
        Prices.yen(s.yen()), s.qty(), SelfTradePrevention.NONE, out);
    if (r != Reject.NONE) {
      throw new IllegalStateException("test order refused: " + r);
    }
    orderIds.put(s.broker() + "/" + s.clOrdId(), id);
    OrderBook.Applied a = new OrderBook.Applied(b == book ? ++seq : seq + 1, rows(out));
    ObjectNode l = h.line("ok");
    l.put("broker", s.broker()).put("op", "new").put("clOrdId", s.clOrdId()).put("attempt", 1)
        .put("invoke", s.invokeSeq()).put("ms", 3).put("http", 200);
    ObjectNode body = l.putObject("body");
    body.put("clOrdId", s.clOrdId()).put("symbol", SYMBOL).put("orderId", Long.toString(id)).put("status", "accepted");
    ArrayNode ev = body.putArray("events");
    long filled = 0;
    for (OrderBook.EventData e : Answers.about(a, id)) {
      ObjectNode j = ev.addObject().put("type", e.type().name()).put("time", e.time());
      if (e.type() == EventType.TRADE) {
        j.put("tradeId", e.tradeId()).put("price", Prices.format(e.price())).put("qty", e.qty())
            .put("aggressor", e.orderId() == id ? e.side() == 0 : e.side() == 1);
        filled += e.qty();
      } else {
        j.put("qty", e.qty()).put("leaves", e.leaves());
      }
    }
    body.put("filled", filled);
    h.append(l);
    return a;
  }

  /** The broker cancels its order (sent and answered) and the book persists it. */
  void cancel(String broker, String clOrdId) {
    ObjectNode l = h.line("invoke");
    l.put("broker", broker).put("op", "cancel").put("clOrdId", "c-" + clOrdId).put("orig", clOrdId)
        .put("attempt", 1).put("gw", GW);
    long inv = h.append(l);
    BookEvents out = new BookEvents();
    Reject r = book.cancel(time++, orderIds.get(broker + "/" + clOrdId), participant(broker), out);
    if (r != Reject.NONE) {
      throw new IllegalStateException("test cancel refused: " + r);
    }
    events.add(new OrderBook.Applied(++seq, rows(out)));
    ObjectNode ok = h.line("ok");
    ok.put("broker", broker).put("op", "cancel").put("clOrdId", "c-" + clOrdId).put("invoke", inv).put("ms", 2)
        .put("http", 200).putObject("body").put("status", "accepted");
    h.append(ok);
  }

  /**
   * The broker replaces its order {@code clOrdId} (named by its first ClOrdID) with ClOrdID
   * {@code replaceId} to a new price and total quantity; the book persists the modify and the
   * broker gets the answer as the HTTP gateway writes it. Returns the ok line's seq.
   */
  long replace(String broker, String clOrdId, String replaceId, long yen, long qty) {
    ObjectNode l = h.line("invoke");
    l.put("broker", broker).put("op", "replace").put("clOrdId", replaceId).put("orig", clOrdId).put("attempt", 1)
        .put("gw", GW).put("symbol", SYMBOL).put("price", Prices.format(Prices.yen(yen))).put("qty", qty);
    long inv = h.append(l);
    long id = orderIds.get(broker + "/" + clOrdId);
    BookEvents out = new BookEvents();
    Reject r = book.modify(time++, id, participant(broker), Prices.yen(yen), qty, out);
    if (r != Reject.NONE) {
      throw new IllegalStateException("test replace refused: " + r);
    }
    OrderBook.Applied a = new OrderBook.Applied(++seq, rows(out));
    events.add(a);
    ObjectNode ok = h.line("ok");
    ok.put("broker", broker).put("op", "replace").put("clOrdId", replaceId).put("attempt", 1).put("invoke", inv)
        .put("ms", 2).put("http", 200);
    ObjectNode body = ok.putObject("body");
    body.put("clOrdId", replaceId).put("symbol", SYMBOL).put("orderId", Long.toString(id)).put("status", "accepted");
    ArrayNode ev = body.putArray("events");
    long filled = 0;
    long leaves = 0;
    for (OrderBook.EventData e : Answers.about(a, id)) {
      ObjectNode j = ev.addObject().put("type", e.type().name()).put("time", e.time());
      if (e.type() == EventType.TRADE) {
        j.put("tradeId", e.tradeId()).put("price", Prices.format(e.price())).put("qty", e.qty())
            .put("aggressor", e.orderId() == id ? e.side() == 0 : e.side() == 1);
        filled += e.qty();
        leaves = e.orderId() == id ? e.leaves() : e.otherLeaves();
      } else {
        j.put("price", Prices.format(e.price())).put("qty", e.qty()).put("leaves", e.leaves());
        leaves = e.leaves();
      }
    }
    body.put("filled", filled).put("leaves", leaves);
    return h.append(ok);
  }

  /** A phase change the exchange made (no broker involved). */
  void phase(Phase p) {
    BookEvents out = new BookEvents();
    if (book.setPhase(time++, p, out) != Reject.NONE) {
      throw new IllegalStateException("test phase change refused");
    }
    events.add(new OrderBook.Applied(++seq, rows(out)));
  }

  /** A fault line as the nemesis writes it. */
  long fault(int step, String action, String phase) {
    ObjectNode l = h.line("fault");
    l.put("step", step).put("phase", phase).put("action", action).put("describe", action);
    if (phase.equals("start")) {
      l.putArray("affected").add(SYMBOL);
    }
    return h.append(l);
  }

  /** A market line as the watcher writes it: the halts in force, confirmed by every reachable node. */
  long market(boolean confirmed, String... inForce) {
    ObjectNode l = h.line("market");
    l.put("node", "node-2").put("confirmed", confirmed);
    var scopes = l.putArray("inForce");
    var halts = l.putArray("halts");
    for (String scope : inForce) {
      scopes.add(scope);
      halts.addObject().put("scope", scope).put("halted", true).put("reason", "rule: book not answering for 10 s")
          .put("by", "rule:book-unavailable");
    }
    return h.append(l);
  }

  /** Every replica holds the same log, written by one incarnation in epoch 1. */
  StoredJournal journal(String... replicas) {
    Map<String, List<JournalEntry>> by = new LinkedHashMap<>();
    for (String r : replicas) {
      by.put(r, entries(r, events, 1, "writer-1"));
    }
    return new StoredJournal(Map.of(SYMBOL, new BookJournal(SYMBOL, by)), List.of(replicas), List.of());
  }

  static List<JournalEntry> entries(String replica, List<Object> events, long epoch, String writer) {
    List<JournalEntry> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      out.add(new JournalEntry(replica, i + 1, epoch, writer, events.get(i), 100));
    }
    return out;
  }

  List<JsonNode> lines() {
    return h.lines();
  }

  private int participant(String broker) {
    return participants.computeIfAbsent(broker, b -> participants.size() + 1);
  }

  static List<OrderBook.EventData> rows(BookEvents out) {
    List<OrderBook.EventData> l = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      l.add(BookLog.row(out, i));
    }
    return List.copyOf(l);
  }
}
