package io.kabuto.persistence.node;

import com.typesafe.config.Config;
import io.kabuto.persistence.store.FsyncPolicy;
import io.kabuto.persistence.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code kabuto.storage}: how storage nodes store and replicate, and how the journal plugin counts
 * a quorum. The same block is read by storage nodes and by every node that journals, so it must be
 * the same on every node of a cluster (the config audit says so when it is not).
 *
 * @param clusterId written into every store; a store of another cluster is refused
 * @param replicaId this node's replica id (when it has the storage role)
 * @param replicas the replica set: ids of every storage node; a quorum is a majority of it
 * @param dir where this node's LevelDB store lives
 * @param fsync when writes are fsynced
 * @param maxGroupSize most requests one group commit takes
 * @param requestTimeout how long the journal waits for a quorum of answers
 * @param catchUpRetry how long a catching-up replica waits before it asks its peers again
 * @param catchUpChunk entries copied per read while catching up
 * @param fencing {@code false} only to replay incidents (dual-active writers); see the audit
 * @param crashHaltsJvm whether an injected crash halts the JVM (real processes) or only stops the
 *     storage actor (several nodes in one JVM, tests)
 * @param legacy settings of the legacy primary/backup mode, or null in quorum mode
 */
public record StorageSettings(
    String clusterId,
    String replicaId,
    List<String> replicas,
    Path dir,
    FsyncPolicy fsync,
    int maxGroupSize,
    Duration requestTimeout,
    Duration catchUpRetry,
    int catchUpChunk,
    boolean fencing,
    boolean crashHaltsJvm,
    LegacySettings legacy) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  public StorageSettings {
    checkId(clusterId, "kabuto.storage.cluster-id");
    checkId(replicaId, "kabuto.storage.replica-id");
    replicas = List.copyOf(replicas);
    if (replicas.isEmpty()) {
      throw new IllegalArgumentException(
          "kabuto.storage.replicas is empty: list the replica ids of the storage nodes");
    }
    for (String r : replicas) {
      checkId(r, "kabuto.storage.replicas");
    }
    if (replicas.stream().distinct().count() != replicas.size()) {
      throw new IllegalArgumentException("kabuto.storage.replicas " + replicas + " has duplicates");
    }
    if (legacy != null && replicas.size() != 2) {
      throw new IllegalArgumentException("kabuto.storage.mode = legacy needs exactly 2 replicas "
          + "(primary and backup), got " + replicas);
    }
    if (legacy != null && !replicas.contains(legacy.primary())) {
      throw new IllegalArgumentException("kabuto.storage.legacy.primary = '" + legacy.primary()
          + "' is not one of kabuto.storage.replicas " + replicas);
    }
    if (maxGroupSize < 1 || catchUpChunk < 1) {
      throw new IllegalArgumentException("max-group-size and catch-up.chunk must be >= 1");
    }
  }

  /** Reads {@code kabuto.storage} (and {@code kabuto.data-dir} for a relative dir) from a config. */
  public static StorageSettings fromConfig(Config root) {
    Config c = root.getConfig("kabuto.storage");
    String mode = c.getString("mode").toLowerCase(Locale.ROOT);
    LegacySettings legacy = switch (mode) {
      case "quorum" -> null;
      case "legacy" -> LegacySettings.fromConfig(c.getConfig("legacy"));
      default -> throw new IllegalArgumentException(
          "kabuto.storage.mode = " + mode + ": use quorum (the default) or legacy");
    };
    String fsync = c.getString("fsync").toUpperCase(Locale.ROOT);
    FsyncPolicy policy;
    try {
      policy = FsyncPolicy.valueOf(fsync);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "kabuto.storage.fsync = " + fsync.toLowerCase(Locale.ROOT)
              + ": use always (the default), batched or off");
    }
    return new StorageSettings(
        c.getString("cluster-id"),
        c.getString("replica-id"),
        c.getStringList("replicas"),
        Path.of(c.getString("dir")).toAbsolutePath().normalize(),
        policy,
        c.getInt("max-group-size"),
        c.getDuration("request-timeout"),
        c.getDuration("catch-up.retry"),
        c.getInt("catch-up.chunk"),
        c.getBoolean("fencing"),
        c.getBoolean("crash-halts-jvm"),
        legacy);
  }

  /** Replies needed for a quorum: a majority of the replica set (in legacy mode: the active one). */
  public int quorum() {
    return legacy != null ? 1 : replicas.size() / 2 + 1;
  }

  public boolean legacyMode() {
    return legacy != null;
  }

  public StoreConfig storeConfig() {
    return StoreConfig.of(clusterId, replicaId, false, fsync);
  }

  public StorageSettings withReplicaId(String id) {
    return new StorageSettings(clusterId, id, replicas, dir, fsync, maxGroupSize, requestTimeout,
        catchUpRetry, catchUpChunk, fencing, crashHaltsJvm, legacy);
  }

  public StorageSettings withDir(Path d) {
    return new StorageSettings(clusterId, replicaId, replicas, d, fsync, maxGroupSize,
        requestTimeout, catchUpRetry, catchUpChunk, fencing, crashHaltsJvm, legacy);
  }

  private static void checkId(String id, String key) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          key + " = '" + id + "': use 1-64 letters, digits, '-' or '_'");
    }
  }
}
