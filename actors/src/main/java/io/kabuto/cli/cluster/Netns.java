package io.kabuto.cli.cluster;

import io.kabuto.cli.cluster.ClusterState.NodeState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --netns}: one network namespace per node ({@code kabuto-<node>}), each with a veth
 * to the bridge {@code kabuto-br0} in the root namespace and the address 10.77.0.i/24.
 * Partitions are real: blackhole routes inside the namespaces between the groups.
 */
final class Netns {
  static final String BRIDGE = "kabuto-br0";
  private final PrintWriter out;

  Netns(PrintWriter out) {
    this.out = out;
  }

  static String nsName(String node) {
    return "kabuto-" + node;
  }

  static String ip(int index) {
    return "10.77.0." + (index + 1);
  }

  /** Creates the namespaces and the bridge; null if done, else why not. */
  String setup(Topology t) {
    if (!"0".equals(capture("id", "-u").trim())) {
      return "needs root (id -u is not 0)";
    }
    if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
        && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
      return "the ip command (iproute2) is missing: apt-get install -y iproute2";
    }
    if (t.nodes().size() > 250) {
      return "too many nodes";
    }
    teardownNames(t.nodes().stream().map(Topology.Node::name).toList());
    out.println("--netns: creating bridge " + BRIDGE + " and " + t.nodes().size() + " namespaces");
    String err = run("ip", "link", "add", BRIDGE, "type", "bridge");
    if (err == null) {
      err = run("ip", "addr", "add", "10.77.0.254/24", "dev", BRIDGE);
    }
    if (err == null) {
      err = run("ip", "link", "set", BRIDGE, "up");
    }
    for (int i = 0; err == null && i < t.nodes().size(); i++) {
      String ns = nsName(t.nodes().get(i).name());
      String host = "kbh" + (i + 1);
      String peer = "kbn" + (i + 1);
      for (String[] c : new String[][] {
          {"ip", "netns", "add", ns},
          {"ip", "link", "add", host, "type", "veth", "peer", "name", peer},
          {"ip", "link", "set", host, "master", BRIDGE},
          {"ip", "link", "set", host, "up"},
          {"ip", "link", "set", peer, "netns", ns},
          {"ip", "-n", ns, "addr", "add", ip(i) + "/24", "dev", peer},
          {"ip", "-n", ns, "link", "set", peer, "up"},
          {"ip", "-n", ns, "link", "set", "lo", "up"}}) {
        err = run(c);
        if (err != null) {
          break;
        }
      }
    }
    if (err != null) {
      teardownNames(t.nodes().stream().map(Topology.Node::name).toList());
      return err;
    }
    return null;
  }

  /** The topology with each node on its namespace's address. */
  Topology rehost(Topology t) {
    List<Topology.Node> nodes = new ArrayList<>();
    List<String> seeds = new ArrayList<>();
    for (int i = 0; i < t.nodes().size(); i++) {
      Topology.Node n = t.nodes().get(i);
      nodes.add(new Topology.Node(n.name(), ip(i), n.port(), n.roles()));
    }
    for (String s : t.seeds()) {
      String mapped = s;
      for (int i = 0; i < t.nodes().size(); i++) {
        if (t.nodes().get(i).hostPort().equals(s)) {
          mapped = nodes.get(i).hostPort();
        }
      }
      seeds.add(mapped);
    }
    return new Topology(t.name(), nodes, seeds, t.nodeConfig());
  }

  boolean partition(ClusterState s, List<List<NodeState>> groups) {
    out.println("partitioning the network: blackhole routes inside the namespaces (a real cut)");
    boolean ok = true;
    for (int i = 0; i < groups.size(); i++) {
      for (int j = 0; j < groups.size(); j++) {
        if (i == j) {
          continue;
        }
        for (NodeState x : groups.get(i)) {
          for (NodeState y : groups.get(j)) {
            String err = run("ip", "-n", x.netns(), "route", "replace", "blackhole", y.hostname() + "/32");
            if (err != null) {
              ok = false;
              out.println("  " + x.name() + " -x- " + y.name() + ": " + err);
            }
          }
        }
      }
    }
    out.println(ok ? "partitioned; undo with ./kabuto cluster heal" : "partition incomplete (see above)");
    return ok;
  }

  boolean heal(ClusterState s) {
    boolean ok = true;
    for (NodeState n : s.nodes()) {
      for (String line : capture("ip", "-n", n.netns(), "route", "show", "type", "blackhole").split("\n")) {
        String[] w = line.trim().split("\\s+");
        String dst = w.length >= 2 && w[0].equals("blackhole") ? w[1] : w.length >= 1 ? w[0] : "";
        if (dst.isBlank() || dst.equals("blackhole")) {
          continue;
        }
        String err = run("ip", "-n", n.netns(), "route", "del", "blackhole", dst);
        if (err != null) {
          ok = false;
          out.println("  " + n.name() + ": " + err);
        }
      }
    }
    out.println(ok ? "healed: blackhole routes removed in every namespace" : "heal incomplete (see above)");
    return ok;
  }

  void teardown(ClusterState s) {
    teardownNames(s.names());
    out.println("removed namespaces kabuto-<node> and bridge " + BRIDGE);
  }

  private void teardownNames(List<String> names) {
    for (String n : names) {
      run("ip", "netns", "del", nsName(n));
    }
    for (int i = 1; i <= names.size(); i++) {
      run("ip", "link", "del", "kbh" + i);
    }
    run("ip", "link", "del", BRIDGE);
  }

  /** Runs a command; null if it exited 0, else its output. */
  static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor() == 0 ? null : String.join(" ", cmd) + ": " + o.trim();
    } catch (IOException e) {
      return String.join(" ", cmd) + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  static String capture(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return o;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
