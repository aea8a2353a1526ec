package io.kabuto.cli.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kabuto.cli.KabutoCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the real-process tests of {@code kabuto cluster} share: a three-node topology on free
 * ports in a temp run dir, the CLI run in-process with its output captured, and the processes
 * killed afterwards even when a test fails.
 */
abstract class ThreeNodeClusterTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path runDir;
  Path topology;
  int[] ports = new int[3];

  /** The topology's name, the roles of node i, and extra topology lines (may be empty). */
  abstract String topologyName();

  abstract String roles(int i);

  String topologyExtra() {
    return "";
  }

  @BeforeEach
  void setUp() throws IOException {
    runDir = tmp.resolve("run");
    List<Integer> chosen = new ArrayList<>();
    while (chosen.size() < 3) {
      int p = ThreadLocalRandom.current().nextInt(20000, 29000);
      if (!chosen.contains(p) && ClusterOps.portFree("127.0.0.1", p)
          && ClusterOps.portFree("127.0.0.1", p + 10000)) {
        chosen.add(p);
      }
    }
    StringBuilder t = new StringBuilder("kabuto.topology {\n  name = " + topologyName()
        + "\n  nodes = [\n");
    for (int i = 0; i < 3; i++) {
      ports[i] = chosen.get(i);
      t.append("    { name = node-").append(i + 1).append(", hostname = \"127.0.0.1\", port = ")
          .append(ports[i]).append(", roles = ").append(roles(i)).append(" }\n");
    }
    t.append("  ]\n  seeds = [\"127.0.0.1:").append(ports[0]).append("\", \"127.0.0.1:")
        .append(ports[1]).append("\"]\n").append(topologyExtra()).append("}\n");
    topology = tmp.resolve("three.conf");
    Files.writeString(topology, t.toString());
  }

  @AfterEach
  void killLeftovers() throws IOException {
    if (!Files.isDirectory(runDir)) {
      return;
    }
    try (Stream<Path> files = Files.list(runDir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
        try {
          long pid = Long.parseLong(Files.readString(f).trim());
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        } catch (NumberFormatException e) {
          // a half-written pid file: nothing to kill
        }
      }
    }
  }

  record Run(int rc, String out) {}

  /** {@code kabuto cluster --run-dir RUN args...}, in this JVM; output is captured and shown. */
  Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of("cluster", "--run-dir", runDir.toString()));
    all.addAll(List.of(args));
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(new Tee(buf, old), true, StandardCharsets.UTF_8));
    try {
      int rc = KabutoCli.execute(all.toArray(String[]::new));
      return new Run(rc, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  String address(int i) {
    return "pekko://kabuto@127.0.0.1:" + ports[i];
  }

  static final class Tee extends OutputStream {
    final OutputStream a;
    final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public void write(byte[] bs, int off, int len) throws IOException {
      a.write(bs, off, len);
      b.write(bs, off, len);
    }
  }
}
