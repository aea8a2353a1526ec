/**
 * Kabuto's replicated storage layer (issue 3), foundation: the per-replica storage that the
 * storage nodes and the journal plugin will be built on.
 *
 * <h2>Why</h2>
 *
 * <p>Pekko's LevelDB journal is local to one node: a sharded order book that fails over to
 * another node would come up without its history. Pekko's shared LevelDB store is a single node, a
 * single point of failure (the NAS of the TSE arrowhead outage of 2020-10-01). So Kabuto keeps
 * every persistence id's log on several storage nodes (role {@code storage}), each owning one
 * LevelDB database, and replicates each write to a majority before acknowledging it. The design
 * brief is {@code storage-protocol.md}; in short:
 *
 * <ul>
 *   <li>per persistence id each replica keeps {@code promised} (the highest epoch it promised) and
 *       entries {@code seqNr -> (epoch, payload)};
 *   <li>a recovering incarnation fences older ones with {@code Promise(pid, epoch)} to all
 *       replicas (yes only if {@code epoch > promised}); over a majority of yeses the entry with
 *       the highest epoch wins at every sequence number above the committed one (the Paxos rule,
 *       {@link io.kabuto.persistence.replica.RecoveryMerge}), and is re-written under the new epoch;
 *   <li>writes are {@code Append(pid, epoch, entries)}, accepted only if {@code epoch >= promised};
 *       a conflicting lower-epoch suffix is dropped; the batch is written atomically and fsynced
 *       before the answer; the writer acknowledges to Pekko after a majority; any {@code Fenced}
 *       answer stops the stale incarnation.
 * </ul>
 *
 * <h2>What is here</h2>
 *
 * <ul>
 *   <li>{@code store}: {@link io.kabuto.persistence.store.LevelDbStore}, one LevelDB database via
 *       leveldbjni, with a store identity (cluster id, replica id, random uuid; a wrong directory
 *       is refused, a new one reports {@code NEW}), an {@link io.kabuto.persistence.store.FsyncPolicy},
 *       atomic write batches, the per-persistence-id key layout, snapshots, and injected
 *       {@link io.kabuto.persistence.store.DiskFaults} (slow or full disk).
 *   <li>{@code replica}: {@link io.kabuto.persistence.replica.ReplicaLog}, the replica side of the
 *       protocol (promise, append with fencing and conflict resolution, catch-up install);
 *       {@link io.kabuto.persistence.replica.GroupCommitter}, many appends in one write batch and
 *       one fsync; {@link io.kabuto.persistence.replica.RecoveryMerge}, the highest-epoch rule.
 *   <li>{@code node}: the {@link io.kabuto.persistence.node.StorageNode} actor (role
 *       {@code storage}), its wire protocol, catch-up from peers, the legacy primary/backup pair,
 *       injected faults, and the {@link io.kabuto.persistence.node.StorageAudit}.
 *   <li>{@code journal}: the writer's side, {@link io.kabuto.persistence.journal.ReplicatedJournal}
 *       ({@code japi.AsyncWriteJournal}: fencing round at every recovery, repair, majority
 *       appends, {@link io.kabuto.persistence.journal.FencedException}) and
 *       {@link io.kabuto.persistence.journal.ReplicatedSnapshotStore}, over the replicas that
 *       {@link io.kabuto.persistence.journal.StorageReplicas} sees (and whose health it reports).
 * </ul>
 *
 * <h2>Voting after data loss</h2>
 *
 * <p>A replica whose store was just created (an empty directory: a new node, or a wiped one)
 * records promises but does not count toward a recovery's majority until it has copied
 * everything from voting peers that make a majority without it; otherwise a majority made of it
 * and a replica that missed some writes could lose acknowledged events. A brand-new replica set
 * (every replica reached is new and empty) starts voting at once. The assumption: at most one
 * replica's store is lost at a time.
 */
package io.kabuto.persistence;
