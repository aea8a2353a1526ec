package io.kabuto.cli.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A cluster topology ({@code kabuto.topology { name, nodes, seeds, node-config }}), as in
 * {@code cluster-config/topologies/*.conf}.
 */
public record Topology(String name, List<Node> nodes, List<String> seeds, String nodeConfig) {

  /** One node of a topology. The admin port is the Artery port + 10000. */
  public record Node(String name, String hostname, int port, List<String> roles) {
    public int adminPort() {
      return port + 10000;
    }

    public String address() {
      return "pekko://kabuto@" + hostname + ":" + port;
    }

    public String hostPort() {
      return hostname + ":" + port;
    }
  }

  public static final String DEFAULT_RESOURCE = "kabuto/topologies/five-nodes.conf";

  /** The default topology (five-nodes), from the classpath or the repo's cluster-config. */
  public static Topology defaultTopology(Path home) {
    try (InputStream in = Topology.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in != null) {
        return parse(ConfigFactory.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)),
            DEFAULT_RESOURCE);
      }
    } catch (java.io.IOException e) {
      // fall through to the file
    }
    return load(home.resolve("cluster-config/topologies/five-nodes.conf"));
  }

  public static Topology load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("topology file " + file + " does not exist");
    }
    Config c;
    try {
      c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("topology file " + file + " is not valid HOCON: " + e.getMessage());
    }
    return parse(c, file.toString());
  }

  public static Topology parse(Config root, String origin) {
    try {
      Config t = root.getConfig("kabuto.topology");
      String name = t.hasPath("name") ? t.getString("name") : "custom";
      List<Node> nodes = new ArrayList<>();
      Set<String> names = new HashSet<>();
      for (Config n : t.getConfigList("nodes")) {
        Node node = new Node(n.getString("name"),
            n.hasPath("hostname") ? n.getString("hostname") : "127.0.0.1",
            n.getInt("port"),
            n.hasPath("roles") ? n.getStringList("roles") : List.of("matching", "storage", "gateway"));
        if (!names.add(node.name())) {
          throw new IllegalArgumentException("topology " + origin + ": node name " + node.name() + " appears twice");
        }
        nodes.add(node);
      }
      if (nodes.isEmpty()) {
        throw new IllegalArgumentException("topology " + origin + " lists no nodes");
      }
      List<String> seeds = t.hasPath("seeds") ? t.getStringList("seeds") : List.of();
      if (seeds.isEmpty()) {
        seeds = List.of(nodes.get(0).hostPort());
      }
      String nodeConfig = t.hasPath("node-config")
          ? t.getConfig("node-config").root().render(ConfigRenderOptions.concise().setJson(false).setFormatted(true))
          : "";
      if (!t.hasPath("node-config.kabuto.storage.replicas")) {
        List<String> storage = nodes.stream().filter(x -> x.roles().contains("storage")).map(Node::name).toList();
        nodeConfig = nodeConfig + "\nkabuto.storage.replicas = [" + String.join(", ", storage) + "]\n";
      }
      return new Topology(name, List.copyOf(nodes), List.copyOf(seeds), nodeConfig);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("topology " + origin + ": " + e.getMessage()
          + " (expected kabuto.topology { name, nodes = [{name, hostname, port, roles}], seeds, node-config })");
    }
  }

  /**
   * A generated topology of {@code n} nodes (1..7) on 127.0.0.1 from {@code basePort}: storage on
   * the first min(3, n), matching on all but the first (all when n < 3), gateways on the first 2.
   */
  public static Topology generated(int n, int basePort) {
    if (n < 1 || n > 7) {
      throw new IllegalArgumentException("--nodes must be 1..7 (got " + n + ")");
    }
    List<Node> nodes = new ArrayList<>();
    List<String> storage = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      List<String> roles = new ArrayList<>();
      if (i <= Math.min(3, n)) {
        roles.add("storage");
        storage.add("node-" + i);
      }
      if (i > 1 || n < 3) {
        roles.add("matching");
      }
      if (i <= 2) {
        roles.add("gateway");
      }
      nodes.add(new Node("node-" + i, "127.0.0.1", basePort + i - 1, List.copyOf(roles)));
    }
    List<String> seeds = nodes.subList(0, Math.min(2, n)).stream().map(Node::hostPort).toList();
    return new Topology("generated-" + n, List.copyOf(nodes), seeds,
        "kabuto.storage.replicas = [" + String.join(", ", storage) + "]\n");
  }

  /** The --config file of one node: its name, then the shared node-config block. */
  public String nodeConfFor(Node node) {
    return "# generated by ./kabuto cluster up from topology " + name + "\n"
        + "kabuto.node.name = \"" + node.name() + "\"\n" + nodeConfig + "\n";
  }

  public Node node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
  }
}
