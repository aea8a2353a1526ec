package io.kabuto.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.cli.KabutoCli;
import io.kabuto.cli.KabutoSubcommand;
import io.kabuto.cli.cluster.ClusterState.NodeState;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import static io.kabuto.cli.cluster.NodeFaults.*;

/**
 * {@code kabuto cluster}: a local multi-node cluster of real JVM processes (one per node), with
 * fault injection: kill, stop, pause/resume, restart, partition/heal.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    versionProvider = KabutoCli.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Runs a local multi-node Kabuto cluster, one JVM per node, and injects faults.",
      "State (pids, logs, generated configs, data) lives under $KABUTO_HOME/run/cluster.",
      ""
    },
    subcommands = {
      ClusterCommand.Up.class, StatusCommand.Status.class, NodeFaults.Kill.class,
      NodeFaults.Stop.class, NodeFaults.Pause.class, NodeFaults.Resume.class,
      NodeFaults.Restart.class, PartitionCommands.Partition.class, PartitionCommands.Heal.class,
      ClusterCommand.Down.class, Watchdog.Cmd.class
    },
    footer = {
      "",
      "Example:",
      "  kabuto cluster up                 # five nodes (cluster-config/topologies/five-nodes.conf)",
      "  kabuto cluster status",
      "  kabuto cluster kill node-3        # SIGKILL, then down it at once (watchdog fast path)",
      "  kabuto cluster restart node-3",
      "  kabuto cluster partition node-1,node-2 / node-3,node-4,node-5",
      "  kabuto cluster heal",
      "  kabuto cluster down"
    })
public final class ClusterCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--run-dir", paramLabel = "DIR",
      description = "Where pids, logs, configs and data go (default: $KABUTO_HOME/run/cluster).")
  Path runDir;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing cluster command (up, status, kill, stop, "
        + "pause, resume, restart, partition, heal, down)");
  }

  static Path home() {
    String h = System.getenv("KABUTO_HOME");
    return Path.of(h != null && !h.isBlank() ? h : ".").toAbsolutePath().normalize();
  }

  Path runDir() {
    return (runDir != null ? runDir : home().resolve("run/cluster")).toAbsolutePath().normalize();
  }

  PrintWriter out() {
    return new PrintWriter(System.out, true);
  }

  ClusterOps ops() {
    return new ClusterOps(runDir(), out());
  }

  /** The saved cluster, or a failure telling the user to start one. */
  ClusterState requireState() {
    ClusterState s = ClusterState.read(runDir());
    if (s == null) {
      throw new NoCluster("no cluster in " + runDir() + "; start one with ./kabuto cluster up");
    }
    return s;
  }

  NodeState requireNode(ClusterState s, String name) {
    NodeState n = s.node(name);
    if (n == null) {
      throw new IllegalArgumentException("unknown node '" + name + "'; the nodes are: "
          + String.join(", ", s.names()));
    }
    return n;
  }

  static final class NoCluster extends RuntimeException {
    NoCluster(String m) {
      super(m);
    }
  }

  /** Runs a subcommand body; a missing cluster is a run-time failure (exit 1) with advice. */
  int guard(Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (NoCluster e) {
      System.err.println("kabuto cluster: " + e.getMessage());
      return KabutoCli.EXIT_FAILURE;
    }
  }

  // ---------------------------------------------------------------------------------- up

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = "Starts the nodes in the background and waits until all are Up.")
  static final class Up implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Option(names = "--nodes", paramLabel = "N",
        description = "Number of nodes (1..7) of a generated topology (default: the five-nodes topology).")
    Integer nodes;

    @Option(names = "--topology", paramLabel = "FILE", description = "A HOCON topology file (kabuto.topology { ... }).")
    Path topology;

    @Option(names = "--netns", description = "Each node in its own network namespace (root only); "
        + "partitions then cut the network with iptables.")
    boolean netns;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long to wait for all nodes to be Up (default: 120).")
    int timeout = 120;

    @Override
    public Integer call() throws Exception {
      return parent.guard(this::up);
    }

    private int up() throws Exception {
      PrintWriter out = parent.out();
      ClusterOps ops = parent.ops();
      ClusterState old = ClusterState.read(ops.runDir);
      if (old != null) {
        List<String> alive = old.names().stream().filter(n -> ops.process(n).isPresent()).toList();
        if (!alive.isEmpty()) {
          out.println("the cluster is already running (" + alive.size() + " of " + old.nodes().size()
              + " nodes alive: " + String.join(", ", alive) + ").");
          out.println("See ./kabuto cluster status; to start afresh run ./kabuto cluster down first.");
          return KabutoCli.EXIT_OK;
        }
      }
      Topology t = topology != null ? Topology.load(topology)
          : nodes != null ? Topology.generated(nodes, 25521) : Topology.defaultTopology(home());

      return startCluster(ops, out, t, netns, timeout);
    }
  }

  /**
   * Starts the nodes of a topology in the background (plus the host watchdog), waits until all
   * are Up and prints the table. Exit code: 0 when all are Up.
   */
  static int startCluster(ClusterOps ops, PrintWriter out, Topology t, boolean netns, int timeout)
      throws IOException {
    Netns net = null;
    if (netns) {
      net = new Netns(out);
      String why = net.setup(t);
      if (why != null) {
        out.println("--netns: " + why + "; falling back to blackhole partitions (Pekko test mode)");
        net = null;
      } else {
        t = net.rehost(t);
      }
    }
    if (net == null) {
      for (Topology.Node n : t.nodes()) {
        for (int p : new int[] {n.port(), n.adminPort()}) {
          if (!ClusterOps.portFree(n.hostname(), p)) {
            out.println("port " + n.hostname() + ":" + p + " of " + n.name() + " is in use.");
            out.println("Stop whatever uses it (another cluster: ./kabuto cluster down, or ./kabuto node), "
                + "or pick other ports with --topology FILE.");
            return KabutoCli.EXIT_FAILURE;
          }
        }
      }
    }

    Files.createDirectories(ops.runDir);
    List<NodeState> states = new ArrayList<>();
    for (Topology.Node n : t.nodes()) {
      Files.writeString(ops.confFile(n.name()), t.nodeConfFor(n));
      Files.deleteIfExists(ops.ownConfFile(n.name()));
      List<String> args = new ArrayList<>(List.of("node",
          "--roles", String.join(",", n.roles()),
          "--port", Integer.toString(n.port()),
          "--hostname", n.hostname(),
          "--seeds", String.join(",", t.seeds()),
          "--data-dir", ops.dataDir(n.name()).toString(),
          "--config", ops.confFile(n.name()).toString()));
      String ns = net == null ? null : Netns.nsName(n.name());
      states.add(new NodeState(n.name(), n.hostname(), n.port(), n.roles(), ns,
          ClusterOps.javaCommand(ns, args)));
    }
    ClusterState state = new ClusterState(t.name(), net != null, states);
    state.write(ops.runDir);

    out.println("starting " + states.size() + " nodes of topology " + t.name() + " in " + ops.runDir
        + (net != null ? " (network namespaces kabuto-<node>)" : ""));
    for (NodeState n : states) {
      long pid = ops.start(n);
      out.println("  " + n.name() + ": pid " + pid + ", log " + ops.logFile(n.name()));
    }
    long wd = Watchdog.start(ops);
    out.println("  watchdog: pid " + wd + ", log " + Watchdog.logFile(ops.runDir)
        + " (downs a node at once when its process exits)");
    List<String> failed = waitUp(ops, out, states, timeout, true);
    printTable(ops, out, states);
    if (!failed.isEmpty()) {
      reportFailed(ops, out, failed);
      return KabutoCli.EXIT_FAILURE;
    }
    out.println("cluster up: " + states.size() + " nodes. Next: ./kabuto cluster status, "
        + "./kabuto cluster kill <node>, ./kabuto cluster down");
    return KabutoCli.EXIT_OK;
  }

  static void reportFailed(ClusterOps ops, PrintWriter out, List<String> failed) {
    for (String f : failed) {
      out.println();
      out.println(f + " did not come up (" + ops.processState(f) + "); last lines of " + ops.logFile(f) + ":");
      for (String l : ops.logTail(f, 25)) {
        out.println("  | " + l);
      }
    }
    out.println();
    out.println("Fix the cause shown in the log, then ./kabuto cluster restart " + failed.get(0)
        + " (or ./kabuto cluster down and up again).");
  }

  /** Waits until each node answers /health with status Up; returns the nodes that did not. */
  static List<String> waitUp(ClusterOps ops, PrintWriter out, List<NodeState> nodes, int timeoutSeconds) {
    return waitUp(ops, out, nodes, timeoutSeconds, false);
  }

  /**
   * {@code converged}: a node also counts only once every member it sees is Up (a whole
   * cluster's start; a restarted node may still see a dead one being removed).
   */
  static List<String> waitUp(ClusterOps ops, PrintWriter out, List<NodeState> nodes,
      int timeoutSeconds, boolean converged) {
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(timeoutSeconds).toNanos();
    Set<String> up = new LinkedHashSet<>();
    Set<String> dead = new LinkedHashSet<>();
    String last = "";
    long lastPrint = 0;
    while (up.size() + dead.size() < nodes.size() && System.nanoTime() < deadline) {
      for (NodeState n : nodes) {
        if (up.contains(n.name()) || dead.contains(n.name())) {
          continue;
        }
        if (ops.process(n.name()).isEmpty()) {
          dead.add(n.name());
          out.println("  " + n.name() + " exited while starting");
          continue;
        }
        Optional<JsonNode> h = ops.health(n, Duration.ofSeconds(5));
        if (h.isPresent() && "Up".equals(ClusterOps.text(h.get(), "status"))
            && (!converged || seesAllUp(h.get(), nodes.size() - dead.size()))) {
          up.add(n.name());
        }
      }
      long secs = Duration.ofNanos(System.nanoTime() - start).toSeconds();
      String line = "  waiting for nodes to be Up: " + up.size() + "/" + nodes.size()
          + (up.isEmpty() ? "" : " (" + String.join(", ", up) + ")");
      if (!line.equals(last) || secs - lastPrint >= 5) {
        out.println(line + " " + secs + "s");
        last = line;
        lastPrint = secs;
      }
      if (up.size() + dead.size() < nodes.size()) {
        ClusterOps.sleep(500);
      }
    }
    List<String> failed = new ArrayList<>();
    for (NodeState n : nodes) {
      if (!up.contains(n.name())) {
        failed.add(n.name());
      }
    }
    return failed;
  }

  /**
   * A node is Up for `cluster up` once it also sees the others Up: its own status turns Up a
   * gossip round or two before every other node has heard, and a user (or script) reading
   * "cluster up" next asks any node about all of them.
   */
  private static boolean seesAllUp(JsonNode health, int expected) {
    int upMembers = 0;
    for (JsonNode m : health.path("members")) {
      if (!"Up".equals(m.path("status").asText())) {
        return false;
      }
      upMembers++;
    }
    return upMembers >= expected;
  }

  static void printTable(ClusterOps ops, PrintWriter out, List<NodeState> nodes) {
    String fmt = "%-8s %-26s %-30s %-8s %s%n";
    out.printf(fmt, "NODE", "ROLES", "ADDRESS", "PID", "STATE");
    for (NodeState n : nodes) {
      String ps = ops.processState(n.name());
      String state = ps;
      if (ps.equals("running")) {
        state = ops.health(n, Duration.ofSeconds(5)).map(h -> ClusterOps.text(h, "status"))
            .orElse("running (no /health answer)");
      }
      long pid = ops.pid(n.name());
      out.printf(fmt, n.name(), String.join(",", n.roles()), n.address(),
          pid > 0 ? Long.toString(pid) : "-", state);
    }
  }

  // ------------------------------------------------------------------------------ status

  @Command(name = "down", mixinStandardHelpOptions = true,
      description = "Stops every node: graceful leave in parallel, then SIGKILL what is left.")
  static final class Down implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Wait this long for graceful exits (default: 20).")
    int timeout = 20;

    @Override
    public Integer call() throws Exception {
      return parent.guard(() -> stopCluster(parent.ops(), parent.out(), parent.requireState(), timeout));
    }
  }

  /** Stops the watchdog, then every node: graceful leave in parallel, SIGKILL what is left. */
  static int stopCluster(ClusterOps ops, PrintWriter out, ClusterState s, int timeout) throws IOException {
    Watchdog.stop(ops, out);
    Map<NodeState, ProcessHandle> alive = new LinkedHashMap<>();
    for (NodeState n : s.nodes()) {
      ops.process(n.name()).ifPresent(p -> alive.put(n, p));
    }
    out.println("stopping " + alive.size() + " running nodes (graceful leave, " + timeout + " s timeout)");
    List<CompletableFuture<Void>> leaves = new ArrayList<>();
    for (Map.Entry<NodeState, ProcessHandle> e : alive.entrySet()) {
      if (ClusterOps.isStopped(e.getValue().pid())) {
        signal(e.getValue().pid(), "CONT");
      }
      leaves.add(CompletableFuture.runAsync(() -> {
        try {
          ops.post(e.getKey(), "/admin/leave");
        } catch (IOException ex) {
          e.getValue().destroy(); // SIGTERM: leaves too, by coordinated shutdown
        }
      }));
    }
    leaves.forEach(CompletableFuture::join);
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(timeout).toNanos();
    long lastPrint = -1;
    while (System.nanoTime() < deadline && alive.values().stream().anyMatch(ProcessHandle::isAlive)) {
      long secs = Duration.ofNanos(System.nanoTime() - start).toSeconds();
      if (secs - lastPrint >= 2) {
        List<String> left = alive.entrySet().stream().filter(e -> e.getValue().isAlive())
            .map(e -> e.getKey().name()).toList();
        out.println("  waiting for " + String.join(", ", left) + " to exit... " + secs + "s");
        lastPrint = secs;
      }
      ClusterOps.sleep(200);
    }
    int killed = 0;
    for (Map.Entry<NodeState, ProcessHandle> e : alive.entrySet()) {
      if (e.getValue().isAlive()) {
        out.println("  " + e.getKey().name() + " did not exit in time: SIGKILL");
        killAndConfirm(e.getValue());
        killed++;
      }
    }
    for (NodeState n : s.nodes()) {
      Files.deleteIfExists(ops.pidFile(n.name()));
    }
    if (s.netns()) {
      new Netns(out).teardown(s);
    }
    Files.deleteIfExists(ClusterState.file(ops.runDir));
    out.println("cluster down: " + (alive.size() - killed) + " nodes left gracefully"
        + (killed > 0 ? ", " + killed + " killed" : "") + ". Logs and data stay in " + ops.runDir);
    return KabutoCli.EXIT_OK;
  }

  /** Registers {@code cluster} as a subcommand of {@code kabuto}. */
  public static final class Provider implements KabutoSubcommand {
    @Override
    public String name() {
      return "cluster";
    }

    @Override
    public Object command() {
      return new ClusterCommand();
    }
  }
}
