/** One storage node's LevelDB database: identity, key layout, atomic batches, snapshots. */
package io.kabuto.persistence.store;
