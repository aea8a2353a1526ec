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
 */
public record GatewaySettings(Duration attemptTimeout, Duration bookDeadline,
    Duration killSwitchWriteTimeout, String adminToken, Map<String, Participant> participants) {

  public static GatewaySettings fromConfig(Config root) {
    Config c = root.getConfig("kabuto.gateway");
    return new GatewaySettings(c.getDuration("attempt-timeout"), c.getDuration("book-deadline"),
        c.getDuration("kill-switch-write-timeout"), c.getString("admin-token"),
        Participant.fromConfig(root));
  }
}
