package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The history's lines grouped the way the checks need them. */
final class HistoryIndex {
  /** New orders by "broker/clOrdId", in the order they were first sent. */
  final Map<String, OrderRecord> orders = new LinkedHashMap<>();
  /** Replaces by "broker/clOrdId" (the replace's own ClOrdID), in the order they were first sent. */
  final Map<String, ReplaceRecord> replaces = new LinkedHashMap<>();
  /** The order each replace's ClOrdID names from then on, by "broker/clOrdId". */
  private final Map<String, OrderRecord> replaced = new LinkedHashMap<>();
  /** The final-book line of each symbol (volume at the end and at the start). */
  final Map<String, JsonNode> finalBooks = new LinkedHashMap<>();
  final List<JsonNode> faults = new ArrayList<>();
  final List<JsonNode> cluster = new ArrayList<>();
  /** Every ok/fail line of a new order, in time order. */
  final List<JsonNode> completions = new ArrayList<>();
  final Map<Long, JsonNode> bySeq = new LinkedHashMap<>();
  /** Gateway URL to node name, from the run's start line. */
  final Map<String, String> gatewayNode = new LinkedHashMap<>();

  HistoryIndex(List<JsonNode> lines) {
    for (JsonNode l : lines) {
      bySeq.put(l.path("seq").asLong(), l);
      String type = l.path("type").asText();
      switch (type) {
        case "invoke" -> {
          if ("new".equals(l.path("op").asText())) {
            OrderRecord r = order(l);
            if (r.invoke == null) {
              r.invoke = l;
            }
            r.attempts++;
          } else if ("replace".equals(l.path("op").asText())) {
            replaceSent(l);
          }
        }
        case "ok", "fail" -> {
          if ("new".equals(l.path("op").asText())) {
            order(l).answers.add(l);
            completions.add(l);
          } else if ("replace".equals(l.path("op").asText())) {
            ReplaceRecord r = replaces.get(key(l));
            if (r != null) {
              r.answers.add(l);
            }
          }
        }
        case "final-order" -> {
          // a lookup by a replace's ClOrdID is the lookup of the order it replaced
          OrderRecord r = replaced.get(key(l));
          if (r == null) {
            order(l).finalLookup = l;
          } else if (r.finalLookup == null) {
            r.finalLookup = l;
          }
        }
        case "final-book" -> finalBooks.put(l.path("symbol").asText(), l);
        case "fault" -> faults.add(l);
        case "run" -> l.path("gateways").fields().forEachRemaining(e -> gatewayNode.put(e.getValue().asText(), e.getKey()));
        case "cluster" -> cluster.add(l);
        default -> { }
      }
    }
  }

  /**
   * A replace's invoke line: the order it names by {@code orig} (its first ClOrdID, or an earlier
   * replace's). A replace of an order the history never sent is kept apart, attached to none.
   */
  private void replaceSent(JsonNode l) {
    String k = key(l);
    ReplaceRecord r = replaces.get(k);
    if (r == null) {
      r = new ReplaceRecord(l.path("broker").asText(), l.path("clOrdId").asText());
      r.invoke = l;
      replaces.put(k, r);
      String orig = l.path("broker").asText() + "/" + l.path("orig").asText();
      OrderRecord o = orders.containsKey(orig) ? orders.get(orig) : replaced.get(orig);
      if (o != null) {
        o.replaces.add(r);
        replaced.put(k, o);
      }
    }
    r.attempts++;
  }

  private static String key(JsonNode l) {
    return l.path("broker").asText() + "/" + l.path("clOrdId").asText();
  }

  private OrderRecord order(JsonNode l) {
    String broker = l.path("broker").asText();
    String id = l.path("clOrdId").asText();
    return orders.computeIfAbsent(broker + "/" + id, k -> new OrderRecord(broker, id));
  }

  /**
   * Whether the gateway that answered this order's final lookup was killed or restarted after
   * {@code since} (wall ms): such a node forgot the ClOrdIDs it took before (it finds them again
   * only in the book the lookup names).
   */
  boolean gatewayForgot(OrderRecord r, long since) {
    if (r.finalLookup == null) {
      return false;
    }
    String node = gatewayNode.get(r.finalLookup.path("gw").asText());
    if (node == null) {
      return false;
    }
    for (JsonNode f : faults) {
      String action = f.path("action").asText();
      if ("start".equals(f.path("phase").asText()) && node.equals(f.path("target").asText())
          && (action.equals("kill") || action.equals("restart")) && f.path("t").asLong() >= since) {
        return true;
      }
    }
    return false;
  }

  /** The symbol an ok/fail line's order was for. */
  String symbolOf(JsonNode completion) {
    OrderRecord r = orders.get(completion.path("broker").asText() + "/" + completion.path("clOrdId").asText());
    return r == null || r.invoke == null ? "" : r.symbol();
  }
}
