package io.kabuto.scenario.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.scenario.check.CheckResult;
import io.kabuto.scenario.check.FaultRecovery;
import io.kabuto.scenario.check.Verdict;
import io.kabuto.scenario.history.History;
import io.kabuto.scenario.model.Scenario;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** {@code summary.json}: the verdicts, the recovery figures and the run's totals, for scripts and CI. */
public final class SummaryJson {
  private SummaryJson() {}

  public static ObjectNode build(Scenario s, CheckResult r, List<JsonNode> lines) {
    ObjectNode root = History.JSON.createObjectNode();
    root.put("scenario", s.name());
    root.put("seed", s.seed());
    root.put("speed", s.clock().speed());
    root.put("passed", r.passed());
    Timeline t = new Timeline(lines);
    ObjectNode totals = root.putObject("totals");
    totals.put("wallSeconds", t.seconds);
    totals.put("orders", (long) Arrays.stream(t.ordersPerSecond).sum());
    totals.put("unanswered", (long) Arrays.stream(t.unanswered).sum());
    totals.put("historyLines", lines.size());
    ArrayNode verdicts = root.putArray("verdicts");
    for (Verdict v : r.verdicts()) {
      ObjectNode o = verdicts.addObject();
      o.put("check", v.check());
      o.put("status", v.status().name());
      o.put("summary", v.summary());
      o.put("violations", v.violations());
      ArrayNode ls = o.putArray("historyLines");
      v.lines().forEach(ls::add);
    }
    ArrayNode faults = root.putArray("faults");
    for (FaultRecovery f : r.recoveries()) {
      ObjectNode o = faults.addObject();
      o.put("step", f.step());
      o.put("describe", f.describe());
      o.put("target", f.target());
      o.put("applied", f.applied());
      if (f.error() != null) {
        o.put("error", f.error());
      }
      o.put("atMillis", f.atMillis());
      o.put("plannedSim", f.plannedSim());
      o.put("actualSim", f.actualSim());
      ArrayNode aff = o.putArray("affected");
      f.affected().forEach(aff::add);
      o.put("detectMillis", f.detectMillis());
      ObjectNode again = o.putObject("tradeAgainMillis");
      f.tradeAgainMillis().forEach(again::put);
      o.put("recoveredMillis", f.recoveredMillis());
      o.put("delayedOrders", f.delayed());
      o.put("unansweredOrders", f.unanswered());
    }
    return root;
  }

  public static void write(Path file, Scenario s, CheckResult r, List<JsonNode> lines) throws IOException {
    History.JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), build(s, r, lines));
  }
}
