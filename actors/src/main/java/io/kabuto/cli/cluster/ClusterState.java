package io.kabuto.cli.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code cluster up} started, saved as {@code run/cluster/cluster.json} so that the other
 * subcommands (and {@code restart}) know the nodes and how to start them again.
 */
public record ClusterState(String topology, boolean netns, List<NodeState> nodes) {

  /** One node: where it is, and the exact command line that starts it. */
  public record NodeState(String name, String hostname, int port, List<String> roles,
      String netns, List<String> command) {

    public int adminPort() {
      return port + 10000;
    }

    public String address() {
      return "pekko://kabuto@" + hostname + ":" + port;
    }

    public String hostPort() {
      return hostname + ":" + port;
    }

    public String adminUrl() {
      return "http://" + hostname + ":" + adminPort();
    }
  }

  static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static Path file(Path runDir) {
    return runDir.resolve("cluster.json");
  }

  static ClusterState read(Path runDir) {
    Path f = file(runDir);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    try {
      return JSON.readValue(f.toFile(), ClusterState.class);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + f + " (" + e.getMessage()
          + "); stop leftover nodes by their pid files and delete " + f, e);
    }
  }

  void write(Path runDir) throws IOException {
    Files.createDirectories(runDir);
    JSON.writeValue(file(runDir).toFile(), this);
  }

  NodeState node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
  }

  List<String> names() {
    return nodes.stream().map(NodeState::name).toList();
  }
}
