package io.kabuto.scenario.model;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;

/** Simulated time of day as milliseconds since midnight (the market clock's unit). */
public final class SimTime {
  private SimTime() {}

  /** "HH:MM" or "HH:MM:SS" to ms since midnight; throws DateTimeParseException. */
  public static long parse(String text) throws DateTimeParseException {
    return LocalTime.parse(text.trim()).toNanoOfDay() / 1_000_000L;
  }

  /** HH:MM:SS of a simulated time. */
  public static String format(long ms) {
    long s = Math.floorMod(ms / 1000, 86_400L);
    return String.format("%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
