package io.kabuto.scenario.model;

import java.time.Duration;

/**
 * The scenario's simulated day: from {@code start} to {@code end} (ms since midnight), {@code
 * speed} times faster than the wall clock, so 08:00-15:30 at speed 300 takes 90 s.
 */
public record ClockSpec(long start, long end, double speed) {

  /** How long the run lasts on the wall clock. */
  public Duration wallDuration() {
    return Duration.ofMillis((long) Math.ceil((end - start) / speed));
  }

  public ClockSpec withSpeed(double newSpeed) {
    return new ClockSpec(start, end, newSpeed);
  }
}
