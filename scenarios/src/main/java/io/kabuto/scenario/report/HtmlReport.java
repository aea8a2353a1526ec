package io.kabuto.scenario.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.scenario.check.CheckResult;
import io.kabuto.scenario.check.FaultRecovery;
import io.kabuto.scenario.check.Verdict;
import io.kabuto.scenario.model.Scenario;
import io.kabuto.scenario.model.SimTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no scripts, nothing fetched)
 * with the verdicts, the timeline with fault bands, orders/s and latency, per-symbol availability,
 * node availability and membership changes, the recovery table, and the history lines each
 * verdict points at.
 */
public final class HtmlReport {
  private static final String CSS = "body{font-family:system-ui,sans-serif;margin:24px;max-width:1000px;color:#222}"
      + "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;"
      + "vertical-align:top;text-align:left}th{background:#f0f0f0}.PASS{color:#fff;background:#2e7d32}"
      + ".FAIL{color:#fff;background:#c62828}.NOT_CHECKED{background:#ddd}pre{font-size:11px;background:#f7f7f7;"
      + "padding:4px;white-space:pre-wrap;word-break:break-all;margin:2px 0}.banner{font-size:20px;padding:8px 12px;"
      + "display:inline-block}.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}";

  private HtmlReport() {}

  public static void write(Path file, Scenario s, CheckResult r, List<JsonNode> lines) throws IOException {
    Files.writeString(file, render(s, r, lines), StandardCharsets.UTF_8);
  }

  public static String render(Scenario s, CheckResult r, List<JsonNode> lines) {
    Timeline t = new Timeline(lines);
    List<Svg.Band> bands = new ArrayList<>();
    for (FaultRecovery f : r.recoveries()) {
      double from = f.atMillis() / 1000.0;
      double to = from + Math.max(0.5, f.recoveredMillis() < 0 ? t.seconds - from : f.recoveredMillis() / 1000.0);
      bands.add(new Svg.Band(from, to, f.describe()));
    }
    StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset='utf-8'><title>")
        .append(Html.esc("Kabuto scenario " + s.name())).append("</title><style>").append(CSS).append("</style></head><body>");
    b.append("<h1>Scenario ").append(Html.esc(s.name())).append("</h1>");
    String verdict = r.passed() ? "PASS" : "FAIL";
    b.append("<div class='banner ").append(verdict).append("'>").append(r.passed() ? "PASS: every expectation held"
        : "FAIL: see the verdicts").append("</div>");
    b.append(String.format(Locale.ROOT, "<p>%s</p><p>seed %d, clock %s-%s at speed %.0f, %d s of wall time, %d history lines.</p>",
        Html.esc(s.description()), s.seed(), SimTime.format(s.clock().start()), SimTime.format(s.clock().end()),
        s.clock().speed(), t.seconds, lines.size()));

    b.append("<h2>Verdicts</h2><table><tr><th>check</th><th>result</th><th>summary</th><th>history lines</th></tr>");
    Set<Long> cited = new LinkedHashSet<>();
    for (Verdict v : r.verdicts()) {
      b.append("<tr><td>").append(Html.esc(v.check())).append("</td><td class='").append(v.status()).append("'>")
          .append(v.status()).append("</td><td>").append(Html.esc(v.summary())).append("</td><td>");
      for (long seq : v.lines()) {
        b.append("<a href='#h-").append(seq).append("'>").append(seq).append("</a> ");
        cited.add(seq);
      }
      b.append("</td></tr>");
    }
    b.append("</table>");

    b.append("<h2>Timeline</h2><p>Orange bands: faults, from the step until every affected symbol traded again "
        + "(hover for the step).</p>");
    b.append(Svg.lines("new orders and unanswered orders per second", "/s", t.seconds, bands,
        List.of("orders/s", "unanswered/s"), List.of("#1565c0", "#c62828"), List.of(t.ordersPerSecond, t.unanswered), 140));
    b.append(Svg.lines("answer latency per second", "ms", t.seconds, bands, List.of("p50", "p99"),
        List.of("#2e7d32", "#6a1b9a"), List.of(t.p50, t.p99), 140));

    b.append("<h2>Per-symbol availability</h2><p class='legend'><span style='background:#2e7d32'></span>traded"
        + "<span style='background:#a5d6a7'></span>answered<span style='background:#c62828'></span>no answer"
        + "<span style='background:#eee'></span>no order</p>");
    String[] symColors = {"#eee", "#a5d6a7", "#2e7d32", "#c62828"};
    b.append(Svg.strips(t.seconds, bands, new ArrayList<>(t.symbolState.keySet()),
        new ArrayList<>(t.symbolState.values()), symColors));

    b.append("<h2>Nodes and membership</h2><p class='legend'><span style='background:#81c784'></span>answers /health"
        + "<span style='background:#e57373'></span>silent</p>");
    Map<String, int[]> nodeStates = nodeStates(lines, t.seconds);
    b.append(Svg.strips(t.seconds, bands, new ArrayList<>(nodeStates.keySet()), new ArrayList<>(nodeStates.values()),
        new String[] {"#eee", "#81c784", "#e57373"}));
    b.append("<details><summary>membership and book placement changes</summary><table><tr><th>t (s)</th><th>sim</th>"
        + "<th>node</th><th>reports</th></tr>");
    for (JsonNode l : lines) {
      if ("cluster".equals(l.path("type").asText())) {
        String what = l.path("what").asText();
        String text = switch (what) {
          case "members" -> l.path("status").asText() + "; sees " + l.path("view").asText();
          case "books" -> "hosts books " + l.path("books").asText();
          default -> what + " (process " + l.path("process").asText() + ")";
        };
        b.append(String.format(Locale.ROOT, "<tr><td>%.1f</td><td>%s</td><td>%s</td><td>%s</td></tr>",
            l.path("t").asLong() / 1000.0, SimTime.format(l.path("sim").asLong()), Html.esc(l.path("node").asText()),
            Html.esc(text)));
      }
    }
    b.append("</table></details>");

    b.append("<h2>Recovery</h2><p>Steps fire at their planned simulated time, whether or not earlier "
        + "steps are done; \"fired\" is when the step actually started.</p>"
        + "<table><tr><th>step</th><th>fault</th><th>node</th><th>planned</th><th>fired</th><th>at (s)</th><th>affected</th>"
        + "<th>detected</th><th>traded again</th><th>delayed orders</th><th>unanswered orders</th></tr>");
    for (FaultRecovery f : r.recoveries()) {
      StringBuilder again = new StringBuilder();
      f.tradeAgainMillis().forEach((sym, ms) -> again.append(Html.esc(sym)).append(": ")
          .append(ms < 0 ? "never" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0)).append("<br>"));
      b.append(String.format(Locale.ROOT, "<tr><td><a href='#h-%d'>%d</a></td><td>%s%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.1f</td>"
              + "<td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%d</td></tr>",
          f.lines().get(0), f.step(), Html.esc(f.describe()), f.applied() ? "" : " <b>not applied: " + Html.esc(f.error()) + "</b>",
          Html.esc(f.target() == null ? "" : f.target()),
          f.plannedSim() < 0 ? "-" : SimTime.format(f.plannedSim()),
          f.actualSim() < 0 ? "-" : SimTime.format(f.actualSim())
              + (f.plannedSim() >= 0 && f.actualSim() - f.plannedSim() >= 1000
                  ? " <b>(" + (f.actualSim() - f.plannedSim()) / 1000 + " s late)</b>" : ""),
          f.atMillis() / 1000.0, Html.esc(String.join(", ", f.affected())),
          f.detectMillis() < 0 ? "-" : String.format(Locale.ROOT, "%.1f s", f.detectMillis() / 1000.0),
          again.length() == 0 ? "-" : again, f.delayed(), f.unanswered()));
      cited.addAll(f.lines());
    }
    b.append("</table>");

    b.append("<h2>Cited history lines</h2><p>From history.jsonl (line number = seq).</p>");
    Map<Long, JsonNode> bySeq = new TreeMap<>();
    for (JsonNode l : lines) {
      if (cited.contains(l.path("seq").asLong())) {
        bySeq.put(l.path("seq").asLong(), l);
      }
    }
    bySeq.forEach((seq, l) -> b.append("<pre id='h-").append(seq).append("'>").append(Html.esc(l.toString())).append("</pre>"));
    return b.append("</body></html>\n").toString();
  }

  /** Per node and second: 1 answered its health poll, 2 silent, 0 not seen yet. */
  private static Map<String, int[]> nodeStates(List<JsonNode> lines, int seconds) {
    Map<String, int[]> out = new LinkedHashMap<>();
    Map<String, int[]> lastState = new TreeMap<>();
    List<JsonNode> changes = new ArrayList<>();
    for (JsonNode l : lines) {
      if ("cluster".equals(l.path("type").asText())) {
        String what = l.path("what").asText();
        if (what.equals("answers") || what.equals("silent")) {
          changes.add(l);
          lastState.putIfAbsent(l.path("node").asText(), new int[] {0});
        }
      }
    }
    for (String node : lastState.keySet()) {
      int[] st = new int[seconds];
      int state = 0;
      int from = 0;
      for (JsonNode c : changes) {
        if (!c.path("node").asText().equals(node)) {
          continue;
        }
        int at = (int) Math.min(seconds, c.path("t").asLong() / 1000);
        for (int k = from; k < at; k++) {
          st[k] = state;
        }
        state = c.path("what").asText().equals("answers") ? 1 : 2;
        from = at;
      }
      for (int k = from; k < seconds; k++) {
        st[k] = state;
      }
      out.put(node, st);
    }
    return out;
  }
}
