package io.kabuto.scenario.run;

import io.kabuto.scenario.model.ClockSpec;

/**
 * The run's simulated clock: the scenario's start, advanced {@code speed} times faster than the
 * wall clock from {@link #start()}. Before the start it reads the start time.
 */
public final class SimClock {
  private final ClockSpec spec;
  private volatile long originNanos = -1;

  public SimClock(ClockSpec spec) {
    this.spec = spec;
  }

  public void start() {
    originNanos = System.nanoTime();
  }

  /** Simulated ms since midnight. */
  public long now() {
    long o = originNanos;
    if (o < 0) {
      return spec.start();
    }
    return spec.start() + (long) ((System.nanoTime() - o) / 1e6 * spec.speed());
  }

  public boolean over() {
    return now() >= spec.end();
  }

  /** Wall-clock nanos until the simulated clock reads {@code sim} (0 if past). */
  public long nanosUntil(long sim) {
    return Math.max(0, (long) ((sim - now()) / spec.speed() * 1e6));
  }

  public ClockSpec spec() {
    return spec;
  }
}
