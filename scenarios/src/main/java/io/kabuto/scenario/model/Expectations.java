package io.kabuto.scenario.model;

import java.util.Set;

/**
 * What must hold for the run to pass (exit code 0).
 *
 * @param recoverySeconds per fault, the wall-clock seconds within which every affected symbol must
 *     trade again
 * @param maxUnansweredPerFault per fault, how many orders may go without an answer (timeout or
 *     exchange unavailable) while it recovers; -1 = no limit
 * @param maxRejected how many new orders may end refused (their last answer an HTTP error or a
 *     REJECTED order); -1 = no limit
 * @param floodLatencyFactor during a flood step, the brokers' p99 latency may be at most this many
 *     times their p99 before it, and none of their orders refused for the rate; 0 = not checked
 */
public record Expectations(Set<Invariant> invariants, double recoverySeconds, int maxUnansweredPerFault,
    int maxRejected, double floodLatencyFactor) {

  public Expectations(Set<Invariant> invariants, double recoverySeconds, int maxUnansweredPerFault) {
    this(invariants, recoverySeconds, maxUnansweredPerFault, -1, 0);
  }
}
