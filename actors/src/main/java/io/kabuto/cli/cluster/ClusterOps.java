package io.kabuto.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.cli.cluster.ClusterState.NodeState;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Processes, pid files, logs and admin HTTP of the nodes of a local cluster. */
final class ClusterOps {
  final Path runDir;
  final PrintWriter out;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  ClusterOps(Path runDir, PrintWriter out) {
    this.runDir = runDir;
    this.out = out;
  }

  Path pidFile(String node) {
    return runDir.resolve(node + ".pid");
  }

  Path logFile(String node) {
    return runDir.resolve(node + ".log");
  }

  Path confFile(String node) {
    return runDir.resolve(node + ".conf");
  }

  /**
   * The node's config as {@code cluster up} wrote it, kept while a restart with extra settings
   * has changed {@link #confFile}; {@code up} deletes it, since it writes a new config.
   */
  Path ownConfFile(String node) {
    return runDir.resolve(node + ".own.conf");
  }

  Path dataDir(String node) {
    return runDir.resolve(node).resolve("data");
  }

  /** The pid in the node's pid file, or -1. */
  long pid(String node) {
    try {
      return Long.parseLong(Files.readString(pidFile(node)).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** The live process of a node (checked to be a Kabuto JVM, so a reused pid is not taken). */
  Optional<ProcessHandle> process(String node) {
    long pid = pid(node);
    if (pid <= 0) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> {
      Optional<String> cmd = h.info().commandLine();
      // right after the spawn the command line may still be jspawnhelper's
      return cmd.isEmpty() || cmd.get().contains("KabutoCli") || cmd.get().contains("java")
          || cmd.get().contains("jspawnhelper") || cmd.get().contains("netns");
    });
  }

  /** running, paused (SIGSTOP, state T in /proc), dead (pid file, no process), not started. */
  String processState(String node) {
    Optional<ProcessHandle> p = process(node);
    if (p.isEmpty()) {
      return Files.exists(pidFile(node)) ? "dead" : "not started";
    }
    return isStopped(javaPid(p.get())) ? "paused" : "running";
  }

  /** With --netns the pid is the `ip netns exec` one, which execs java: the same pid. */
  long javaPid(ProcessHandle h) {
    return h.pid();
  }

  static boolean isStopped(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      int close = stat.lastIndexOf(')');
      char state = stat.charAt(close + 2);
      return state == 'T' || state == 't';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Starts a node's JVM in the background; it outlives this CLI. Returns the pid. */
  long start(NodeState n) throws IOException {
    Files.createDirectories(dataDir(n.name()));
    ProcessBuilder pb = new ProcessBuilder(n.command());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(n.name()).toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Files.writeString(logFile(n.name()), "---- " + java.time.Instant.now() + " starting " + n.name()
        + ": " + String.join(" ", n.command()).replace(System.getProperty("java.class.path"), "<classpath>") + "\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    Process p = pb.start();
    Files.writeString(pidFile(n.name()), Long.toString(p.pid()) + "\n");
    return p.pid();
  }

  /** The child command line: same java, classpath and JVM flags as the ./kabuto launcher. */
  static List<String> javaCommand(String netns, List<String> nodeArgs) {
    List<String> cmd = new ArrayList<>();
    if (netns != null) {
      cmd.addAll(List.of("ip", "netns", "exec", netns));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String mod : List.of("java.base/sun.nio.ch", "java.base/java.lang",
        "java.base/java.lang.reflect", "java.base/java.nio")) {
      cmd.add("--add-opens");
      cmd.add(mod + "=ALL-UNNAMED");
    }
    // Several node JVMs share few cores (five on two here): no JVM may take a core for its
    // own housekeeping. The serial collector has no GC threads of its own and pauses a few ms
    // on a heap this size. The C1 compiler only: with C2, five JVMs were still compiling two
    // minutes into an order load (a quarter of both cores in C2 threads, measured with JFR),
    // and the same cluster answered 800 orders/s with p99 5.6 s, against 420 ms with C1 alone
    // and twice the rate sustained. On a host of its own a node wants C2: KABUTO_NODE_JAVA_OPTS
    // comes after these, so -XX:TieredStopAtLevel=4 there brings it back.
    cmd.addAll(List.of("-XX:+UseSerialGC", "-Xms256m", "-Xmx512m", "-XX:TieredStopAtLevel=1"));
    String extra = System.getenv("KABUTO_NODE_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.kabuto.cli.KabutoCli");
    cmd.addAll(nodeArgs);
    return cmd;
  }

  /** GET /health of a node, or empty if it does not answer in time. */
  Optional<JsonNode> health(NodeState n, Duration timeout) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(n.adminUrl() + "/health"))
          .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return Optional.empty();
      }
      return Optional.of(ClusterState.JSON.readTree(r.body()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** POST to a node's admin endpoint; returns "HTTP code: body", throws IOException if unreachable. */
  HttpResponse<String> post(NodeState n, String pathAndQuery) throws IOException {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(n.adminUrl() + pathAndQuery))
          .timeout(Duration.ofSeconds(3)).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The last lines of a node's log. */
  List<String> logTail(String node, int lines) {
    try {
      List<String> all = Files.readAllLines(logFile(node), StandardCharsets.UTF_8);
      return all.subList(Math.max(0, all.size() - lines), all.size());
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of("(no log at " + logFile(node) + ")");
    }
  }

  static boolean portFree(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  static String text(JsonNode j, String field) {
    JsonNode v = j == null ? null : j.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }
}
