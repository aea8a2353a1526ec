package io.kabuto.gateway.fix;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code kabuto.gateway.fix}: the FIX 4.4 acceptor of a gateway node.
 *
 * @param port resolved TCP port (never -1)
 * @param targetCompId the exchange's CompID (the brokers' TargetCompID)
 * @param storeDir QuickFIX/J file store: sequence numbers and sent messages for resends
 */
public record FixSettings(boolean enabled, String hostname, int port, String targetCompId,
    Path storeDir, Duration maxLatency, Duration logoutTimeout) {

  public static FixSettings fromConfig(Config root) {
    Config c = root.getConfig("kabuto.gateway.fix");
    return new FixSettings(c.getBoolean("enabled"), c.getString("hostname"), port(root),
        c.getString("target-comp-id"), Path.of(c.getString("store-dir")).toAbsolutePath(),
        c.getDuration("max-latency"), c.getDuration("logout-timeout"));
  }

  /**
   * {@code kabuto.gateway.fix.port}; -1 = Artery port + 30000, or any free port when the Artery
   * port is 0 (tests, several nodes on one host).
   */
  static int port(Config root) {
    int p = root.getInt("kabuto.gateway.fix.port");
    if (p >= 0 && p != 0) {
      return p;
    }
    int artery = root.getInt("pekko.remote.artery.canonical.port");
    if (p < 0 && artery != 0) {
      // Past the last port: any free port (the log says which).
      return artery + 30_000 > 65_535 ? 0 : artery + 30_000;
    }
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for the FIX acceptor", e);
    }
  }
}
