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

/** {@code kabuto cluster partition} and {@code heal}: cut and restore traffic between groups. */
final class PartitionCommands {
  private PartitionCommands() {}

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
      return blackhole(ops, out, s, groups) ? KabutoCli.EXIT_OK : KabutoCli.EXIT_FAILURE;
    }
  }

  /**
   * Cuts traffic between the groups (netns routes, or each node's Artery blackhole through its
   * admin endpoint); true if every node took it. Shared by the CLI and {@link LocalCluster}.
   */
  static boolean blackhole(ClusterOps ops, PrintWriter out, ClusterState s, List<List<NodeState>> groups) {
    if (s.netns()) {
      return new Netns(out).partition(s, groups);
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
    return failures == 0;
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
        return healAll(ops, out, s) ? KabutoCli.EXIT_OK : KabutoCli.EXIT_FAILURE;
      });
    }
  }

  /** Removes every partition on every running node; true if all of them answered. */
  static boolean healAll(ClusterOps ops, PrintWriter out, ClusterState s) {
    if (s.netns()) {
      return new Netns(out).heal(s);
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
        if (exitsSoon(ops, n)) {
          // downed while cut off: its JVM was shutting down, so there is nothing left to heal
          out.println("  " + n.name() + ": exited (downed while partitioned), skipped");
          continue;
        }
        failures++;
        out.println("  " + n.name() + " did not answer (" + e.getMessage() + ")");
      }
    }
    out.println(failures == 0 ? "healed: blackholes removed on every running node; members become reachable "
        + "again within a few seconds (a node downed meanwhile needs ./kabuto cluster restart NODE)"
        : "heal failed on " + failures + " nodes (see above)");
    return failures == 0;
  }

  /** Whether the node's process is gone within 10 s (a downed node exits). */
  private static boolean exitsSoon(ClusterOps ops, NodeState n) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      String state = ops.processState(n.name());
      if (!state.equals("running") && !state.equals("paused")) {
        return true;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------------------- down
}
