package io.kabuto.scenario.model;

/** The faults and operator actions a scenario's timeline can apply, in the file's words. */
public enum FaultAction {
  KILL("kill", true),
  PAUSE("pause", true),
  RESUME("resume", true),
  RESTART("restart", true),
  /** Graceful: the node leaves the cluster and exits (SIGTERM as a fallback), as for maintenance. */
  STOP("stop", true),
  PARTITION("partition", false),
  HEAL("heal", false),
  HALT("halt", false),
  RESUME_MARKET("resume-market", false),
  STORAGE_FAULT("storage-fault", true),
  /** Every broker sends {@code factor} times its rate until {@code until}. */
  LOAD_BURST("load-burst", false),
  /** One extra participant floods a gateway node at {@code rate} requests/s until {@code until}. */
  FLOOD("flood", true);

  public final String word;
  /** Whether the step names one node ({@code node = ...}). */
  public final boolean needsNode;

  FaultAction(String word, boolean needsNode) {
    this.word = word;
    this.needsNode = needsNode;
  }
}
