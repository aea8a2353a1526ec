package io.kabuto.scenario.check;

import java.util.List;

/**
 * The outcome of one check: what was checked, whether it held, a one-line summary, and the
 * history lines ({@code seq}) that show each violation (at most {@link #MAX_LINES} kept).
 */
public record Verdict(String check, Status status, String summary, int violations, List<Long> lines) {
  public static final int MAX_LINES = 50;

  public enum Status { PASS, FAIL, NOT_CHECKED }

  public static Verdict pass(String check, String summary) {
    return new Verdict(check, Status.PASS, summary, 0, List.of());
  }

  public static Verdict notChecked(String check, String why) {
    return new Verdict(check, Status.NOT_CHECKED, why, 0, List.of());
  }

  /** PASS if no violation was found, else FAIL with the first lines. */
  public static Verdict of(String check, String passSummary, Violations v) {
    if (v.count() == 0) {
      return pass(check, passSummary);
    }
    return new Verdict(check, Status.FAIL, v.first(), v.count(), v.lines());
  }

  public boolean failed() {
    return status == Status.FAIL;
  }
}
