package io.kabuto.scenario.check;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects violations of one check: a count, the first message, and the offending lines (history
 * {@code seq}s, at most {@link Verdict#MAX_LINES}); {@link Verdict#of} turns them into the verdict.
 */
public final class Violations {
  private int count;
  private String first;
  private final Set<Long> lines = new LinkedHashSet<>();

  public void add(String message, long... seqs) {
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

  int count() {
    return count;
  }

  String first() {
    return count == 1 ? first : count + " violations; first: " + first;
  }

  List<Long> lines() {
    return new ArrayList<>(lines);
  }
}
