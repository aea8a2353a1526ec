package io.kabuto.marketdata;

import io.kabuto.book.OrderBook;
import io.kabuto.matching.Prices;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON form of market-data messages (HTTP page and WebSocket): prices as yen strings. */
final class MarketDataJson {
  private MarketDataJson() {}

  static Map<String, Object> message(MarketDataMessage m) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("type", "market-data");
    j.put("symbol", m.symbol());
    j.put("seq", m.seq());
    j.put("kind", m.kind().name());
    j.put("time", m.time());
    j.put("bookSeq", m.bookSeq());
    switch (m.kind()) {
      case TRADE, BUST -> {
        j.put("tradeId", m.tradeId());
        j.put("price", Prices.format(m.price()));
        j.put("qty", m.qty());
        j.put("aggressor", m.aggressor() == null ? null : m.aggressor().name());
        if (m.kind() == MarketDataMessage.Kind.BUST) j.put("reason", m.text());
      }
      case TOP -> {
        j.put("bid", level(m.bidPrice(), m.bidQty()));
        j.put("ask", level(m.askPrice(), m.askQty()));
      }
      case STATUS -> {
        j.put("phase", m.phase() == null ? null : m.phase().name());
        j.put("halted", m.halted());
        if (m.text() != null) j.put("text", m.text());
      }
    }
    return j;
  }

  /** A level, or null for an empty side. */
  private static Map<String, Object> level(long price, long qty) {
    if (qty == 0) return null;
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("price", Prices.format(price));
    l.put("qty", qty);
    return l;
  }

  static Map<String, Object> page(OrderBook.MarketDataPage p, long from) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("symbol", p.symbol());
    j.put("firstRetained", p.firstRetained());
    j.put("lastSeq", p.lastSeq());
    if (from < p.firstRetained() && p.firstRetained() > 1) {
      j.put("reset", "messages " + from + ".." + (p.firstRetained() - 1) + " are no longer retained; "
          + "resynchronise from GET /books/" + p.symbol() + "/depth");
    }
    List<Map<String, Object>> ms = new ArrayList<>(p.messages().size());
    for (MarketDataMessage m : p.messages()) ms.add(message(m));
    j.put("messages", ms);
    return j;
  }

  static Map<String, Object> error(String code, String reason) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", reason);
    m.put("code", code);
    return m;
  }
}
