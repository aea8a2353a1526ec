package io.kabuto.scenario.model;

import java.time.Duration;

/**
 * The scenario's simulated day: from {@code start} to {@code end} (ms since midnight), {@code
 * speed} times faster than the wall clock, so 08:00-15:30 at speed 300 takes 90 s.
 *
 * @param schedule whether the cluster's market schedule (08:00 pre-open, 09:00 opening itayose,
 *     11:30-12:30 lunch break, 15:30 close) runs on this clock; off = books trade continuously
 */
public record ClockSpec(long start, long end, double speed, boolean schedule) {

  /** How long the run lasts on the wall clock. */
  public Duration wallDuration() {
    return Duration.ofMillis((long) Math.ceil((end - start) / speed));
  }

  public ClockSpec withSpeed(double newSpeed) {
    return new ClockSpec(start, end, newSpeed, schedule);
  }
}
