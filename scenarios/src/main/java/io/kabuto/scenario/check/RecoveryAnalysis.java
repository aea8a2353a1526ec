package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per fault step: time to detect, time until each affected symbol trades again, and the orders
 * delayed or left unanswered meanwhile, from the history's fault, cluster and order lines.
 */
final class RecoveryAnalysis {
  /** An answer slower than this counts as delayed. */
  static final long DELAYED_MILLIS = 1000;

  private final HistoryIndex h;

  RecoveryAnalysis(HistoryIndex h) {
    this.h = h;
  }

  List<FaultRecovery> analyse(double limitSeconds) {
    List<FaultRecovery> out = new ArrayList<>();
    for (JsonNode start : h.faults) {
      if (!"start".equals(start.path("phase").asText())) {
        continue;
      }
      int step = start.path("step").asInt();
      JsonNode end = h.faults.stream().filter(f -> f.path("step").asInt() == step
          && !"start".equals(f.path("phase").asText())).findFirst().orElse(null);
      boolean applied = end != null && "done".equals(end.path("phase").asText());
      String error = end == null ? "did not finish" : applied ? null : end.path("detail").asText();
      long at = start.path("t").asLong();
      String target = start.path("target").asText(null);
      List<String> affected = new ArrayList<>();
      start.path("affected").forEach(s -> affected.add(s.asText()));

      Map<String, Long> tradeAgain = new LinkedHashMap<>();
      long recovered = 0;
      for (String sym : affected) {
        long first = -1;
        for (JsonNode c : h.completions) {
          if (c.path("seq").asLong() > start.path("seq").asLong() && "ok".equals(c.path("type").asText()) && sym.equals(h.symbolOf(c))
              && traded(c)) {
            first = Math.max(0, c.path("t").asLong() - at);
            break;
          }
        }
        tradeAgain.put(sym, first);
        recovered = first < 0 || recovered < 0 ? -1 : Math.max(recovered, first);
      }
      long window = recovered >= 0 ? Math.max(recovered, DELAYED_MILLIS) : (long) (limitSeconds * 1000);
      int delayed = 0;
      int unanswered = 0;
      List<Long> lines = new ArrayList<>();
      lines.add(start.path("seq").asLong());
      for (JsonNode c : h.completions) {
        JsonNode inv = h.bySeq.get(c.path("invoke").asLong());
        long sent = inv == null ? c.path("t").asLong() - c.path("ms").asLong() : inv.path("t").asLong();
        if (sent < at || sent > at + window) {
          continue;
        }
        boolean none = "fail".equals(c.path("type").asText()) || c.path("http").asInt() == 503;
        if (none) {
          unanswered++;
          if (lines.size() < Verdict.MAX_LINES) {
            lines.add(c.path("seq").asLong());
          }
        } else if (c.path("ms").asLong() > DELAYED_MILLIS) {
          delayed++;
        }
      }
      out.add(new FaultRecovery(step, start.path("describe").asText(), target, at, applied, error,
          affected, detect(target, at, start.path("seq").asLong(), nextStepSeq(start.path("seq").asLong())), tradeAgain, recovered, delayed, unanswered, lines,
          start.path("plannedSim").asLong(-1), start.path("actualSim").asLong(-1)));
    }
    return out;
  }

  private static boolean traded(JsonNode ok) {
    for (JsonNode e : ok.path("body").path("events")) {
      if ("TRADE".equals(e.path("type").asText())) {
        return true;
      }
    }
    return false;
  }

  /** The line the next fault step starts on, or MAX. */
  private long nextStepSeq(long startSeq) {
    long next = Long.MAX_VALUE;
    for (JsonNode f : h.faults) {
      long seq = f.path("seq").asLong();
      if ("start".equals(f.path("phase").asText()) && seq > startSeq) {
        next = Math.min(next, seq);
      }
    }
    return next;
  }

  /**
   * First report after the fault, by another node, of the target not being a healthy member;
   * only before the next step starts: a later report is that step's doing (a restart's target
   * killed an hour later is not the restart detected).
   */
  private long detect(String target, long at, long startSeq, long nextStepSeq) {
    if (target == null) {
      return -1;
    }
    for (JsonNode c : h.cluster) {
      if (c.path("seq").asLong() >= nextStepSeq) {
        break;
      }
      if (c.path("seq").asLong() < startSeq || target.equals(c.path("node").asText())
          || !"members".equals(c.path("what").asText())) {
        continue;
      }
      String view = ", " + c.path("view").asText() + ",";
      boolean healthy = view.contains(", " + target + " Up,") || view.contains(", " + target + " Joining,")
          || view.contains(", " + target + " WeaklyUp,");
      if (!healthy) {
        return Math.max(0, c.path("t").asLong() - at);
      }
    }
    return -1;
  }
}
