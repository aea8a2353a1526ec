package io.kabuto.market;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.LocalTime;
import java.time.ZonedDateTime;

/**
 * The simulation clock in ms since midnight: the wall clock in a zone ({@code mode = real}), or
 * {@code start} advanced {@code speed} times faster than real time ({@code mode = scenario}) from
 * the instant in {@code clock.epoch-file}, or else from when the clock was made (then scenario
 * time restarts when the supervisor moves to another node).
 */
public final class MarketClock {
  /** How often a missing epoch file is looked for again: the supervisor ticks every second. */
  private static final long EPOCH_RETRY_NANOS = 100_000_000L;

  private final MarketSettings settings;
  private final long originNanos = System.nanoTime();
  private volatile long epochMillis = -1;
  private volatile long nextEpochLook;

  public MarketClock(MarketSettings settings) {
    this.settings = settings;
  }

  public long now() {
    if (!settings.scenarioClock()) {
      LocalTime t = ZonedDateTime.now(settings.zone()).toLocalTime();
      return t.toNanoOfDay() / 1_000_000L;
    }
    double elapsedMs;
    if (settings.epochFile() == null) {
      elapsedMs = (System.nanoTime() - originNanos) / 1e6;
    } else {
      long epoch = epoch();
      // before the scenario's day begins the clock stands at its start
      elapsedMs = epoch < 0 ? 0 : Math.max(0, System.currentTimeMillis() - epoch);
    }
    return settings.clockStart() + (long) (elapsedMs * settings.speed());
  }

  private long epoch() {
    long e = epochMillis;
    if (e >= 0 || System.nanoTime() < nextEpochLook) {
      return e;
    }
    nextEpochLook = System.nanoTime() + EPOCH_RETRY_NANOS;
    try {
      String text = Files.readString(settings.epochFile()).strip();
      if (text.isEmpty()) {
        return -1; // being written
      }
      e = Long.parseLong(text);
    } catch (NoSuchFileException x) {
      return -1;
    } catch (IOException | NumberFormatException x) {
      throw new IllegalStateException("kabuto.market.clock.epoch-file " + settings.epochFile()
          + " must hold the epoch milliseconds at which the clock reads clock.start: " + x, x);
    }
    epochMillis = e;
    return e;
  }
}
