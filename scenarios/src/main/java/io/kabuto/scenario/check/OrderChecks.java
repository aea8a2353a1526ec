package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.scenario.model.Invariant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The order invariants, from the history alone: every answer the brokers got, and the final
 * lookup of every ClOrdID they sent.
 */
final class OrderChecks {
  private final HistoryIndex h;

  OrderChecks(HistoryIndex h) {
    this.h = h;
  }

  Verdict check(Invariant inv) {
    return switch (inv) {
      case NO_LOST_ACK -> noLostAck();
      case NO_DUPLICATE_EXECUTION -> noDuplicateExecution();
      case NO_OVERFILL -> noOverfill();
      case RESENDS_NEVER_DUPLICATE -> resendsNeverDuplicate();
      case FILLS_MATCH_BOOK_VOLUME -> fillsMatchBookVolume();
      case REFERENCE_MODEL -> throw new IllegalArgumentException("reference-model needs the journal: see Checker");
    };
  }

  /**
   * Acknowledged orders whose final lookup went to a gateway node killed or restarted since and
   * got no status: the broker cannot learn their state through the API after the failover.
   */
  Verdict lookupAfterFailover() {
    Violations v = new Violations();
    for (OrderRecord r : h.orders.values()) {
      JsonNode ack = r.firstAck();
      if (ack != null && !r.finalKnown() && h.gatewayForgot(r, ack.path("t").asLong())) {
        v.add(r.broker + " " + r.clOrdId + ": acknowledged, then looked up through " + r.finalLookup.path("gw").asText()
            + ", which was killed or restarted since, and answered " + lookupAnswer(r)
            + ": the broker cannot learn this order's state after the failover",
            ack.path("seq").asLong(), r.finalLookup.path("seq").asLong());
      }
    }
    return Verdict.of("lookup-after-failover", "every acknowledged order can be looked up by its ClOrdID", v);
  }

  private static String lookupAnswer(OrderRecord r) {
    int http = r.finalLookup.path("http").asInt(-1);
    return http < 0 ? "nothing" : "HTTP " + http + " " + r.finalLookup.path("body").path("code").asText();
  }

  /**
   * Whether the final lookup's "unknown ClOrdID" says nothing about the order: a gateway node
   * knows only the ClOrdIDs it took since it started, so a restarted one asked without the symbol
   * cannot find an older order. Asked with the symbol (as the runner does whenever the order named
   * one), it asks that book for the order the ClOrdID derives to, and its 404 is the book's word.
   */
  private boolean forgotten(OrderRecord r, long since) {
    return r.finalLookup != null && r.finalLookup.path("http").asInt() == 404 && r.symbol().isBlank()
        && h.gatewayForgot(r, since);
  }

  /**
   * Every acknowledged order (its new order or a replace of it acknowledged) is found by the
   * final lookup, with what was sent (the terms of its last acknowledged replace, or of one whose
   * answer was lost) and no fewer fills.
   */
  private Verdict noLostAck() {
    Violations v = new Violations();
    int acked = 0;
    int replacedOrders = 0;
    int unknowable = 0;
    for (OrderRecord r : h.orders.values()) {
      JsonNode firstAck = r.firstAck();
      if (firstAck == null || r.invoke == null) {
        continue;
      }
      if (forgotten(r, firstAck.path("t").asLong())) {
        unknowable++;
        continue;
      }
      acked++;
      if (r.lastApplied() != null) {
        replacedOrders++;
      }
      long ackSeq = firstAck.path("seq").asLong();
      long finalSeq = r.finalLookup == null ? 0 : r.finalLookup.path("seq").asLong();
      JsonNode f = r.finalBody();
      if (r.finalLookup == null || f == null) {
        v.add(r.broker + " " + r.clOrdId + " was acknowledged but its final lookup got no answer: "
            + "cannot show it survived", ackSeq, finalSeq);
        continue;
      }
      if (!r.finalKnown()) {
        v.add(r.broker + " " + r.clOrdId + " was acknowledged (line " + ackSeq + ") but the exchange no "
            + "longer knows it: HTTP " + r.finalLookup.path("http").asInt() + " " + f.path("code").asText(), ackSeq, finalSeq);
        continue;
      }
      OrderRecord.Terms has = new OrderRecord.Terms(f.path("price").asText(), f.path("qty").asLong());
      java.util.Set<OrderRecord.Terms> possible = r.possibleTerms();
      if (!f.path("side").asText().equals(r.side()) || !possible.contains(has)) {
        ReplaceRecord last = r.lastApplied();
        String sent = last == null ? "the broker sent " + r.side() + " " + r.qty() + " @ " + r.invoke.path("price").asText()
            : "the broker's replace " + last.clOrdId + " to " + last.qty() + " @ " + last.price() + " was acknowledged"
                + " (line " + last.acks().get(0).path("seq").asLong() + "): the replace was lost";
        v.add(r.broker + " " + r.clOrdId + ": the exchange has " + f.path("side").asText() + " " + has + ", "
            + sent + (possible.size() > 1 ? " (possible: " + possible + ")" : ""),
            last == null ? ackSeq : last.acks().get(0).path("seq").asLong(), finalSeq);
        continue;
      }
      long seenFilled = r.filledSeen();
      if (f.path("filled").asLong() < seenFilled) {
        v.add(r.broker + " " + r.clOrdId + ": answered with " + seenFilled + " filled, the final state says "
            + f.path("filled").asLong() + ": fills were lost", ackSeq, finalSeq);
      }
    }
    return Verdict.of(Invariant.NO_LOST_ACK.word, acked + " acknowledged orders (" + replacedOrders
        + " with an acknowledged replace), all found with their terms and fills"
        + (unknowable > 0 ? " (" + unknowable + " more could not be looked up: see lookup-after-failover)" : ""), v);
  }

  private record Trade(String symbol, long tradeId) {}

  private record TradeSeen(String order, String price, long qty, long seq) {}

  /** A trade id is reported for one aggressor order only, always with the same price and quantity. */
  private Verdict noDuplicateExecution() {
    Violations v = new Violations();
    Map<Trade, TradeSeen> seen = new HashMap<>();
    for (OrderRecord r : h.orders.values()) {
      if (r.invoke == null) {
        continue;
      }
      List<JsonNode> answers = new ArrayList<>(r.acks());
      r.replaces.forEach(x -> answers.addAll(x.acks())); // a replace that crosses trades as the aggressor
      for (JsonNode a : answers) {
        for (JsonNode e : a.path("body").path("events")) {
          if (!"TRADE".equals(e.path("type").asText()) || !e.path("aggressor").asBoolean()) {
            continue;
          }
          Trade t = new Trade(r.symbol(), e.path("tradeId").asLong());
          TradeSeen now = new TradeSeen(r.broker + "/" + r.clOrdId, e.path("price").asText(),
              e.path("qty").asLong(), a.path("seq").asLong());
          TradeSeen before = seen.putIfAbsent(t, now);
          if (before != null && (!before.order().equals(now.order()) || !before.price().equals(now.price())
              || before.qty() != now.qty())) {
            v.add("trade " + t.symbol() + " #" + t.tradeId() + " reported for " + before.order() + " ("
                + before.qty() + " @ " + before.price() + ") and " + now.order() + " (" + now.qty() + " @ "
                + now.price() + ")", before.seq(), now.seq());
          }
        }
      }
    }
    return Verdict.of(Invariant.NO_DUPLICATE_EXECUTION.word, seen.size() + " trades, each reported for one order", v);
  }

  /**
   * Filled never above the order quantity, in any answer or in the final state. After a replace
   * the quantity is the replace's (the total, fills included): its answer must leave quantity
   * (the exchange refuses a replace to no more than is filled) and trade no more than it left,
   * and the final state must be within the quantity the order has then, which must be one the
   * broker asked for.
   */
  private Verdict noOverfill() {
    Violations v = new Violations();
    int checked = 0;
    for (OrderRecord r : h.orders.values()) {
      if (r.invoke == null) {
        continue;
      }
      for (JsonNode a : r.acks()) {
        long traded = 0;
        for (JsonNode e : a.path("body").path("events")) {
          if ("TRADE".equals(e.path("type").asText()) && e.path("aggressor").asBoolean()) {
            traded += e.path("qty").asLong();
          }
        }
        if (traded > r.qty() || a.path("body").path("filled").asLong() > r.qty()) {
          v.add(r.broker + " " + r.clOrdId + ": " + Math.max(traded, a.path("body").path("filled").asLong())
              + " filled of " + r.qty(), r.invoke.path("seq").asLong(), a.path("seq").asLong());
        }
      }
      for (ReplaceRecord x : r.replaces) {
        for (JsonNode a : x.acks()) {
          String bad = replaceOverfill(x, a);
          if (bad != null) {
            v.add(r.broker + " " + r.clOrdId + ": replace " + x.clOrdId + " to " + x.qty() + " @ " + x.price() + ": "
                + bad, x.seq(), a.path("seq").asLong());
          }
        }
      }
      if (r.finalKnown()) {
        checked++;
        JsonNode f = r.finalBody();
        long filled = f.path("filled").asLong();
        long leaves = f.path("leaves").asLong();
        long qty = r.replaces.isEmpty() ? r.qty() : f.path("qty").asLong(r.qty());
        if (filled > qty || leaves < 0 || filled + leaves > qty || qty > r.maxQty()) {
          v.add(r.broker + " " + r.clOrdId + ": final state filled " + filled + " + leaves " + leaves
              + " of an order for " + qty + (qty > r.maxQty() ? ", more than the broker ever asked for (" + r.maxQty()
              + ")" : ""), r.invoke.path("seq").asLong(), r.finalLookup.path("seq").asLong());
        }
      }
    }
    return Verdict.of(Invariant.NO_OVERFILL.word, checked + " orders, none filled beyond its quantity", v);
  }

  /** What is wrong with one acknowledgement of a replace, or null. */
  private static String replaceOverfill(ReplaceRecord x, JsonNode ack) {
    JsonNode rep = ReplaceRecord.replacedEvent(ack);
    if (rep.isMissingNode()) {
      return "acknowledged without a REPLACED event";
    }
    long left = rep.path("leaves").asLong();
    if (rep.path("qty").asLong() != x.qty()) {
      return "the exchange replaced it to " + rep.path("qty").asLong() + " shares";
    }
    if (left <= 0 || left > x.qty()) {
      return "the replace left " + left + " shares of " + x.qty() + " (the exchange refuses a quantity not above "
          + "what is filled)";
    }
    long traded = 0;
    for (JsonNode e : ack.path("body").path("events")) {
      if ("TRADE".equals(e.path("type").asText()) && e.path("aggressor").asBoolean()) {
        traded += e.path("qty").asLong();
      }
    }
    if (traded > left || ack.path("body").path("leaves").asLong(0) < 0) {
      return "traded " + traded + " of the " + left + " shares it left";
    }
    return null;
  }

  /**
   * Every answer to the same ClOrdID names the same order with the same first answer; for a
   * replace, the order it replaced, applied once (the same REPLACED event, the same trades).
   */
  private Verdict resendsNeverDuplicate() {
    Violations v = new Violations();
    int resent = 0;
    for (ReplaceRecord x : h.replaces.values()) {
      if (x.attempts > 1) {
        resent++;
      }
      List<JsonNode> acks = x.acks();
      OrderRecord o = h.orders.get(x.broker + "/" + x.orig());
      String orderId = o == null || o.acks().isEmpty() ? null : o.acks().get(0).path("body").path("orderId").asText();
      for (int i = 0; i < acks.size(); i++) {
        JsonNode first = acks.get(0).path("body");
        JsonNode again = acks.get(i).path("body");
        if (orderId != null && !orderId.equals(again.path("orderId").asText())) {
          v.add(x.broker + " replace " + x.clOrdId + " of " + x.orig() + " (order " + orderId + ") answered as order "
              + again.path("orderId").asText(), x.seq(), acks.get(i).path("seq").asLong());
        } else if (i > 0 && (!Objects.equals(first.path("orderId").asText(), again.path("orderId").asText())
            || !tradeIds(first).equals(tradeIds(again))
            || !replacedTime(first).equals(replacedTime(again)))) {
          v.add(x.broker + " replace " + x.clOrdId + " answered as order " + first.path("orderId").asText() + " replaced at "
              + replacedTime(first) + " trades " + tradeIds(first) + ", then as order " + again.path("orderId").asText()
              + " replaced at " + replacedTime(again) + " trades " + tradeIds(again) + ": applied twice",
              acks.get(0).path("seq").asLong(), acks.get(i).path("seq").asLong());
        }
      }
    }
    for (OrderRecord r : h.orders.values()) {
      if (r.attempts > 1) {
        resent++;
      }
      List<JsonNode> acks = r.acks();
      for (int i = 1; i < acks.size(); i++) {
        JsonNode first = acks.get(0).path("body");
        JsonNode again = acks.get(i).path("body");
        if (!Objects.equals(first.path("orderId").asText(), again.path("orderId").asText())
            || !tradeIds(first).equals(tradeIds(again))) {
          v.add(r.broker + " " + r.clOrdId + " answered as order " + first.path("orderId").asText()
              + " trades " + tradeIds(first) + ", then as order " + again.path("orderId").asText() + " trades "
              + tradeIds(again), acks.get(0).path("seq").asLong(), acks.get(i).path("seq").asLong());
        }
      }
    }
    return Verdict.of(Invariant.RESENDS_NEVER_DUPLICATE.word, resent + " ClOrdIDs (new orders and replaces) sent "
        + "more than once, each answered as one order, each replace applied once", v);
  }

  /** The book time of a replace's REPLACED event (FIX answers carry none: empty). */
  private static String replacedTime(JsonNode body) {
    for (JsonNode e : body.path("events")) {
      if ("REPLACED".equals(e.path("type").asText())) {
        return e.path("time").asText();
      }
    }
    return "";
  }

  private static List<Long> tradeIds(JsonNode body) {
    List<Long> ids = new ArrayList<>();
    for (JsonNode e : body.path("events")) {
      if ("TRADE".equals(e.path("type").asText())) {
        ids.add(e.path("tradeId").asLong());
      }
    }
    return ids;
  }

  /**
   * Per symbol, the shares bought and sold by all orders (final lookups) equal the volume the book
   * traded during the run. An execution the book journaled twice, or lost, breaks the equality.
   */
  private Verdict fillsMatchBookVolume() {
    Violations v = new Violations();
    Map<String, long[]> bySymbol = new TreeMap<>();
    Map<String, Long> anyLine = new HashMap<>();
    int unknowable = 0;
    for (OrderRecord r : h.orders.values()) {
      if (r.invoke == null) {
        continue;
      }
      if (forgotten(r, r.invoke.path("t").asLong())) {
        unknowable++;
        continue;
      }
      long[] bs = bySymbol.computeIfAbsent(r.symbol(), k -> new long[2]);
      if (r.finalLookup == null || r.finalBody() == null) {
        v.add(r.broker + " " + r.clOrdId + " has no final lookup: the fills cannot be added up",
            r.invoke.path("seq").asLong());
        continue;
      }
      if (r.finalKnown()) {
        bs["BUY".equals(r.side()) ? 0 : 1] += r.finalBody().path("filled").asLong();
        anyLine.putIfAbsent(r.symbol(), r.finalLookup.path("seq").asLong());
      }
    }
    if (unknowable > 0) {
      return Verdict.notChecked(Invariant.FILLS_MATCH_BOOK_VOLUME.word, unknowable + " orders' fills are unknown "
          + "(their gateway node was killed or restarted and forgot their ClOrdIDs), so the fills cannot be added up");
    }
    for (Map.Entry<String, long[]> e : bySymbol.entrySet()) {
      JsonNode book = h.finalBooks.get(e.getKey());
      if (book == null || !book.has("volume")) {
        v.add(e.getKey() + ": no final volume of the book was read", anyLine.getOrDefault(e.getKey(), 0L));
        continue;
      }
      long traded = book.path("volume").asLong() - book.path("baselineVolume").asLong();
      long bought = e.getValue()[0];
      long sold = e.getValue()[1];
      if (bought != sold || bought != traded) {
        v.add(e.getKey() + ": bought " + bought + ", sold " + sold + ", the book traded " + traded,
            book.path("seq").asLong());
      }
    }
    return Verdict.of(Invariant.FILLS_MATCH_BOOK_VOLUME.word, bySymbol.size() + " symbols: bought = sold = "
        + "the book's traded volume", v);
  }
}
