package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the history says about one order of one broker, named by its first ClOrdID: what was
 * sent, every answer, its replaces (in the order they were sent), and the final lookup.
 */
final class OrderRecord {
  final String broker;
  final String clOrdId;
  JsonNode invoke;
  int attempts;
  final List<JsonNode> answers = new ArrayList<>();
  final List<ReplaceRecord> replaces = new ArrayList<>();
  JsonNode finalLookup;

  /** An order's terms: limit price (as the history writes it) and total quantity. */
  record Terms(String price, long qty) {
    @Override
    public String toString() {
      return qty + " @ " + price;
    }
  }

  OrderRecord(String broker, String clOrdId) {
    this.broker = broker;
    this.clOrdId = clOrdId;
  }

  String symbol() {
    return invoke.path("symbol").asText();
  }

  String side() {
    return invoke.path("side").asText();
  }

  /** The quantity of the new order as sent (replaces may change it: see {@link #possibleTerms}). */
  long qty() {
    return invoke.path("qty").asLong();
  }

  static boolean accepted(JsonNode answer) {
    return answer.path("http").asInt() == 200 && "accepted".equals(answer.path("body").path("status").asText());
  }

  /** Answers to the new order that say the book accepted it (an acknowledgement). */
  List<JsonNode> acks() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode a : answers) {
      if (accepted(a)) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * The first line that shows the book had the order: its first acknowledgement, or else the
   * first acknowledged replace of it (the new order's own answer may have been lost); null if none.
   */
  JsonNode firstAck() {
    JsonNode first = null;
    for (JsonNode a : acks()) {
      first = first == null || a.path("seq").asLong() < first.path("seq").asLong() ? a : first;
    }
    for (ReplaceRecord r : replaces) {
      for (JsonNode a : r.acks()) {
        first = first == null || a.path("seq").asLong() < first.path("seq").asLong() ? a : first;
      }
    }
    return first;
  }

  /**
   * The terms the order may have at the end: those of the last replace the exchange acknowledged
   * (or the new order's, if none was), and those of every replace whose fate is unknown (it may
   * have applied, even after a later one: the gateway retries a book that fails over).
   */
  Set<Terms> possibleTerms() {
    Terms base = new Terms(invoke.path("price").asText(), qty());
    Set<Terms> unknown = new LinkedHashSet<>();
    for (ReplaceRecord r : replaces) {
      switch (r.fate()) {
        case APPLIED -> base = new Terms(r.price(), r.qty());
        case UNKNOWN -> unknown.add(new Terms(r.price(), r.qty()));
        case REFUSED -> { }
      }
    }
    Set<Terms> out = new LinkedHashSet<>();
    out.add(base);
    out.addAll(unknown);
    return out;
  }

  /** The last acknowledged replace, or null. */
  ReplaceRecord lastApplied() {
    ReplaceRecord last = null;
    for (ReplaceRecord r : replaces) {
      if (r.fate() == ReplaceRecord.Fate.APPLIED) {
        last = r;
      }
    }
    return last;
  }

  /** The largest quantity the order was ever sent with or replaced to (refused replaces aside). */
  long maxQty() {
    long max = qty();
    for (ReplaceRecord r : replaces) {
      if (r.fate() != ReplaceRecord.Fate.REFUSED) {
        max = Math.max(max, r.qty());
      }
    }
    return max;
  }

  /**
   * The most the answers said the order had filled: a new order's answer counts its trades; a
   * replace's answer states the new total quantity and what is left, so the rest had filled.
   */
  long filledSeen() {
    long seen = 0;
    for (JsonNode a : acks()) {
      seen = Math.max(seen, a.path("body").path("filled").asLong());
    }
    for (ReplaceRecord r : replaces) {
      for (JsonNode a : r.acks()) {
        JsonNode b = a.path("body");
        if (b.has("leaves")) {
          seen = Math.max(seen, r.qty() - b.path("leaves").asLong());
        }
      }
    }
    return seen;
  }

  /** The final lookup's document, or null if the lookup got no answer. */
  JsonNode finalBody() {
    return finalLookup == null || finalLookup.path("http").asInt(-1) < 0 ? null : finalLookup.path("body");
  }

  boolean finalKnown() {
    return finalLookup != null && finalLookup.path("http").asInt() == 200;
  }
}
