package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.scenario.model.Expectations;
import io.kabuto.scenario.model.Invariant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a run after the fact, Jepsen-style: the scenario's invariants over the history (answers,
 * final lookups, final book volumes), that every fault step was applied, and each fault's recovery
 * against the expectations.
 */
public final class Checker {
  private Checker() {}

  /** The history alone: the journal and feed checks are NOT_CHECKED. */
  public static CheckResult check(List<JsonNode> history, Expectations expect) {
    return check(history, expect, FinalState.none("the runner collected no final journal or feeds"));
  }

  /**
   * The history and the cluster's final state: besides the history's checks, reference-model
   * (if expected), no-divergent-incarnations, market-data-equal-to-journal and
   * no-execution-while-halted, which need the journal.
   */
  public static CheckResult check(List<JsonNode> history, Expectations expect, FinalState fin) {
    HistoryIndex h = new HistoryIndex(history);
    List<Verdict> verdicts = new ArrayList<>();
    OrderChecks orders = new OrderChecks(h);
    Map<String, BookLog> logs = fin.collected() ? BookLog.of(fin.journal()) : Map.of();
    for (Invariant inv : Invariant.values()) {
      if (!expect.invariants().contains(inv)) {
        continue;
      }
      if (inv == Invariant.REFERENCE_MODEL) {
        verdicts.add(fin.collected() ? partial(ReferenceModelCheck.check(h, logs), fin)
            : Verdict.notChecked(ReferenceModelCheck.WORD, fin.missing()));
        continue;
      }
      verdicts.add(orders.check(inv));
      if (inv == Invariant.NO_LOST_ACK) {
        verdicts.add(orders.lookupAfterFailover());
      }
    }
    if (fin.collected()) {
      verdicts.add(partial(IncarnationCheck.check(h, fin.journal(), logs), fin));
      verdicts.add(partial(MarketDataCheck.check(fin.feeds(), logs), fin));
      verdicts.add(partial(HaltCheck.check(h, logs), fin));
    } else {
      for (String word : List.of(IncarnationCheck.WORD, MarketDataCheck.WORD, HaltCheck.WORD)) {
        verdicts.add(Verdict.notChecked(word, fin.missing()));
      }
    }
    List<FaultRecovery> recoveries = new RecoveryAnalysis(h).analyse(expect.recoverySeconds());
    verdicts.add(faultsApplied(recoveries));
    verdicts.add(recoveredInTime(recoveries, expect));
    if (expect.maxUnansweredPerFault() >= 0) {
      verdicts.add(unansweredWithinLimit(recoveries, expect.maxUnansweredPerFault()));
    }
    if (expect.maxRejected() >= 0) {
      verdicts.add(RejectedOrdersCheck.check(h, expect.maxRejected()));
    }
    if (expect.floodLatencyFactor() > 0) {
      verdicts.add(FloodCheck.check(h, expect.floodLatencyFactor()));
    }
    Verdict cod = CancelOnDisconnectCheck.check(h);
    if (cod.status() != Verdict.Status.NOT_CHECKED) {
      verdicts.add(cod);
    }
    Verdict wiped = WipedStoreCheck.check(h);
    if (wiped.status() != Verdict.Status.NOT_CHECKED) {
      verdicts.add(wiped);
    }
    return new CheckResult(List.copyOf(verdicts), recoveries);
  }

  /** A journal check over fewer replicas than there are says so (its verdict stands). */
  private static Verdict partial(Verdict v, FinalState fin) {
    if (fin.journal().problems().isEmpty()) {
      return v;
    }
    return new Verdict(v.check(), v.status(), v.summary() + " [replicas not read: "
        + String.join("; ", fin.journal().problems()) + "]", v.violations(), v.lines());
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
