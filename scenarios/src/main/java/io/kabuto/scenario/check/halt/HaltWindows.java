package io.kabuto.scenario.check.halt;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * When each halt scope (a symbol, or {@code market}) was halted with every reachable node's
 * confirmation, from the watcher's {@code market} lines: from the first line that shows it in
 * force and confirmed to the first line that no longer shows it.
 */
final class HaltWindows {
  /** A confirmed halt of {@code scope} from {@code from} to {@code to} (wall ms; MAX = never lifted). */
  record Window(String scope, long from, long to, long seq, String reason) {
    boolean covers(String symbol, long t) {
      return (scope.equals("market") || scope.equals(symbol)) && t >= from && t < to;
    }
  }

  private HaltWindows() {}

  static List<Window> of(List<JsonNode> market) {
    List<Window> done = new ArrayList<>();
    java.util.Map<String, Window> open = new java.util.LinkedHashMap<>();
    for (JsonNode l : market) {
      List<String> inForce = new ArrayList<>();
      l.path("inForce").forEach(x -> inForce.add(x.asText()));
      long t = l.path("t").asLong();
      for (String scope : List.copyOf(open.keySet())) {
        if (!inForce.contains(scope)) {
          Window w = open.remove(scope);
          done.add(new Window(scope, w.from(), t, w.seq(), w.reason()));
        }
      }
      if (l.path("confirmed").asBoolean(false)) {
        for (String scope : inForce) {
          open.computeIfAbsent(scope, s -> new Window(s, t, Long.MAX_VALUE, l.path("seq").asLong(),
              reasonOf(l, s)));
        }
      }
    }
    done.addAll(open.values());
    return done;
  }

  /** "rule: book not answering for 10 s (by rule:book-unavailable)" for a scope of a market line. */
  static String reasonOf(JsonNode market, String scope) {
    for (JsonNode h : market.path("halts")) {
      if (scope.equals(h.path("scope").asText()) && h.path("halted").asBoolean()) {
        return h.path("reason").asText() + " (by " + h.path("by").asText() + ")";
      }
    }
    return "no reason given";
  }
}
