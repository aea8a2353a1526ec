package io.kabuto.gateway;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Map;

/**
 * {@code kabuto.gateway}: how gateways reach the books and who may use them.
 *
 * @param attemptTimeout how long one attempt to reach a book waits before it is retried
 * @param bookDeadline how long a request is retried before EXCHANGE_UNAVAILABLE
 * @param killSwitchWriteTimeout how long a kill-switch change waits for a majority of the
 *     cluster to confirm it ({@link KillSwitches})
 * @param participants the participants, by name (SenderCompID)
 * @param maxInFlightPerSession requests of one participant's session on this node waiting for
 *     a book; a new order or replace beyond it is refused EXCHANGE_BUSY at once
 * @param maxInFlightPerNode the same bound for all sessions of this gateway node together
 * @param maxAttemptTimeout the longest wait of one attempt: a retry toward a book waits twice
 *     as long as the attempt before, up to this, so a slow book gets fewer retries, not more
 */
public record GatewaySettings(Duration attemptTimeout, Duration bookDeadline,
    Duration killSwitchWriteTimeout, String adminToken, Map<String, Participant> participants,
    int maxInFlightPerSession, int maxInFlightPerNode, Duration maxAttemptTimeout) {

  /** How long attempt {@code attempt} (1, 2, ...) waits for the book: doubling, capped. */
  public Duration attemptTimeout(int attempt) {
    long ms = attemptTimeout.toMillis() << Math.min(Math.max(attempt - 1, 0), 16);
    return Duration.ofMillis(Math.min(ms, Math.max(maxAttemptTimeout.toMillis(),
        attemptTimeout.toMillis())));
  }

  public static GatewaySettings fromConfig(Config root) {
    Config c = root.getConfig("kabuto.gateway");
    return new GatewaySettings(c.getDuration("attempt-timeout"), c.getDuration("book-deadline"),
        c.getDuration("kill-switch-write-timeout"), c.getString("admin-token"),
        Participant.fromConfig(root), positive(c, "max-in-flight-per-session"),
        positive(c, "max-in-flight-per-node"), c.getDuration("max-attempt-timeout"));
  }

  private static int positive(Config c, String key) {
    int v = c.getInt(key);
    if (v <= 0) {
      throw new com.typesafe.config.ConfigException.BadValue(c.origin(), "kabuto.gateway." + key,
          "must be at least 1, got " + v + " (it bounds the requests waiting for the books)");
    }
    return v;
  }
}
