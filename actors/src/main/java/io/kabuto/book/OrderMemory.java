package io.kabuto.book;

import io.kabuto.book.OrderBook.Accepted;
import io.kabuto.book.OrderBook.Busted;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.OrderState;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.RememberedOrder;
import io.kabuto.matching.Phase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a book remembers about the trading day beyond the matching core: every accepted order
 * with its first answer and current status (the idempotency memory, see "Idempotent order ids"
 * in {@link OrderBook}), today's trades by id and the trade ids already busted. Updated only from
 * persisted events, on the live path and on replay alike, so both build the same memory; it is
 * part of snapshots.
 *
 * <p>The memory of an empty book ({@link #empty}) is immutable: it belongs to the empty state,
 * which must never change (see "Persist failure" in {@link OrderBook}).
 */
final class OrderMemory {
  /** Today's accepted orders, in acceptance order. */
  private final Map<Long, Remembered> orders;
  /** Today's trades by id (the core's events, shared with the journal's), for busts. */
  private final Map<Long, EventData> trades;
  private final Set<Long> busted;
  /** The phase as of the last handled event (the book itself runs ahead on the live path). */
  private Phase dayPhase;

  private OrderMemory(Map<Long, Remembered> orders, Map<Long, EventData> trades, Set<Long> busted,
      Phase dayPhase) {
    this.orders = orders;
    this.trades = trades;
    this.busted = busted;
    this.dayPhase = dayPhase;
  }

  /** The immutable memory of a book that has no events yet. */
  static OrderMemory empty(Phase dayPhase) {
    return new OrderMemory(Map.of(), Map.of(), Set.of(), dayPhase);
  }

  /** The memory of a book just opened. */
  static OrderMemory opened(Phase dayPhase) {
    return new OrderMemory(new LinkedHashMap<>(), new HashMap<>(), new HashSet<>(), dayPhase);
  }

  /**
   * The memory a snapshot describes. {@code trades} and {@code busted} are null in a snapshot
   * written before busts existed: only trades after it can be busted.
   */
  static OrderMemory restored(List<RememberedOrder> remembered, List<EventData> trades,
      List<Long> busted, Phase dayPhase) {
    Map<Long, Remembered> mem = new LinkedHashMap<>();
    for (RememberedOrder o : remembered) {
      Remembered r = new Remembered(List.copyOf(o.firstAnswer()), o.price(), o.qty());
      r.filled = o.filled();
      r.state = o.state();
      r.cancelCode = o.cancelCode();
      mem.put(o.orderId(), r);
    }
    Map<Long, EventData> byId = new HashMap<>();
    if (trades != null) for (EventData t : trades) byId.put(t.tradeId(), t);
    Set<Long> done = busted == null ? new HashSet<>() : new HashSet<>(busted);
    return new OrderMemory(mem, byId, done, dayPhase);
  }

  /** The remembered orders as snapshot records, in acceptance order. */
  List<RememberedOrder> rememberedOrders() {
    List<RememberedOrder> mem = new ArrayList<>(orders.size());
    for (Map.Entry<Long, Remembered> en : orders.entrySet()) {
      Remembered r = en.getValue();
      mem.add(new RememberedOrder(en.getKey(), r.firstAnswer, r.price, r.qty, r.filled, r.state, r.cancelCode));
    }
    return List.copyOf(mem);
  }

  List<EventData> trades() {
    return List.copyOf(trades.values());
  }

  List<Long> busted() {
    return List.copyOf(busted);
  }

  Phase dayPhase() {
    return dayPhase;
  }

  int size() {
    return orders.size();
  }

  /** The remembered order {@code orderId}, or null. */
  Remembered get(long orderId) {
    return orders.get(orderId);
  }

  /** The first answer to order {@code orderId}, or null if it was not accepted today. */
  Accepted firstAnswer(long orderId) {
    Remembered r = orders.get(orderId);
    return r == null ? null : new Accepted(orderId, r.firstAnswer);
  }

  /** Today's trade {@code tradeId}, or null. */
  EventData trade(long tradeId) {
    return trades.get(tradeId);
  }

  boolean isBusted(long tradeId) {
    return busted.contains(tradeId);
  }

  /** Updates the memory from one Applied event (both paths). */
  void remember(List<EventData> events) {
    for (EventData e : events) {
      switch (e.type()) {
        case ACCEPTED -> {
          List<EventData> first = new ArrayList<>();
          for (EventData x : events) if (x.concerns(e.orderId())) first.add(x);
          orders.put(e.orderId(), new Remembered(List.copyOf(first), e.price(), e.qty()));
        }
        case RESTED -> {
          Remembered r = orders.get(e.orderId());
          if (r != null) r.state = OrderState.LIVE;
        }
        case TRADE -> {
          fill(e.orderId(), e.qty(), e.leaves());
          fill(e.otherOrderId(), e.qty(), e.otherLeaves());
          trades.put(e.tradeId(), e);
        }
        case CANCELLED -> {
          Remembered r = orders.get(e.orderId());
          if (r != null) {
            r.state = OrderState.CANCELLED;
            r.cancelCode = e.code();
          }
        }
        case REPLACED -> {
          Remembered r = orders.get(e.orderId());
          if (r != null) {
            r.price = e.price();
            r.qty = e.qty();
            r.state = OrderState.LIVE;
          }
        }
        case PHASE -> {
          Phase next = e.phase();
          // A new trading day starts when the book leaves CLOSED: forget yesterday's ids.
          // (Entering CLOSED expired every order, so none of them is live.)
          if (dayPhase == Phase.CLOSED && next != Phase.CLOSED) {
            orders.clear();
            trades.clear();
            busted.clear();
          }
          dayPhase = next;
        }
        case SPECIAL_QUOTE -> { }
      }
    }
  }

  private void fill(long id, long qty, long leaves) {
    Remembered r = orders.get(id);
    if (r == null) return;
    r.filled += qty;
    if (leaves == 0) r.state = OrderState.FILLED;
  }

  /**
   * A bust, from its event (both paths): lowers both orders' filled quantity and returns the
   * busted trade's event.
   */
  EventData bust(String symbol, Busted b) {
    EventData t = trades.get(b.tradeId());
    if (t == null || !busted.add(b.tradeId())) {
      throw new IllegalStateException("order book " + symbol + ": bust of trade " + b.tradeId()
          + (t == null ? ", which is not among today's trades" : ", which was already busted"));
    }
    unfill(t.orderId(), t.qty());
    unfill(t.otherOrderId(), t.qty());
    return t;
  }

  private void unfill(long id, long qty) {
    Remembered r = orders.get(id);
    if (r != null) r.filled -= qty;
  }

  /** Mutable memory entry of one accepted order. */
  static final class Remembered {
    final List<EventData> firstAnswer;
    long price;
    long qty;
    long filled;
    OrderState state = OrderState.LIVE;
    int cancelCode = -1;

    Remembered(List<EventData> firstAnswer, long price, long qty) {
      this.firstAnswer = firstAnswer;
      this.price = price;
      this.qty = qty;
    }

    EventData accepted() {
      return firstAnswer.get(0);
    }

    boolean sameOrder(PlaceOrder p) {
      EventData a = accepted();
      return a.participant() == p.participant() && a.side() == p.side().ordinal()
          && a.orderType() == p.type().ordinal() && a.tif() == p.tif().ordinal()
          && a.price() == p.price() && a.qty() == p.qty();
    }
  }
}
