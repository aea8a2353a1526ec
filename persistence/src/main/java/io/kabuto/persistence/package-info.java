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
 *   <li>{@link io.kabuto.persistence.store.LevelDbStore}: one LevelDB database via leveldbjni, with
 *       a store identity (cluster id, replica id, random uuid; a wrong directory is refused, an
 *       empty one where a store was expected is reported as {@code NEW_EMPTY} so the node does not
 *       count itself up to date), an {@link io.kabuto.persistence.store.FsyncPolicy}, atomic write
 *       batches, the key layout for per-persistence-id logs, Pekko-style {@code deleteTo} and
 *       snapshots.
 *   <li>{@link io.kabuto.persistence.replica.ReplicaLog}: the replica side of the protocol
 *       (promise, append with fencing and conflict resolution, reads), with explicit result types.
 *   <li>{@link io.kabuto.persistence.replica.GroupCommitter}: many threads' appends and promises
 *       batched into one write batch and one fsync.
 * </ul>
 *
 * <h2>What this module will become</h2>
 *
 * <p>The {@code StorageNode} actor (one per node with role {@code storage}) wraps a
 * {@code ReplicaLog} and its {@code GroupCommitter} and answers {@code Promise}/{@code Append}/
 * {@code Read} messages; catch-up copies missing entries from peers before a replica counts toward
 * redundancy (it starts as not up to date whenever its store is {@code NEW} or {@code NEW_EMPTY}).
 * The journal plugin ({@code japi.AsyncWriteJournal} + {@code japi.SnapshotStore}) runs the
 * writer's side: fencing round on {@code asyncReadHighestSequenceNr}, majority appends, replay.
 * The primary/backup legacy mode (arrowhead replay) reuses the same replica log with two replicas.
 */
package io.kabuto.persistence;
