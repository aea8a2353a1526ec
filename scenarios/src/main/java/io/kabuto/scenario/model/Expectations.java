package io.kabuto.scenario.model;

import java.util.Set;

/**
 * What must hold for the run to pass (exit code 0).
 *
 * @param recoverySeconds per fault, the wall-clock seconds within which every affected symbol must
 *     trade again
 * @param maxUnansweredPerFault per fault, how many orders may go without an answer (timeout or
 *     exchange unavailable) while it recovers; -1 = no limit
 */
public record Expectations(Set<Invariant> invariants, double recoverySeconds, int maxUnansweredPerFault) {}
