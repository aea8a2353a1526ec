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
 * @param messageStore {@code cluster} (the file store, replicated to the cluster so that any
 *     gateway node can take a session over) or {@code file} (this node only)
 */
public record FixSettings(boolean enabled, String hostname, int port, String targetCompId,
    Path storeDir, Duration maxLatency, Duration logoutTimeout, MessageStoreKind messageStore,
    ClusterStore clusterStore) {

  /**
   * CLUSTER: sequence numbers replicated, sent messages on this node only; CLUSTER_MESSAGES:
   * sent messages replicated too; FILE: this node only.
   */
  public enum MessageStoreKind { CLUSTER, CLUSTER_MESSAGES, FILE }

  /**
   * {@code kabuto.gateway.fix.cluster-store}.
   *
   * @param maxUnreplicated sent messages a node may have that the cluster has not acknowledged;
   *     a node taking a session over from one that did not close it cleanly starts this far
   *     past the cluster's sequence number
   * @param waitForCluster how long sending waits when {@code maxUnreplicated} are unacknowledged
   * @param askTimeout one request to the session's entity
   * @param resendWindow how many of the latest sent messages the cluster keeps for resends
   * @param snapshotEvery entity snapshot every N journal events
   * @param shipInterval at most one write to the cluster per session this often: what changes
   *     meanwhile goes in the next one
   */
  public record ClusterStore(int maxUnreplicated, Duration waitForCluster, Duration askTimeout,
      int resendWindow, int snapshotEvery, Duration shipInterval) {}

  public static FixSettings fromConfig(Config root) {
    Config c = root.getConfig("kabuto.gateway.fix");
    String kind = c.getString("message-store");
    MessageStoreKind k = switch (kind) {
      case "cluster" -> MessageStoreKind.CLUSTER;
      case "cluster-messages" -> MessageStoreKind.CLUSTER_MESSAGES;
      case "file" -> MessageStoreKind.FILE;
      default -> throw new IllegalArgumentException("kabuto.gateway.fix.message-store = " + kind
          + ": must be cluster, cluster-messages or file");
    };
    Config cs = c.getConfig("cluster-store");
    ClusterStore store = new ClusterStore(positive(cs, "max-unreplicated"),
        cs.getDuration("wait-for-cluster"), cs.getDuration("ask-timeout"),
        positive(cs, "resend-window"), positive(cs, "snapshot-every"),
        cs.getDuration("ship-interval"));
    return new FixSettings(c.getBoolean("enabled"), c.getString("hostname"), port(root),
        c.getString("target-comp-id"), Path.of(c.getString("store-dir")).toAbsolutePath(),
        c.getDuration("max-latency"), c.getDuration("logout-timeout"), k, store);
  }

  private static int positive(Config c, String key) {
    int v = c.getInt(key);
    if (v <= 0) {
      throw new IllegalArgumentException("kabuto.gateway.fix.cluster-store." + key
          + " must be positive, got " + v);
    }
    return v;
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
