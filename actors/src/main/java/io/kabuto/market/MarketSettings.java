package io.kabuto.market;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Locale;

/** {@code kabuto.market} (see reference.conf). */
public record MarketSettings(boolean schedule, boolean scenarioClock, long clockStart, double speed,
    ZoneId zone, Duration tickInterval, int reconcileEvery, Duration confirmTimeout,
    Duration ackTimeout, Duration bookUnavailableHaltAfter, Duration storageQuorumLostHaltAfter,
    Duration resumeAfterHealthy, Duration probeInterval, Duration probeTimeout,
    java.nio.file.Path epochFile) {

  public static MarketSettings fromConfig(Config root) {
    Config c = root.getConfig("kabuto.market");
    String mode = c.getString("clock.mode").trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("real") && !mode.equals("scenario")) {
      throw new IllegalArgumentException("kabuto.market.clock.mode is '" + mode
          + "'; use real (wall clock in clock.zone) or scenario (clock.start at clock.speed)");
    }
    long start;
    try {
      start = LocalTime.parse(c.getString("clock.start")).toNanoOfDay() / 1_000_000L;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("kabuto.market.clock.start must be HH:MM or HH:MM:SS, e.g. \"08:00\"", e);
    }
    double speed = c.getDouble("clock.speed");
    if (!(speed > 0)) throw new IllegalArgumentException("kabuto.market.clock.speed must be > 0 (1.0 = real time)");
    return new MarketSettings(c.getBoolean("schedule"), mode.equals("scenario"), start, speed,
        ZoneId.of(c.getString("clock.zone")), c.getDuration("tick-interval"),
        c.getInt("reconcile-every"), c.getDuration("confirm-timeout"), c.getDuration("ack-timeout"),
        c.getDuration("rules.book-unavailable-halt-after"),
        c.getDuration("rules.storage-quorum-lost-halt-after"),
        c.getDuration("rules.resume-after-healthy"), c.getDuration("rules.probe-interval"),
        c.getDuration("rules.probe-timeout"),
        c.getString("clock.epoch-file").isBlank() ? null : java.nio.file.Path.of(c.getString("clock.epoch-file")));
  }
}
