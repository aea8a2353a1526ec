package io.kabuto.scenario.broker;

/**
 * The brokers' rate multiplier, shared by every broker loop and set by a {@code load-burst} step
 * (bitbank's surge: the same brokers, suddenly ten times as busy).
 */
public final class LoadLevel {
  private volatile double factor = 1;

  public double factor() {
    return factor;
  }

  public void set(double factor) {
    if (!(factor > 0)) {
      throw new IllegalArgumentException("load factor must be above 0, got " + factor);
    }
    this.factor = factor;
  }
}
