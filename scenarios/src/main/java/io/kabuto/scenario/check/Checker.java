package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.scenario.model.Expectations;
import io.kabuto.scenario.model.Invariant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a run after the fact, Jepsen-style: the scenario's invariants over the history (answers,
 * final lookups, final book volumes), that every fault step was applied, and each fault's recovery
 * against the expectations.
 */
public final class Checker {
  private Checker() {}

  public static CheckResult check(List<JsonNode> history, Expectations expect) {
    HistoryIndex h = new HistoryIndex(history);
    List<Verdict> verdicts = new ArrayList<>();
    OrderChecks orders = new OrderChecks(h);
    for (Invariant inv : Invariant.values()) {
      if (expect.invariants().contains(inv)) {
        verdicts.add(orders.check(inv));
        if (inv == Invariant.NO_LOST_ACK) {
          verdicts.add(orders.lookupAfterFailover());
        }
      }
    }
    List<FaultRecovery> recoveries = new RecoveryAnalysis(h).analyse(expect.recoverySeconds());
    verdicts.add(faultsApplied(recoveries));
    verdicts.add(recoveredInTime(recoveries, expect));
    if (expect.maxUnansweredPerFault() >= 0) {
      verdicts.add(unansweredWithinLimit(recoveries, expect.maxUnansweredPerFault()));
    }
    return new CheckResult(List.copyOf(verdicts), recoveries);
  }

  private static Verdict faultsApplied(List<FaultRecovery> rs) {
    Violations v = new Violations();
    for (FaultRecovery r : rs) {
      if (!r.applied()) {
        v.add("step " + r.step() + " (" + r.describe() + "): " + r.error(), r.lines().get(0));
      }
    }
    return Verdict.of("faults-applied", rs.size() + " fault steps, all applied", v);
  }

  private static Verdict recoveredInTime(List<FaultRecovery> rs, Expectations expect) {
    Violations v = new Violations();
    long limit = (long) (expect.recoverySeconds() * 1000);
    for (FaultRecovery r : rs) {
      if (!r.applied()) {
        continue;
      }
      if (r.recoveredMillis() < 0 || r.recoveredMillis() > limit) {
        String late = r.tradeAgainMillis().entrySet().stream()
            .filter(e -> e.getValue() < 0 || e.getValue() > limit)
            .map(e -> e.getKey() + (e.getValue() < 0 ? " never" : " after " + e.getValue() / 1000.0 + " s"))
            .toList().toString();
        v.add("step " + r.step() + " (" + r.describe() + "): traded again " + late + ", limit "
            + expect.recoverySeconds() + " s", r.lines().get(0));
      }
    }
    return Verdict.of("recovery-time", "every affected symbol traded again within " + expect.recoverySeconds()
        + " s of each fault", v);
  }

  private static Verdict unansweredWithinLimit(List<FaultRecovery> rs, int max) {
    Violations v = new Violations();
    for (FaultRecovery r : rs) {
      if (r.unanswered() > max) {
        v.add("step " + r.step() + " (" + r.describe() + "): " + r.unanswered() + " orders unanswered, "
            + "limit " + max, r.lines().stream().mapToLong(Long::longValue).toArray());
      }
    }
    return Verdict.of("unanswered-orders", "at most " + max + " unanswered orders per fault", v);
  }
}
