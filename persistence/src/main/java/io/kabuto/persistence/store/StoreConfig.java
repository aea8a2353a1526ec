package io.kabuto.persistence.store;

import java.util.Objects;

/**
 * How to open a {@link LevelDbStore}.
 *
 * @param clusterId the cluster this node belongs to; checked against an existing store
 * @param replicaId this storage node's replica id; checked against an existing store
 * @param expectExisting the node believes it already has a store here (it was a replica before);
 *     an empty directory is then reported as {@link StoreIdentity.Status#NEW_EMPTY}
 * @param fsyncPolicy when writes are fsynced
 * @param cacheSizeBytes LevelDB block cache size
 */
public record StoreConfig(
    String clusterId,
    String replicaId,
    boolean expectExisting,
    FsyncPolicy fsyncPolicy,
    long cacheSizeBytes) {

  public StoreConfig {
    requireId(clusterId, "clusterId");
    requireId(replicaId, "replicaId");
    Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
    if (cacheSizeBytes < 0) {
      throw new IllegalArgumentException("cacheSizeBytes must be >= 0, got " + cacheSizeBytes);
    }
  }

  /** A config with an 8 MiB cache. */
  public static StoreConfig of(
      String clusterId, String replicaId, boolean expectExisting, FsyncPolicy fsyncPolicy) {
    return new StoreConfig(clusterId, replicaId, expectExisting, fsyncPolicy, 8L << 20);
  }

  public StoreConfig withExpectExisting(boolean expect) {
    return new StoreConfig(clusterId, replicaId, expect, fsyncPolicy, cacheSizeBytes);
  }

  private static void requireId(String id, String name) {
    Objects.requireNonNull(id, name);
    if (id.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
