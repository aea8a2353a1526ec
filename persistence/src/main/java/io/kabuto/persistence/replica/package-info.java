/** The replica side of the replication protocol: promise, append, fencing, group commit. */
package io.kabuto.persistence.replica;
