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

/** {@code kabuto cluster status}: what each node sees (members, books, storage). */
final class StatusCommand {
  private StatusCommand() {}

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
}
