package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.BookEvents;
import io.kabuto.matching.EventType;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.Prices;
import io.kabuto.matching.Side;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The market-data messages a book's journal implies, by the rule {@code OrderBook} documents
 * (written again here from that description, since the book's derivation is private to its
 * state): per Applied, a TRADE per trade and a STATUS per phase change in event order, then a TOP
 * if the best limit bid or ask (price or quantity) differs from the last TOP; per Busted, a BUST.
 * Each message is in a canonical text form that {@link #canonical(JsonNode)} also gives the
 * gateway's JSON, so the two compare as strings.
 */
final class FeedDerivation {
  private FeedDerivation() {}

  /** The messages of a book's merged journal, sequence 1 first. */
  static List<String> derive(BookLog log) {
    List<String> out = new ArrayList<>();
    if (log.rules == null) {
      return out;
    }
    LimitOrderBook book = new LimitOrderBook(log.rules);
    BookEvents buf = new BookEvents(256);
    long[] top = new long[4];
    long[] px = new long[1];
    long[] qty = new long[1];
    Map<Long, OrderBook.EventData> trades = new HashMap<>();
    for (Object ev : log.events) {
      if (ev instanceof OrderBook.Busted b) {
        OrderBook.EventData t = trades.get(b.tradeId());
        out.add(t == null ? "BUST of unknown trade " + b.tradeId()
            : trade("BUST", b.time(), b.seq(), t.tradeId(), t.price(), t.qty(), t.sideValue()) + " reason=" + b.reason());
        continue;
      }
      OrderBook.Applied a = (OrderBook.Applied) ev;
      buf.clear();
      BookLog.appendTo(a, buf);
      book.apply(buf);
      long time = 0;
      for (OrderBook.EventData e : a.events()) {
        time = e.time();
        if (e.type() == EventType.TRADE) {
          trades.put(e.tradeId(), e);
          out.add(trade("TRADE", time, a.seq(), e.tradeId(), e.price(), e.qty(), e.sideValue()));
        } else if (e.type() == EventType.PHASE) {
          out.add("STATUS time=" + time + " bookSeq=" + a.seq() + " phase=" + e.phase() + " halted=false");
        }
      }
      long[] now = new long[4];
      if (book.depth(Side.BUY, px, qty) == 1) {
        now[0] = px[0];
        now[1] = qty[0];
      }
      if (book.depth(Side.SELL, px, qty) == 1) {
        now[2] = px[0];
        now[3] = qty[0];
      }
      if (!java.util.Arrays.equals(now, top)) {
        System.arraycopy(now, 0, top, 0, 4);
        out.add("TOP time=" + time + " bookSeq=" + a.seq() + " bid=" + level(top[0], top[1]) + " ask="
            + level(top[2], top[3]));
      }
    }
    return out;
  }

  /** A gateway's JSON message in the same text form. */
  static String canonical(JsonNode m) {
    String kind = m.path("kind").asText();
    String head = kind + " time=" + m.path("time").asLong() + " bookSeq=" + m.path("bookSeq").asLong();
    return switch (kind) {
      case "TRADE", "BUST" -> head + " trade=" + m.path("tradeId").asLong() + " price=" + m.path("price").asText()
          + " qty=" + m.path("qty").asLong() + " aggressor=" + (m.path("aggressor").isNull() ? "none"
              : m.path("aggressor").asText()) + (kind.equals("BUST") ? " reason=" + m.path("reason").asText() : "");
      case "TOP" -> head + " bid=" + jsonLevel(m.path("bid")) + " ask=" + jsonLevel(m.path("ask"));
      case "STATUS" -> head + " phase=" + m.path("phase").asText() + " halted=" + m.path("halted").asBoolean();
      default -> "unknown kind " + m;
    };
  }

  private static String trade(String kind, long time, long seq, long id, long price, long qty, Side aggressor) {
    return kind + " time=" + time + " bookSeq=" + seq + " trade=" + id + " price=" + Prices.format(price) + " qty="
        + qty + " aggressor=" + (aggressor == null ? "none" : aggressor.name());
  }

  private static String level(long price, long qty) {
    return qty == 0 ? "-" : Prices.format(price) + "x" + qty;
  }

  private static String jsonLevel(JsonNode l) {
    return l.isMissingNode() || l.isNull() ? "-" : l.path("price").asText() + "x" + l.path("qty").asLong();
  }
}
