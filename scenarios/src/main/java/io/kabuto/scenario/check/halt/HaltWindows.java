package io.kabuto.scenario.check.halt;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * When each halt scope (a symbol, or {@code market}) was halted with every reachable node's
 * confirmation, from the watcher's {@code market} lines: from the first line that shows it in
 * force and confirmed to the first line that no longer shows it.
 */
public final class HaltWindows {
  /**
   * A confirmed halt of {@code scope} from {@code from} to {@code to} (wall ms; MAX = never lifted),
   * confirmed on history line {@code seq} and lifted on line {@code toSeq} (MAX = never).
   */
  public record Window(String scope, long from, long to, long seq, long toSeq, String reason) {
    boolean covers(String symbol, long t) {
      return (scope.equals("market") || scope.equals(symbol)) && t >= from && t < to;
    }
  }

  private HaltWindows() {}

  /** The confirmed halts the watcher's {@code market} lines show, in the order they ended. */
  public static List<Window> of(List<JsonNode> market) {
    List<Window> done = new ArrayList<>();
    java.util.Map<String, Window> open = new java.util.LinkedHashMap<>();
    for (JsonNode l : market) {
      List<String> inForce = new ArrayList<>();
      l.path("inForce").forEach(x -> inForce.add(x.asText()));
      long t = l.path("t").asLong();
      for (String scope : List.copyOf(open.keySet())) {
        if (!inForce.contains(scope)) {
          Window w = open.remove(scope);
          done.add(new Window(scope, w.from(), t, w.seq(), l.path("seq").asLong(), w.reason()));
        }
      }
      if (l.path("confirmed").asBoolean(false)) {
        for (String scope : inForce) {
          open.computeIfAbsent(scope, s -> new Window(s, t, Long.MAX_VALUE, l.path("seq").asLong(),
              Long.MAX_VALUE, reasonOf(l, s)));
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
