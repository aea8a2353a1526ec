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
      ClusterCommand.Up.class, ClusterCommand.Status.class, ClusterCommand.Kill.class,
      ClusterCommand.Stop.class, ClusterCommand.Pause.class, ClusterCommand.Resume.class,
      ClusterCommand.Restart.class, ClusterCommand.Partition.class, ClusterCommand.Heal.class,
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
    List<String> failed = waitUp(ops, out, states, timeout);
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
        if (h.isPresent() && "Up".equals(ClusterOps.text(h.get(), "status"))) {
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

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Members, reachability, books and storage health as each node sees them.")
  static final class Status implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Option(names = "--json", description = "One JSON document, for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      return parent.guard(this::status);
    }

    private int status() throws Exception {
      ClusterState s = parent.requireState();
      ClusterOps ops = parent.ops();
      PrintWriter out = parent.out();
      Map<String, String> procs = new LinkedHashMap<>();
      Map<String, CompletableFuture<Optional<JsonNode>>> healths = new LinkedHashMap<>();
      for (NodeState n : s.nodes()) {
        String ps = ops.processState(n.name());
        procs.put(n.name(), ps);
        healths.put(n.name(), ps.equals("running")
            ? CompletableFuture.supplyAsync(() -> ops.health(n, Duration.ofSeconds(6)))
            : CompletableFuture.completedFuture(Optional.empty()));
      }
      if (json) {
        ObjectNode root = ClusterState.JSON.createObjectNode();
        root.put("topology", s.topology());
        root.put("runDir", ops.runDir.toString());
        root.put("netns", s.netns());
        root.put("watchdog", Watchdog.process(ops.runDir).isPresent());
        ArrayNode arr = root.putArray("nodes");
        for (NodeState n : s.nodes()) {
          ObjectNode o = arr.addObject();
          o.put("name", n.name());
          o.putPOJO("roles", n.roles());
          o.put("address", n.address());
          o.put("admin", n.adminUrl());
          long pid = ops.pid(n.name());
          if (pid > 0) {
            o.put("pid", pid);
          } else {
            o.putNull("pid");
          }
          o.put("process", procs.get(n.name()));
          Optional<JsonNode> h = healths.get(n.name()).join();
          o.put("state", state(procs.get(n.name()), h));
          o.set("health", h.orElse(null));
        }
        out.println(ClusterState.JSON.writeValueAsString(root));
        return KabutoCli.EXIT_OK;
      }

      out.println("cluster " + s.topology() + " (" + ops.runDir + ")" + (s.netns() ? ", network namespaces" : ""));
      out.println("watchdog: " + Watchdog.describe(ops.runDir));
      String fmt = "%-8s %-24s %-28s %-8s %-12s %-6s %-18s %s%n";
      out.printf(fmt, "NODE", "ROLES", "ADDRESS", "PID", "STATE", "READY", "SEES", "BOOKS");
      JsonNode view = null;
      String viewer = null;
      for (NodeState n : s.nodes()) {
        Optional<JsonNode> h = healths.get(n.name()).join();
        String sees = "-";
        String ready = "-";
        String books = "-";
        if (h.isPresent()) {
          JsonNode j = h.get();
          if (view == null) {
            view = j;
            viewer = n.name();
          }
          int members = 0;
          int unreachable = 0;
          for (JsonNode m : j.path("members")) {
            members++;
            if (!m.path("reachable").asBoolean(true)) {
              unreachable++;
            }
          }
          sees = members + " members" + (unreachable > 0 ? ", " + unreachable + " unreach." : "");
          ready = j.path("ready").asBoolean() ? "yes" : "no";
          JsonNode b = j.get("books");
          books = b == null ? "-" : b.isArray() ? (b.size() == 0 ? "none" : join(b)) : b.asText();
        }
        long pid = ops.pid(n.name());
        out.printf(fmt, n.name(), String.join(",", n.roles()), n.hostPort(),
            pid > 0 ? Long.toString(pid) : "-", state(procs.get(n.name()), h), ready, sees, books);
      }
      if (view == null) {
        out.println();
        out.println("no node answers /health; start the cluster with ./kabuto cluster up "
            + "(or ./kabuto cluster restart <node>), logs in " + ops.runDir);
        return KabutoCli.EXIT_FAILURE;
      }
      out.println();
      out.println("membership as " + viewer + " sees it (leader " + ClusterOps.text(view, "leader") + "):");
      for (JsonNode m : view.path("members")) {
        out.printf("  %-32s %-8s %-11s %s%n", m.path("address").asText(), m.path("status").asText(),
            m.path("reachable").asBoolean(true) ? "reachable" : "UNREACHABLE", join(m.path("roles")));
      }
      for (NodeState n : s.nodes()) {
        Optional<JsonNode> h = healths.get(n.name()).join();
        if (h.isEmpty() || n.name().equals(viewer)) {
          continue;
        }
        List<String> unr = new ArrayList<>();
        for (JsonNode m : h.get().path("members")) {
          if (!m.path("reachable").asBoolean(true)) {
            unr.add(m.path("address").asText());
          }
        }
        if (!unr.isEmpty()) {
          out.println("  " + n.name() + " sees unreachable: " + String.join(", ", unr));
        }
      }
      for (NodeState n : s.nodes()) {
        Optional<JsonNode> h = healths.get(n.name()).join();
        if (h.isPresent() && h.get().has("storage")) {
          JsonNode st = h.get().get("storage");
          out.println();
          out.println("storage as " + n.name() + " sees it: replicas " + join(st.path("replicas"))
              + ", quorum " + st.path("quorum").asText()
              + (st.path("underReplicated").asBoolean() ? ", UNDER-REPLICATED" : ""));
          var it = st.path("seen").fields();
          while (it.hasNext()) {
            var e = it.next();
            JsonNode r = e.getValue();
            out.printf("  %-10s upToDate=%-5s voter=%-5s active=%-5s fault=%s store=%s%n", e.getKey(),
                r.path("upToDate").asText(), r.path("voter").asText(), r.path("active").asText(),
                r.path("fault").asText(), r.path("store").asText());
          }
          out.println("  " + st.path("summary").asText());
          break;
        }
      }
      return KabutoCli.EXIT_OK;
    }

    static String state(String process, Optional<JsonNode> h) {
      if (!process.equals("running")) {
        return process;
      }
      return h.map(j -> ClusterOps.text(j, "status")).orElse("no-answer");
    }

    static String join(JsonNode arr) {
      List<String> l = new ArrayList<>();
      arr.forEach(x -> l.add(x.asText()));
      return String.join(",", l);
    }
  }

  // -------------------------------------------------------------------------- kill etc.

  abstract static class OneNode implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Parameters(index = "0", paramLabel = "NODE", description = "Node name, e.g. node-3.")
    String node;

    ClusterState state;
    NodeState n;
    ClusterOps ops;
    PrintWriter out;

    @Override
    public Integer call() throws Exception {
      return parent.guard(() -> {
        state = parent.requireState();
        n = parent.requireNode(state, node);
        ops = parent.ops();
        out = parent.out();
        return run();
      });
    }

    abstract int run() throws Exception;

    /** The live process, or empty after printing what to do. */
    Optional<ProcessHandle> requireAlive() {
      Optional<ProcessHandle> p = ops.process(n.name());
      if (p.isEmpty()) {
        out.println(n.name() + " is not running (" + ops.processState(n.name()) + "); start it with "
            + "./kabuto cluster restart " + n.name() + " (or the whole cluster with ./kabuto cluster up)");
      }
      return p;
    }
  }

  /** SIGKILLs a process and waits until it is gone; true if confirmed gone. */
  static boolean killAndConfirm(ProcessHandle p) {
    p.destroyForcibly();
    // onExit() of a non-child polls slowly (up to seconds); poll /proc ourselves
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (p.isAlive() && System.nanoTime() < deadline) {
      ClusterOps.sleep(10);
    }
    return !p.isAlive();
  }

  /**
   * Watchdog fast path: the process is confirmed dead, so tell a live node to down it now
   * rather than wait for the split brain resolver. Returns the node that did it, or null.
   */
  static NodeState downDead(ClusterOps ops, PrintWriter out, ClusterState s, NodeState dead) {
    for (NodeState other : s.nodes()) {
      if (other == dead || !ops.processState(other.name()).equals("running")) {
        continue;
      }
      try {
        HttpResponse<String> r = ops.post(other, "/admin/down?address=" + dead.address());
        if (r.statusCode() == 200) {
          out.println("watchdog: " + dead.name() + "'s process is confirmed gone, so " + other.name()
              + " downed " + dead.address() + " at once (fast path: no wait for the split brain "
              + "resolver's stable-after)");
          return other;
        }
      } catch (IOException e) {
        // try the next one
      }
    }
    out.println("watchdog: no live node answered POST /admin/down; the split brain resolver will "
        + "down " + dead.name() + " after its stable-after (7 s)");
    return null;
  }

  /** Waits (up to max) until a member is gone (Removed/Down/absent) in a node's view; ms or -1. */
  static long waitRemoved(ClusterOps ops, NodeState viewer, NodeState gone, long startNanos, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      long sent = System.nanoTime();
      Optional<JsonNode> h = ops.health(viewer, Duration.ofSeconds(6));
      if (h.isPresent()) {
        boolean present = false;
        for (JsonNode m : h.get().path("members")) {
          if (m.path("address").asText().equals(gone.address())
              && !m.path("status").asText().equals("Down") && !m.path("status").asText().equals("Removed")) {
            present = true;
          }
        }
        if (!present) {
          return Duration.ofNanos(sent - startNanos).toMillis();
        }
      }
      ClusterOps.sleep(100);
    }
    return -1;
  }

  @Command(name = "kill", mixinStandardHelpOptions = true,
      description = "SIGKILLs a node, then has a live node down it at once (watchdog fast path).")
  static final class Kill extends OneNode {
    @Override
    int run() {
      Optional<ProcessHandle> p = requireAlive();
      if (p.isEmpty()) {
        return KabutoCli.EXIT_FAILURE;
      }
      long t0 = System.nanoTime();
      out.println("killing " + n.name() + " (pid " + p.get().pid() + ", SIGKILL)");
      if (!killAndConfirm(p.get())) {
        out.println(n.name() + " (pid " + p.get().pid() + ") is still alive 10 s after SIGKILL; "
            + "check it with ps, it is not downed");
        return KabutoCli.EXIT_FAILURE;
      }
      out.println(n.name() + " is dead (process gone after "
          + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms)");
      NodeState by = downDead(ops, out, state, n);
      if (by != null) {
        long ms = waitRemoved(ops, by, n, t0, Duration.ofSeconds(15));
        if (ms >= 0) {
          out.println(n.name() + " is out of " + by.name() + "'s membership " + ms + " ms after the kill");
        } else {
          out.println(n.name() + " is still a member in " + by.name() + "'s view after 15 s; "
              + "see ./kabuto cluster status");
        }
      }
      out.println("Bring it back with ./kabuto cluster restart " + n.name());
      return KabutoCli.EXIT_OK;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stops a node gracefully (leave the cluster, then exit; SIGTERM as a fallback).")
  static final class Stop extends OneNode {
    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Wait this long for a graceful exit (default: 20).")
    int timeout = 20;

    @Override
    int run() {
      Optional<ProcessHandle> p = requireAlive();
      if (p.isEmpty()) {
        return KabutoCli.EXIT_FAILURE;
      }
      boolean ok = stopGracefully(ops, out, n, p.get(), timeout);
      return ok ? KabutoCli.EXIT_OK : KabutoCli.EXIT_FAILURE;
    }
  }

  static boolean stopGracefully(ClusterOps ops, PrintWriter out, NodeState n, ProcessHandle p, int timeout) {
    if (ClusterOps.isStopped(p.pid())) {
      signal(p.pid(), "CONT");
    }
    try {
      ops.post(n, "/admin/leave");
      out.println(n.name() + ": asked to leave the cluster (POST /admin/leave)");
    } catch (IOException e) {
      out.println(n.name() + ": /admin/leave did not answer (" + e.getMessage() + "); sending SIGTERM");
      p.destroy();
    }
    if (waitExit(out, n.name(), p, timeout)) {
      return true;
    }
    out.println(n.name() + " did not exit within " + timeout + " s; sending SIGTERM");
    p.destroy();
    if (waitExit(out, n.name(), p, 10)) {
      return true;
    }
    out.println(n.name() + " ignored SIGTERM; SIGKILL");
    return killAndConfirm(p);
  }

  static boolean waitExit(PrintWriter out, String name, ProcessHandle p, int seconds) {
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(seconds).toNanos();
    long lastPrint = 0;
    while (p.isAlive() && System.nanoTime() < deadline) {
      ClusterOps.sleep(200);
      long s = Duration.ofNanos(System.nanoTime() - start).toSeconds();
      if (s - lastPrint >= 3) {
        out.println("  waiting for " + name + " to exit... " + s + "s");
        lastPrint = s;
      }
    }
    if (!p.isAlive()) {
      out.println(name + " exited");
    }
    return !p.isAlive();
  }

  static boolean signal(long pid, String sig) {
    try {
      return new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Freezes a node (SIGSTOP): it stops answering, like a long GC pause or a hung VM.")
  static final class Pause extends OneNode {
    @Override
    int run() {
      Optional<ProcessHandle> p = requireAlive();
      if (p.isEmpty()) {
        return KabutoCli.EXIT_FAILURE;
      }
      if (!signal(p.get().pid(), "STOP")) {
        out.println("kill -STOP " + p.get().pid() + " failed");
        return KabutoCli.EXIT_FAILURE;
      }
      out.println(n.name() + " paused (SIGSTOP pid " + p.get().pid() + "). The others will see it "
          + "unreachable in a few seconds; the split brain resolver downs it after its stable-after "
          + "(7 s) unless you ./kabuto cluster resume " + n.name() + " first.");
      return KabutoCli.EXIT_OK;
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resumes a paused node (SIGCONT).")
  static final class Resume extends OneNode {
    @Override
    int run() {
      Optional<ProcessHandle> p = requireAlive();
      if (p.isEmpty()) {
        return KabutoCli.EXIT_FAILURE;
      }
      if (!signal(p.get().pid(), "CONT")) {
        out.println("kill -CONT " + p.get().pid() + " failed");
        return KabutoCli.EXIT_FAILURE;
      }
      out.println(n.name() + " resumed (SIGCONT pid " + p.get().pid() + "); if it was downed meanwhile it "
          + "shuts itself down: then ./kabuto cluster restart " + n.name());
      return KabutoCli.EXIT_OK;
    }
  }

  @Command(name = "restart", mixinStandardHelpOptions = true,
      description = "Kills a node if it is alive, starts it again with the same settings and data, waits until Up.")
  static final class Restart extends OneNode {
    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long to wait for Up (default: 90).")
    int timeout = 90;

    @Override
    int run() throws Exception {
      Optional<ProcessHandle> p = ops.process(n.name());
      if (p.isPresent()) {
        out.println("killing " + n.name() + " (pid " + p.get().pid() + ") first");
        if (!killAndConfirm(p.get())) {
          out.println(n.name() + " is still alive after SIGKILL; not restarting");
          return KabutoCli.EXIT_FAILURE;
        }
        downDead(ops, out, state, n);
      }
      long pid = ops.start(n);
      out.println("started " + n.name() + " (pid " + pid + ", same data dir " + ops.dataDir(n.name()) + ")");
      List<String> failed = waitUp(ops, out, List.of(n), timeout);
      printTable(ops, out, state.nodes());
      if (!failed.isEmpty()) {
        reportFailed(ops, out, failed);
        return KabutoCli.EXIT_FAILURE;
      }
      return KabutoCli.EXIT_OK;
    }
  }

  // ------------------------------------------------------------------- partition / heal

  @Command(name = "partition", mixinStandardHelpOptions = true,
      description = {"Splits the cluster into groups that cannot talk to each other.",
          "Groups are comma-separated node lists divided by '/', e.g. node-1,node-2 / node-3,node-4,node-5"})
  static final class Partition implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Parameters(arity = "1..*", paramLabel = "GROUPS")
    List<String> words;

    @Override
    public Integer call() throws Exception {
      return parent.guard(this::partition);
    }

    private int partition() {
      ClusterState s = parent.requireState();
      ClusterOps ops = parent.ops();
      PrintWriter out = parent.out();
      List<List<NodeState>> groups = new ArrayList<>();
      Set<String> seen = new LinkedHashSet<>();
      for (String g : String.join(" ", words).split("/")) {
        List<NodeState> group = new ArrayList<>();
        for (String name : g.split("[,\\s]+")) {
          if (name.isBlank()) {
            continue;
          }
          NodeState n = parent.requireNode(s, name.trim());
          if (!seen.add(n.name())) {
            throw new IllegalArgumentException(n.name() + " is in more than one group");
          }
          group.add(n);
        }
        if (!group.isEmpty()) {
          groups.add(group);
        }
      }
      if (groups.size() < 2) {
        throw new IllegalArgumentException("give at least two groups separated by '/', e.g. "
            + "node-1,node-2 / node-3 (nodes: " + String.join(", ", s.names()) + ")");
      }
      if (s.netns()) {
        return new Netns(out).partition(s, groups) ? KabutoCli.EXIT_OK : KabutoCli.EXIT_FAILURE;
      }
      out.println("partitioning with Pekko's Artery test-mode blackhole (each node drops messages "
          + "to and from the other side inside the JVM; not a network cut)");
      int failures = 0;
      for (int i = 0; i < groups.size(); i++) {
        for (int j = 0; j < groups.size(); j++) {
          if (i == j) {
            continue;
          }
          for (NodeState x : groups.get(i)) {
            if (!ops.processState(x.name()).equals("running")) {
              continue;
            }
            for (NodeState y : groups.get(j)) {
              try {
                HttpResponse<String> r = ops.post(x, "/admin/blackhole?peer=" + y.hostPort());
                if (r.statusCode() != 200) {
                  failures++;
                  out.println("  " + x.name() + " -x- " + y.name() + ": HTTP " + r.statusCode() + " " + r.body().trim());
                }
              } catch (IOException e) {
                failures++;
                out.println("  " + x.name() + " did not answer (" + e.getMessage() + ")");
              }
            }
          }
        }
      }
      List<String> desc = groups.stream().map(g -> String.join(",", g.stream().map(NodeState::name).toList())).toList();
      out.println("partitioned: " + String.join("  |  ", desc)
          + (failures > 0 ? " (" + failures + " blackhole requests failed, see above)" : ""));
      out.println("The sides see each other unreachable in a few seconds; after the split brain "
          + "resolver's stable-after (7 s) the minority side is downed. Undo with ./kabuto cluster heal");
      return failures == 0 ? KabutoCli.EXIT_OK : KabutoCli.EXIT_FAILURE;
    }
  }

  @Command(name = "heal", mixinStandardHelpOptions = true, description = "Removes all partitions.")
  static final class Heal implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Override
    public Integer call() throws Exception {
      return parent.guard(() -> {
        ClusterState s = parent.requireState();
        ClusterOps ops = parent.ops();
        PrintWriter out = parent.out();
        if (s.netns()) {
          return new Netns(out).heal(s) ? KabutoCli.EXIT_OK : KabutoCli.EXIT_FAILURE;
        }
        int failures = 0;
        for (NodeState n : s.nodes()) {
          if (!ops.processState(n.name()).equals("running")) {
            out.println("  " + n.name() + ": " + ops.processState(n.name()) + ", skipped");
            continue;
          }
          try {
            HttpResponse<String> r = ops.post(n, "/admin/heal");
            out.println("  " + n.name() + ": " + (r.statusCode() == 200 ? "healed" : "HTTP " + r.statusCode() + " " + r.body().trim()));
            failures += r.statusCode() == 200 ? 0 : 1;
          } catch (IOException e) {
            failures++;
            out.println("  " + n.name() + " did not answer (" + e.getMessage() + ")");
          }
        }
        out.println(failures == 0 ? "healed: blackholes removed on every running node; members become reachable "
            + "again within a few seconds (a node downed meanwhile needs ./kabuto cluster restart NODE)"
            : "heal failed on " + failures + " nodes (see above)");
        return failures == 0 ? KabutoCli.EXIT_OK : KabutoCli.EXIT_FAILURE;
      });
    }
  }

  // ------------------------------------------------------------------------------- down

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
