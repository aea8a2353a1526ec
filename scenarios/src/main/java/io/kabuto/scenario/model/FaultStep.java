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
 * @param wipe restart on an empty data directory (the node's storage deleted first)
 * @param factor load-burst: the brokers' rate multiplier
 * @param rate flood: requests per wall-clock second
 * @param until load-burst and flood: the simulated time the window ends; 0 = none
 */
public record FaultStep(int index, long at, FaultAction action, String node, List<List<String>> groups,
    String symbol, String storageFault, long millis, String reason, boolean wipe, double factor,
    double rate, long until, String settings) {

  /** A step without a restart's settings. */
  public FaultStep(int index, long at, FaultAction action, String node, List<List<String>> groups,
      String symbol, String storageFault, long millis, String reason, boolean wipe, double factor,
      double rate, long until) {
    this(index, at, action, node, groups, symbol, storageFault, millis, reason, wipe, factor, rate, until, null);
  }

  /** A step without the restart, load-burst and flood settings. */
  public FaultStep(int index, long at, FaultAction action, String node, List<List<String>> groups,
      String symbol, String storageFault, long millis, String reason) {
    this(index, at, action, node, groups, symbol, storageFault, millis, reason, false, 0, 0, 0, null);
  }

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
    if (wipe) {
      b.append(" on an empty data directory");
    }
    if (settings != null) {
      b.append(" with ").append(settings.replace("\n", "; "));
    }
    if (action == FaultAction.LOAD_BURST) {
      b.append(" x").append(factor % 1 == 0 ? Long.toString((long) factor) : Double.toString(factor));
    }
    if (action == FaultAction.FLOOD) {
      b.append(' ').append((long) rate).append("/s");
    }
    if (until > 0) {
      b.append(" until ").append(SimTime.format(until));
    }
    return b.toString();
  }
}
