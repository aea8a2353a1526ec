package io.kabuto.persistence.store;

import java.util.Objects;

/**
 * Who a store is: the cluster and replica it belongs to, and a random uuid written when the database
 * was created (a wiped and re-created directory gets a new uuid even with the same ids, so peers can
 * tell that this replica lost its data).
 *
 * @param clusterId the cluster the database was created for
 * @param replicaId the replica (storage node) the database was created for
 * @param storeUuid random id of this database, fixed at creation
 * @param status what {@link LevelDbStore#open} found
 */
public record StoreIdentity(String clusterId, String replicaId, String storeUuid, Status status) {

  public StoreIdentity {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(replicaId, "replicaId");
    Objects.requireNonNull(storeUuid, "storeUuid");
    Objects.requireNonNull(status, "status");
  }

  /** What opening the directory found. */
  public enum Status {
    /** The directory was empty and the caller expected that: a brand-new replica. */
    NEW,
    /**
     * The directory was empty but the caller expected an existing store ({@code expectExisting}):
     * the identity has been written so the store is usable, but it holds none of the data this
     * replica is supposed to have. It must catch up from its peers before it counts toward
     * redundancy (bitbank's maintenance misconfiguration: a node started on an empty volume).
     */
    NEW_EMPTY,
    /** An existing store whose cluster id and replica id match the caller's. */
    VERIFIED;

    /** Whether the store may be assumed to hold this replica's data (only {@link #VERIFIED}). */
    public boolean upToDateCandidate() {
      return this == VERIFIED;
    }
  }
}
