package io.kabuto.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.cli.KabutoCli;
import io.kabuto.cli.cluster.ClusterState.NodeState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code ./kabuto cluster} machinery as a Java API (for benchmarks and scenarios): the same
 * process management, pid files, logs, watchdog and fast-path down as the CLI, in a run dir of
 * the caller's choosing.
 */
public final class LocalCluster {
  private final ClusterOps ops;
  private final PrintWriter out;
  private volatile ClusterState state;

  private LocalCluster(ClusterOps ops, PrintWriter out, ClusterState state) {
    this.ops = ops;
    this.out = out;
    this.state = state;
  }

  /** What went wrong, with what to do, for the caller to print. */
  public static final class ClusterFailure extends RuntimeException {
    public ClusterFailure(String message) {
      super(message);
    }
  }

  /**
   * Starts a topology's nodes (and the host watchdog) under {@code runDir}, as {@code ./kabuto
   * cluster up --run-dir DIR} does, and waits until all are Up.
   *
   * @throws ClusterFailure if a port is taken or a node does not come up (the cluster is torn down)
   */
  public static LocalCluster up(Path runDir, Topology topology, PrintWriter out, Duration timeout)
      throws IOException {
    ClusterOps ops = new ClusterOps(runDir.toAbsolutePath().normalize(), out);
    ClusterState old = ClusterState.read(ops.runDir);
    if (old != null && old.names().stream().anyMatch(n -> ops.process(n).isPresent())) {
      throw new ClusterFailure("a cluster is already running in " + ops.runDir
          + "; stop it with ./kabuto cluster --run-dir " + ops.runDir + " down");
    }
    int rc = ClusterCommand.startCluster(ops, out, topology, false, (int) Math.max(1, timeout.toSeconds()));
    ClusterState s = ClusterState.read(ops.runDir);
    LocalCluster c = new LocalCluster(ops, out, s);
    if (rc != KabutoCli.EXIT_OK) {
      if (s != null) {
        c.down(Duration.ofSeconds(5));
      }
      throw new ClusterFailure("the cluster did not come up (node logs in " + ops.runDir
          + "; see the lines above)");
    }
    return c;
  }

  /**
   * The cluster that {@code ./kabuto cluster up} (or {@link #up}) started in {@code runDir}, for
   * a caller that drives a running cluster instead of starting one.
   *
   * @throws ClusterFailure if there is none, or none of its nodes is alive
   */
  public static LocalCluster attach(Path runDir, PrintWriter out) {
    ClusterOps ops = new ClusterOps(runDir.toAbsolutePath().normalize(), out);
    ClusterState s = ClusterState.read(ops.runDir);
    if (s == null) {
      throw new ClusterFailure("no cluster in " + ops.runDir + "; start one with ./kabuto cluster up"
          + " (or run without --attach to start one)");
    }
    if (s.names().stream().noneMatch(n -> ops.process(n).isPresent())) {
      throw new ClusterFailure("none of the nodes in " + ops.runDir + " is running; start them with "
          + "./kabuto cluster up");
    }
    return new LocalCluster(ops, out, s);
  }

  public Path runDir() {
    return ops.runDir;
  }

  public List<NodeState> nodes() {
    return state.nodes();
  }

  public NodeState node(String name) {
    return state.node(name);
  }

  /** The --config file the CLI generated for a node. */
  public Path confFile(String node) {
    return ops.confFile(node);
  }

  public Path logFile(String node) {
    return ops.logFile(node);
  }

  /** running, paused, dead, not started. */
  public String processState(String node) {
    return ops.processState(node);
  }

  /** GET /health of a node, or empty if it does not answer within the timeout. */
  public Optional<JsonNode> health(String node, Duration timeout) {
    return ops.health(state.node(node), timeout);
  }

  /** What {@link #kill} did; times are System.nanoTime(). */
  public record Kill(String node, long pid, long killNanos, long deadNanos, long downPostedNanos,
      String downedBy) {}

  /**
   * {@code ./kabuto cluster kill NODE}: SIGKILL, wait until the process is gone, then have a live
   * node down it at once (the watchdog's fast path). Does not wait for the removal.
   */
  public Kill kill(String node) {
    NodeState n = state.node(node);
    ProcessHandle p = ops.process(node).orElseThrow(() ->
        new ClusterFailure(node + " is not running (" + ops.processState(node) + ")"));
    long t0 = System.nanoTime();
    if (!NodeFaults.killAndConfirm(p)) {
      throw new ClusterFailure(node + " (pid " + p.pid() + ") is still alive 10 s after SIGKILL");
    }
    long dead = System.nanoTime();
    NodeState by = NodeFaults.downDead(ops, out, state, n);
    return new Kill(node, p.pid(), t0, dead, System.nanoTime(), by == null ? null : by.name());
  }

  /** {@code ./kabuto cluster restart NODE} for a dead node: start it again, wait until Up. */
  public void restart(String node, Duration timeout) throws IOException {
    restart(node, timeout, null);
  }

  /**
   * A restart with {@code settings} (HOCON) added after the node's own config, as a service
   * restarted with a wrong setting is; {@code null} restarts it with its own config again (the
   * settings of an earlier such restart are dropped).
   */
  public void restart(String node, Duration timeout, String settings) throws IOException {
    NodeState n = state.node(node);
    Path conf = ops.confFile(node);
    Path own = ops.ownConfFile(node);
    if (!java.nio.file.Files.exists(own)) {
      java.nio.file.Files.copy(conf, own);
    }
    String config = java.nio.file.Files.readString(own);
    if (settings != null && !settings.isBlank()) {
      config += "\n# restarted with these settings (scenario fault step)\n" + settings + "\n";
      out.println("  " + node + " restarts with: " + settings.strip().replace('\n', ' '));
    }
    java.nio.file.Files.writeString(conf, config);
    ops.process(node).ifPresent(p -> {
      NodeFaults.killAndConfirm(p);
      NodeFaults.downDead(ops, out, state, n);
    });
    long pid = ops.start(n);
    out.println("  started " + node + " again (pid " + pid + ")");
    List<String> failed = ClusterCommand.waitUp(ops, out, List.of(n), (int) Math.max(1, timeout.toSeconds()));
    if (!failed.isEmpty()) {
      ClusterCommand.reportFailed(ops, out, failed);
      throw new ClusterFailure(node + " did not come back Up within " + timeout.toSeconds() + " s");
    }
  }

  /** {@code ./kabuto cluster stop NODE}: graceful leave, SIGTERM then SIGKILL as fallbacks. */
  public void stop(String node, Duration timeout) {
    ProcessHandle p = ops.process(node).orElseThrow(() ->
        new ClusterFailure(node + " is not running (" + ops.processState(node) + ")"));
    if (!NodeFaults.stopGracefully(ops, out, requireNode(node), p, (int) Math.max(1, timeout.toSeconds()))) {
      throw new ClusterFailure(node + " (pid " + p.pid() + ") did not exit");
    }
  }

  /** The node's data directory (its storage under {@code storage/}). */
  public Path dataDir(String node) {
    return ops.dataDir(node);
  }

  /** {@code ./kabuto cluster pause NODE}: SIGSTOP, a hung JVM. */
  public void pause(String node) {
    signal(node, "STOP");
  }

  /** {@code ./kabuto cluster resume NODE}: SIGCONT. */
  public void resume(String node) {
    signal(node, "CONT");
  }

  private void signal(String node, String sig) {
    ProcessHandle p = ops.process(node).orElseThrow(() ->
        new ClusterFailure(node + " is not running (" + ops.processState(node) + ")"));
    if (!NodeFaults.signal(p.pid(), sig)) {
      throw new ClusterFailure("kill -" + sig + " " + p.pid() + " (" + node + ") failed");
    }
  }

  /** {@code ./kabuto cluster partition A,B / C,D}: groups of node names. */
  public void partition(List<List<String>> groups) {
    List<List<NodeState>> g = groups.stream().map(names -> names.stream().map(this::requireNode).toList()).toList();
    if (!PartitionCommands.blackhole(ops, out, state, g)) {
      throw new ClusterFailure("the partition was not applied on every node (see the lines above)");
    }
  }

  /** {@code ./kabuto cluster heal}. */
  public void heal() {
    if (!PartitionCommands.healAll(ops, out, state)) {
      throw new ClusterFailure("heal failed on some nodes (see the lines above)");
    }
  }

  /** POST to a node's admin HTTP ({@code /admin/storage/fault?...}, {@code /market/halt}...). */
  public java.net.http.HttpResponse<String> adminPost(String node, String pathAndQuery) throws IOException {
    return ops.post(requireNode(node), pathAndQuery);
  }

  private NodeState requireNode(String name) {
    NodeState n = state.node(name);
    if (n == null) {
      throw new ClusterFailure("unknown node '" + name + "'; the nodes are: " + String.join(", ", state.names()));
    }
    return n;
  }

  /** Whether the host watchdog runs. */
  public boolean watchdogRunning() {
    return Watchdog.process(ops.runDir).isPresent();
  }

  /** {@code ./kabuto cluster down}: watchdog, then graceful leave, SIGKILL after the timeout. */
  public void down(Duration timeout) {
    try {
      ClusterCommand.stopCluster(ops, out, state, (int) Math.max(1, timeout.toSeconds()));
    } catch (IOException e) {
      out.println("cluster down: " + e.getMessage());
    }
  }

  /** Last-resort teardown (a JVM shutdown hook): SIGKILL the watchdog and every node now. */
  public void killAll() {
    Watchdog.process(ops.runDir).ifPresent(ProcessHandle::destroyForcibly);
    for (NodeState n : state.nodes()) {
      ops.process(n.name()).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
