package io.kabuto.scenario.check.halt;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.scenario.check.Verdict;
import io.kabuto.scenario.check.Violations;
import io.kabuto.scenario.model.HaltExpectation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks about halts and storage, from the history's {@code market}, {@code storage}, fault
 * and order lines (written by {@link io.kabuto.scenario.watch.ExchangeWatcher}, the nemesis and the
 * brokers):
 *
 * <ul>
 *   <li>{@code market-halt}: the scenario's {@link HaltExpectation} (a halt must follow a fault
 *       in time, or must never happen);
 *   <li>{@code no-execution-while-halted}: an order first sent after a halt of its symbol was
 *       confirmed is refused, never accepted and never executed;
 *   <li>{@code storage-failover}: after a storage node panics, hangs or crashes, a writable
 *       replica set (a majority, or the legacy pair's other side taking over) is seen within
 *       the recovery limit; when it is not, the verdict says why (no takeover).
 * </ul>
 */
public final class HaltChecks {
  static final Set<String> STORAGE_FAILURES = Set.of("PANIC", "HANG", "CRASH");

  private HaltChecks() {}

  public static List<Verdict> check(List<JsonNode> history, HaltExpectation expect, double recoverySeconds) {
    List<JsonNode> market = new ArrayList<>();
    List<JsonNode> storage = new ArrayList<>();
    List<JsonNode> faults = new ArrayList<>();
    for (JsonNode l : history) {
      switch (l.path("type").asText()) {
        case "market" -> market.add(l);
        case "storage" -> storage.add(l);
        case "fault" -> faults.add(l);
        default -> { }
      }
    }
    List<HaltWindows.Window> windows = HaltWindows.of(market);
    List<Verdict> out = new ArrayList<>();
    if (expect.kind() != HaltExpectation.Kind.ANY) {
      out.add(marketHalt(expect, market, faults, windows));
    }
    out.add(noExecutionWhileHalted(history, windows));
    Verdict storageVerdict = storageFailover(faults, storage, recoverySeconds);
    if (storageVerdict != null) {
      out.add(storageVerdict);
    }
    return out;
  }

  static Verdict marketHalt(HaltExpectation expect, List<JsonNode> market, List<JsonNode> faults,
      List<HaltWindows.Window> windows) {
    Violations f = new Violations();
    if (market.isEmpty()) {
      return Verdict.notChecked("market-halt", "no market status was recorded (no matching node answered "
          + "GET /market/status)");
    }
    if (expect.kind() == HaltExpectation.Kind.NEVER) {
      for (JsonNode l : market) {
        if (l.path("inForce").size() > 0) {
          String scope = l.path("inForce").get(0).asText();
          f.add("a halt of " + scope + " was in force at " + simText(l) + ": "
              + HaltWindows.reasonOf(l, scope) + "; the scenario expects the fault to pass with no halt",
              l.path("seq").asLong());
        }
      }
      return Verdict.of("market-halt", "no halt all day, as expected", f);
    }
    JsonNode step = faults.stream().filter(x -> x.path("step").asInt() == expect.afterStep()
        && "start".equals(x.path("phase").asText())).findFirst().orElse(null);
    if (step == null) {
      f.add("fault step " + expect.afterStep() + " never started, so no halt can follow it");
      return Verdict.of("market-halt", "", f);
    }
    long at = step.path("t").asLong();
    long limit = (long) (expect.withinSeconds() * 1000);
    HaltWindows.Window first = windows.stream().filter(w -> w.from() >= at)
        .min(java.util.Comparator.comparingLong(HaltWindows.Window::from)).orElse(null);
    if (first == null) {
      f.add("no confirmed halt after step " + expect.afterStep() + " (" + step.path("describe").asText()
          + "): the market kept going, or a halt was never confirmed by every reachable node",
          step.path("seq").asLong());
    } else if (first.from() - at > limit) {
      f.add("the first confirmed halt (" + first.scope() + ", " + first.reason() + ") came "
          + (first.from() - at) / 1000.0 + " s after step " + expect.afterStep() + ", limit "
          + expect.withinSeconds() + " s", step.path("seq").asLong(), first.seq());
    }
    return Verdict.of("market-halt", first == null ? "" : first.scope() + " halted and confirmed "
        + (first.from() - at) / 1000.0 + " s after step " + expect.afterStep() + ": " + first.reason(), f);
  }

  /**
   * Only orders first sent inside a confirmed halt count: a resend of an order sent before it is
   * answered with that order's earlier state, trades included.
   */
  static Verdict noExecutionWhileHalted(List<JsonNode> history, List<HaltWindows.Window> windows) {
    Violations f = new Violations();
    if (windows.isEmpty()) {
      return Verdict.pass("halted-orders-refused", "no halt was confirmed during the run");
    }
    Map<String, Long> firstSent = new HashMap<>();
    Map<Long, JsonNode> invokes = new HashMap<>();
    for (JsonNode l : history) {
      if ("invoke".equals(l.path("type").asText()) && "new".equals(l.path("op").asText())) {
        firstSent.putIfAbsent(l.path("broker").asText() + "/" + l.path("clOrdId").asText(), l.path("t").asLong());
        invokes.put(l.path("seq").asLong(), l);
      }
    }
    int refused = 0;
    Set<String> reported = new HashSet<>();
    for (JsonNode l : history) {
      if (!"ok".equals(l.path("type").asText()) || !"new".equals(l.path("op").asText())) {
        continue;
      }
      JsonNode inv = invokes.get(l.path("invoke").asLong());
      if (inv == null) {
        continue;
      }
      String key = inv.path("broker").asText() + "/" + inv.path("clOrdId").asText();
      long sent = firstSent.get(key);
      String symbol = inv.path("symbol").asText();
      HaltWindows.Window w = windows.stream().filter(x -> x.covers(symbol, sent)).findFirst().orElse(null);
      if (w == null) {
        continue;
      }
      boolean traded = false;
      for (JsonNode e : l.path("body").path("events")) {
        traded |= "TRADE".equals(e.path("type").asText());
      }
      if (traded && reported.add(key)) {
        f.add(key + " (" + symbol + ") was sent while " + w.scope() + " was halted and confirmed, and executed",
            inv.path("seq").asLong(), l.path("seq").asLong(), w.seq());
      } else if (l.path("http").asInt() == 200 && reported.add(key)) {
        f.add(key + " (" + symbol + ") was sent while " + w.scope() + " was halted and confirmed, and accepted "
            + "(it must be refused with MARKET_HALTED)", inv.path("seq").asLong(), l.path("seq").asLong(), w.seq());
      } else if ("MARKET_HALTED".equals(l.path("body").path("code").asText())) {
        refused++;
      }
    }
    // a scope can show several windows: the watcher may ask a node that has not seen the halt yet
    List<String> scopes = windows.stream().map(HaltWindows.Window::scope).distinct().sorted().toList();
    return Verdict.of("halted-orders-refused", "halts of " + String.join(", ", scopes) + " confirmed; " + refused
        + " orders sent meanwhile, all refused with MARKET_HALTED, none executed", f);
  }

  /** Null when the run had no storage failure to fail over from. */
  static Verdict storageFailover(List<JsonNode> faults, List<JsonNode> storage, double recoverySeconds) {
    Violations f = new Violations();
    long limit = (long) (recoverySeconds * 1000);
    int failures = 0;
    List<String> passed = new ArrayList<>();
    for (JsonNode start : faults) {
      if (!"start".equals(start.path("phase").asText()) || !"storage-fault".equals(start.path("action").asText())
          || STORAGE_FAILURES.stream().noneMatch(x -> start.path("describe").asText().contains(" " + x))) {
        continue;
      }
      failures++;
      long at = start.path("t").asLong();
      String target = start.path("target").asText("");
      String what = "step " + start.path("step").asInt() + " (" + start.path("describe").asText() + ")";
      // the state the watcher saw at the limit: the last storage line by then
      JsonNode state = null;
      JsonNode recovered = null;
      for (JsonNode s : storage) {
        if (s.path("t").asLong() > at + limit) {
          break;
        }
        state = s;
        if (s.path("t").asLong() >= at && writableWithout(s, target) && recovered == null) {
          recovered = s;
        }
      }
      if (state == null) {
        f.add(what + ": the storage replicas were never reported (no matching node answered /health)",
            start.path("seq").asLong());
      } else if (!writableWithout(state, target)) {
        f.add(what + ": " + recoverySeconds + " s later the replicas were '" + state.path("summary").asText()
            + "': " + cause(state, target), start.path("seq").asLong(), state.path("seq").asLong());
      } else {
        passed.add(what + " -> " + (recovered == null ? "still writable" : "'" + recovered.path("summary").asText()
            + "' after " + Math.max(0, recovered.path("t").asLong() - at) / 1000.0 + " s"));
      }
    }
    if (failures == 0) {
      return null;
    }
    return Verdict.of("storage-failover", "storage stayed or became writable within " + recoverySeconds
        + " s of every storage failure: " + String.join("; ", passed), f);
  }

  private static boolean writableWithout(JsonNode s, String target) {
    if (!s.path("writable").asBoolean(false)) {
      return false;
    }
    // writable with another side active: a legacy pair's failed primary does not count
    for (JsonNode a : s.path("active")) {
      if (!a.asText().equals(target)) {
        return true;
      }
    }
    return false;
  }

  private static String cause(JsonNode state, String target) {
    String summary = state.path("summary").asText();
    if (summary.contains("/standby")) {
      return "no takeover: the standby of the legacy pair never became active, so every journal write "
          + "stalls (with on-panic = off and panic-suppresses-standard = on, a panic notice from " + target
          + " disables both the immediate and the standard takeover: the 2020-10-01 settings)";
    }
    return "fewer than a quorum (" + state.path("quorum").asInt() + ") of replicas answered, so no write can be "
        + "acknowledged until one comes back";
  }

  private static String simText(JsonNode l) {
    long s = Math.floorMod(l.path("sim").asLong() / 1000, 86_400L);
    return String.format("%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
