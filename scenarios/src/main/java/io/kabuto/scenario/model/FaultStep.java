package io.kabuto.scenario.model;

import java.util.List;

/**
 * One step of the fault timeline, applied when the simulated clock reaches {@code at}.
 *
 * @param index the step's number, from 1, in file order
 * @param node a node name; {@code host-of:SYMBOL} for the matching node that hosts that book when
 *     the step is applied; {@code target-of:N} for the node that step N hit; null when the action
 *     names no node
 * @param groups partition groups of node names
 * @param symbol halt/resume-market of one symbol; null = the whole market
 * @param storageFault HANG, PANIC, CRASH, SLOW_DISK, FULL_DISK or CLEAR
 * @param millis SLOW_DISK latency per write
 */
public record FaultStep(int index, long at, FaultAction action, String node, List<List<String>> groups,
    String symbol, String storageFault, long millis, String reason) {

  public static final String HOST_OF = "host-of:";
  public static final String TARGET_OF = "target-of:";

  /** One line for progress output and the report, e.g. "10:00:00 kill host-of:7203". */
  public String describe() {
    StringBuilder b = new StringBuilder(SimTime.format(at)).append(' ').append(action.word);
    if (node != null) {
      b.append(' ').append(node);
    }
    if (!groups.isEmpty()) {
      b.append(' ').append(String.join(" / ", groups.stream().map(g -> String.join(",", g)).toList()));
    }
    if (symbol != null) {
      b.append(' ').append(symbol);
    }
    if (storageFault != null) {
      b.append(' ').append(storageFault).append(millis > 0 ? " " + millis + "ms" : "");
    }
    return b.toString();
  }
}
