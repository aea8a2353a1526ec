package io.kabuto.market;

import java.time.LocalTime;
import java.time.ZonedDateTime;

/**
 * The simulation clock in ms since midnight: the wall clock in a zone ({@code mode = real}), or
 * {@code start} advanced {@code speed} times faster than real time from when the clock was made
 * ({@code mode = scenario}). Scenario time restarts when the supervisor moves to another node.
 */
public final class MarketClock {
  private final MarketSettings settings;
  private final long originNanos = System.nanoTime();

  public MarketClock(MarketSettings settings) {
    this.settings = settings;
  }

  public long now() {
    if (!settings.scenarioClock()) {
      LocalTime t = ZonedDateTime.now(settings.zone()).toLocalTime();
      return t.toNanoOfDay() / 1_000_000L;
    }
    double elapsedMs = (System.nanoTime() - originNanos) / 1e6;
    return settings.clockStart() + (long) (elapsedMs * settings.speed());
  }
}
