package io.kabuto.gateway.http;

import io.kabuto.book.OrderBook;
import io.kabuto.gateway.ParticipantSession;
import io.kabuto.matching.EventType;
import io.kabuto.matching.Prices;
import io.kabuto.matching.Side;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP gateway's answers as JSON: the order-state documents of session replies (the
 * executions WebSocket sends the same ones), book depth, and the {@code {"error","code"}}
 * document every refusal uses. Request parsing is {@link OrderJson}; the two share its mapper,
 * so what the gateway reads and what it writes follow one set of Jackson settings.
 */
final class ReplyJson {
  private ReplyJson() {}

  static Map<String, Object> error(String code, String reason) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", reason);
    m.put("code", code);
    return m;
  }

  /** A session reply as JSON (the WebSocket uses the same document). */
  static Map<String, Object> reply(ParticipantSession.Reply r) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (r instanceof ParticipantSession.Refused f) {
      m.put("clOrdId", f.clOrdId());
      m.put("status", "refused");
      m.put("error", f.reason());
      m.put("code", f.code().name());
      return m;
    }
    if (r instanceof ParticipantSession.KillSwitchState k) {
      m.put("killSwitch", k.engaged() ? "engaged" : "released");
      m.put("cancelled", k.cancelled());
      m.put("unansweredBooks", k.unanswered());
      if (!k.refused().isEmpty()) {
        m.put("refusedBooks", k.refused());
      }
      m.put("recorded", k.recorded() ? "majority" : "this node only: " + k.problem());
      return m;
    }
    if (r instanceof ParticipantSession.Execution x) {
      return execution(x);
    }
    ParticipantSession.Answer a = (ParticipantSession.Answer) r;
    m.put("clOrdId", a.clOrdId());
    m.put("symbol", a.symbol());
    m.put("orderId", Long.toString(a.orderId()));
    if (a.book() instanceof OrderBook.Accepted acc) {
      m.put("status", "accepted");
      long filled = 0;
      Long leaves = null;
      String state = "live";
      List<Map<String, Object>> events = new ArrayList<>();
      for (OrderBook.EventData e : acc.events()) {
        events.add(event(e, a.orderId()));
        if (e.type() == EventType.TRADE) {
          filled += e.qty();
          leaves = e.orderId() == a.orderId() ? e.leaves() : e.otherLeaves();
        } else if (e.type() == EventType.ACCEPTED || e.type() == EventType.RESTED
            || e.type() == EventType.REPLACED) {
          leaves = e.leaves();
        } else if (e.type() == EventType.CANCELLED) {
          leaves = 0L;
          state = "cancelled";
        }
      }
      if (leaves != null && leaves == 0 && !state.equals("cancelled")) {
        state = "filled";
      }
      m.put("state", state);
      m.put("filled", filled);
      if (leaves != null) {
        m.put("leaves", leaves);
      }
      m.put("events", events);
    } else if (a.book() instanceof OrderBook.Rejected rej) {
      m.put("status", "rejected");
      m.put("error", rej.reason());
      m.put("code", rej.code().name());
    } else if (a.book() instanceof OrderBook.OrderStatus s) {
      m.put("status", s.state().name().toLowerCase(Locale.ROOT));
      m.put("state", s.state().name().toLowerCase(Locale.ROOT));
      if (s.side() != null) {
        m.put("side", s.side().name());
        m.put("type", s.type().name());
        m.put("tif", s.tif().name());
        m.put("price", Prices.format(s.price()));
        m.put("qty", s.qty());
        m.put("filled", s.filled());
        m.put("leaves", s.leaves());
      }
      if (s.cancelReason() != null) {
        m.put("cancelReason", s.cancelReason().name());
      }
    } else {
      m.put("status", String.valueOf(a.book()));
    }
    return m;
  }

  /**
   * An unsolicited execution: the event as in answers, and for a trade this participant's side
   * of it (its order's side, last quantity and price, leaves).
   */
  static Map<String, Object> execution(ParticipantSession.Execution x) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clOrdId", x.clOrdId());
    m.put("symbol", x.symbol());
    m.put("orderId", Long.toString(x.orderId()));
    OrderBook.EventData e = x.event();
    if (e != null && e.type() == EventType.TRADE) {
      // A trade names the buy order first and the sell order second.
      boolean buyer = e.orderId() == x.orderId();
      m.put("side", buyer ? Side.BUY.name() : Side.SELL.name());
      m.put("lastQty", e.qty());
      m.put("lastPx", Prices.format(e.price()));
      m.put("leaves", buyer ? e.leaves() : e.otherLeaves());
    }
    m.put("event", e == null ? null : event(e, x.orderId()));
    m.put("bookSeq", x.bookSeq());
    m.put("index", x.index());
    return m;
  }

  private static Map<String, Object> event(OrderBook.EventData e, long orderId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", e.type().name());
    m.put("time", e.time());
    if (e.type() == EventType.TRADE) {
      m.put("tradeId", e.tradeId());
      m.put("price", Prices.format(e.price()));
      m.put("qty", e.qty());
      // orderId is the buy order, otherOrderId the sell order; side is the aggressor's
      // (none in an auction).
      Side mine = e.orderId() == orderId ? Side.BUY : Side.SELL;
      m.put("leaves", mine == Side.BUY ? e.leaves() : e.otherLeaves());
      m.put("aggressor", e.sideValue() == mine);
    } else {
      if (e.price() > 0) {
        m.put("price", Prices.format(e.price()));
      }
      m.put("qty", e.qty());
      m.put("leaves", e.leaves());
      if (e.cancelReason() != null) {
        m.put("cancelReason", e.cancelReason().name());
      }
    }
    return m;
  }

  static Map<String, Object> depth(OrderBook.Depth d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("symbol", d.symbol());
    m.put("phase", d.phase() == null ? null : d.phase().name());
    m.put("bids", levels(d.bids()));
    m.put("asks", levels(d.asks()));
    m.put("lastPrice", d.lastPrice() > 0 ? Prices.format(d.lastPrice()) : null);
    m.put("volume", d.volume());
    m.put("tradeCount", d.tradeCount());
    m.put("orderCount", d.orderCount());
    m.put("marketBuyQty", d.marketBuyQty());
    m.put("marketSellQty", d.marketSellQty());
    if (d.specialQuote()) {
      m.put("specialQuote", Map.of("side", String.valueOf(d.specialQuoteSide()),
          "price", Prices.format(d.specialQuotePrice())));
    }
    m.put("bookSeq", d.seq());
    return m;
  }

  private static List<Map<String, Object>> levels(List<OrderBook.Level> ls) {
    List<Map<String, Object>> out = new ArrayList<>(ls.size());
    for (OrderBook.Level l : ls) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("price", Prices.format(l.price()));
      m.put("qty", l.qty());
      out.add(m);
    }
    return out;
  }

  static String write(Object o) {
    try {
      return OrderJson.MAPPER.writeValueAsString(o);
    } catch (IOException e) {
      return "{\"error\":\"cannot render the answer\",\"code\":\"INTERNAL_ERROR\"}";
    }
  }
}
