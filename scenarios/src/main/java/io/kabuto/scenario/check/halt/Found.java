package io.kabuto.scenario.check.halt;

import io.kabuto.scenario.check.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/** The violations one halt or storage check found: a count, the first message, the lines cited. */
final class Found {
  private int count;
  private String first;
  private final Set<Long> lines = new LinkedHashSet<>();

  void add(String message, long... seqs) {
    count++;
    if (first == null) {
      first = message;
    }
    for (long s : seqs) {
      if (s > 0 && lines.size() < Verdict.MAX_LINES) {
        lines.add(s);
      }
    }
  }

  Verdict verdict(String check, String passSummary) {
    if (count == 0) {
      return Verdict.pass(check, passSummary);
    }
    return new Verdict(check, Verdict.Status.FAIL, count == 1 ? first : count + " violations; first: " + first,
        count, new ArrayList<>(lines));
  }
}
