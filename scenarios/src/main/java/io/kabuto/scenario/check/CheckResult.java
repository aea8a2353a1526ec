package io.kabuto.scenario.check;

import java.util.List;

/** The checker's verdicts and per-fault recovery figures; {@link #passed()} decides the exit code. */
public record CheckResult(List<Verdict> verdicts, List<FaultRecovery> recoveries) {
  public boolean passed() {
    return verdicts.stream().noneMatch(Verdict::failed);
  }
}
