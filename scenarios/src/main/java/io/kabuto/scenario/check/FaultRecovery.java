package io.kabuto.scenario.check;

import java.util.List;
import java.util.Map;

/**
 * What one fault step did to trading, measured on the wall clock from the moment it was applied.
 *
 * @param detectMillis until a node reported the target unreachable, down or gone; -1 = never or
 *     not applicable
 * @param tradeAgainMillis per affected symbol, until an order of that symbol traded again; -1 = not
 *     within the run
 * @param recoveredMillis the largest of tradeAgainMillis (-1 if any never traded again)
 * @param delayed orders sent in the recovery window that took over a second to answer
 * @param unanswered orders sent in the recovery window that got no answer or "exchange unavailable"
 * @param plannedSim, actualSim the step's simulated time in the scenario and when it fired (-1 in
 *     histories written before steps recorded them)
 */
public record FaultRecovery(int step, String describe, String target, long atMillis, boolean applied,
    String error, List<String> affected, long detectMillis, Map<String, Long> tradeAgainMillis,
    long recoveredMillis, int delayed, int unanswered, List<Long> lines, long plannedSim, long actualSim) {}
