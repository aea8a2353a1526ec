package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code flood-latency-factor}: a participant flooding a gateway must not cost the others. For each
 * flood step (its window: from its start line to its done line) the brokers' p99 answer latency
 * inside the window is compared with their p99 over a window as long just before it, and none of
 * their new orders may be refused for the rate (429): the cap is per participant, so the flooder's
 * excess must be its own problem.
 */
final class FloodCheck {
  static final String WORD = "flood-isolation";
  /**
   * p99s under this are taken as this: below it a difference is the shared machine's scheduling
   * noise, not queueing behind the flood.
   */
  static final long FLOOR_MS = 50;

  private FloodCheck() {}

  static Verdict check(HistoryIndex h, double factor) {
    Violations v = new Violations();
    List<String> seen = new ArrayList<>();
    for (JsonNode start : h.faults) {
      if (!"flood".equals(start.path("action").asText()) || !"start".equals(start.path("phase").asText())) {
        continue;
      }
      int step = start.path("step").asInt();
      JsonNode end = h.faults.stream().filter(f -> f.path("step").asInt() == step
          && !"start".equals(f.path("phase").asText())).findFirst().orElse(null);
      if (end == null || !"done".equals(end.path("phase").asText())) {
        v.add("step " + step + " (flood): did not run to its end", start.path("seq").asLong());
        continue;
      }
      long t0 = start.path("t").asLong();
      long t1 = end.path("t").asLong();
      List<Long> before = new ArrayList<>();
      List<Long> during = new ArrayList<>();
      for (JsonNode c : h.completions) {
        long t = c.path("t").asLong();
        if (t >= t0 - (t1 - t0) && t < t0) {
          before.add(c.path("ms").asLong());
        } else if (t >= t0 && t <= t1) {
          during.add(c.path("ms").asLong());
          if (c.path("http").asInt() == 429) {
            v.add("step " + step + " (flood): " + c.path("broker").asText() + " " + c.path("clOrdId").asText()
                + " was refused for the rate during another participant's flood", c.path("seq").asLong());
          }
        }
      }
      if (before.isEmpty() || during.isEmpty()) {
        v.add("step " + step + " (flood): no broker answers " + (before.isEmpty() ? "before" : "during")
            + " the flood to compare", start.path("seq").asLong());
        continue;
      }
      long p99Before = p99(before);
      long p99During = p99(during);
      String figures = String.format(Locale.ROOT, "step %d: p99 %d ms during (%d answers) vs %d ms before (%d)",
          step, p99During, during.size(), p99Before, before.size());
      seen.add(figures);
      if (p99During > factor * Math.max(FLOOR_MS, p99Before)) {
        v.add(figures + ", above " + factor + " x max(" + FLOOR_MS + " ms, before)", start.path("seq").asLong(),
            end.path("seq").asLong());
      }
    }
    if (seen.isEmpty() && v.count() == 0) {
      return Verdict.notChecked(WORD, "the history has no flood step");
    }
    return Verdict.of(WORD, "the brokers' p99 stayed within " + factor + " x and none was refused for the rate: "
        + String.join("; ", seen), v);
  }

  /** The 99th percentile (nearest rank). */
  static long p99(List<Long> ms) {
    List<Long> s = new ArrayList<>(ms);
    s.sort(null);
    int rank = (int) Math.ceil(0.99 * s.size());
    return s.get(Math.max(0, rank - 1));
  }
}
