package io.kabuto.persistence.node;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code kabuto.storage.legacy}: the primary/backup pair that replays arrowhead's NAS. The backup
 * takes over after {@code takeoverAfter} without a heartbeat, or at once on a panic notice when
 * {@code onPanic}; with {@code panicSuppressesStandard} a panic notice received before the
 * heartbeats stop also disables the standard takeover (the shipped behaviour that kept the TSE
 * halted on 2020-10-01). Safe defaults: on-panic on, panic-suppresses-standard off.
 *
 * @param primary replica id that starts as the active one
 * @param heartbeatInterval how often the pair exchange heartbeats
 * @param takeoverAfter standard takeover: this long without a heartbeat from the active one
 */
public record LegacySettings(
    String primary,
    Duration heartbeatInterval,
    Duration takeoverAfter,
    boolean onPanic,
    boolean panicSuppressesStandard) {

  public static LegacySettings fromConfig(Config c) {
    return new LegacySettings(
        c.getString("primary"),
        c.getDuration("heartbeat-interval"),
        c.getDuration("takeover-after"),
        c.getBoolean("on-panic"),
        c.getBoolean("panic-suppresses-standard"));
  }
}
