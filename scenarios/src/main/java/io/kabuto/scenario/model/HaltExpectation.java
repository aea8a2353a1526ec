package io.kabuto.scenario.model;

/**
 * What the scenario expects of market halts ({@code expectations.market-halt}).
 *
 * <ul>
 *   <li>{@link Kind#ANY}: not checked (the default);
 *   <li>{@link Kind#NEVER}: the market and every symbol stay un-halted all day (the fault must
 *       pass without stopping trading);
 *   <li>{@link Kind#WITHIN}: a halt must be confirmed by every reachable node within {@code
 *       withinSeconds} of fault step {@code afterStep} (the pre-agreed rule works, without
 *       storage if need be).
 * </ul>
 */
public record HaltExpectation(Kind kind, int afterStep, double withinSeconds) {
  public enum Kind { ANY, NEVER, WITHIN }

  public static final HaltExpectation ANY = new HaltExpectation(Kind.ANY, 0, 0);
  public static final HaltExpectation NEVER = new HaltExpectation(Kind.NEVER, 0, 0);

  public String describe() {
    return switch (kind) {
      case ANY -> "any";
      case NEVER -> "never";
      case WITHIN -> "within " + withinSeconds + " s of step " + afterStep;
    };
  }
}
