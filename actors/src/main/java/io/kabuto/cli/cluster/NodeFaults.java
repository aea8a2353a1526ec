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
import static io.kabuto.cli.cluster.ClusterCommand.*;

/**
 * The per-node faults and lifecycle of {@code kabuto cluster}: kill (with the watchdog's
 * fast-path down), stop, pause, resume, restart, and the process helpers they share.
 */
final class NodeFaults {
  private NodeFaults() {}

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
}
