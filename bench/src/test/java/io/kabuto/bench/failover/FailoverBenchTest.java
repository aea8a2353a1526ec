package io.kabuto.bench.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.cli.cluster.Topology;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One kill/recover cycle on a 3-node cluster of real processes: the last line and no lost acks. */
class FailoverBenchTest {

  private static final Pattern LAST = Pattern.compile(
      "failover: median=(\\d+\\.\\d{2}) max=(\\d+\\.\\d{2}) runs=(\\d+) lost-acks=(\\d+)");

  @Test
  @Timeout(240)
  void oneRunOnThreeNodes(@TempDir Path tmp) throws Exception {
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < 3) {
      int p = ThreadLocalRandom.current().nextInt(20000, 29000);
      if (!ports.contains(p) && free(p) && free(p + 10000)) {
        ports.add(p);
      }
    }
    // every node stores and matches, so the book has somewhere to go and the journal keeps a majority
    StringBuilder t = new StringBuilder("kabuto.topology {\n  name = bench-three\n  nodes = [\n");
    for (int i = 0; i < 3; i++) {
      t.append("    { name = node-").append(i + 1).append(", port = ").append(ports.get(i))
          .append(", roles = [storage, matching").append(i == 0 ? ", gateway" : "").append("] }\n");
    }
    t.append("  ]\n  seeds = [\"127.0.0.1:").append(ports.get(0)).append("\", \"127.0.0.1:")
        .append(ports.get(1)).append("\"]\n}\n");
    Path file = tmp.resolve("three.conf");
    Files.writeString(file, t.toString());

    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new TeeStream(buf, System.out), true, StandardCharsets.UTF_8);
    FailoverBench.Result r = FailoverBench.run(new FailoverBench.Options(1, FailoverBench.DEFAULT_SYMBOL,
        Topology.load(file), tmp.resolve("run"), false), out);
    out.println(r.lastLine());
    String[] lines = buf.toString(StandardCharsets.UTF_8).strip().split("\\R");
    Matcher m = LAST.matcher(lines[lines.length - 1]);
    assertTrue(m.matches(), "last line: " + lines[lines.length - 1]);
    assertEquals("1", m.group(3));
    assertEquals("0", m.group(4), "lost acks");
    assertTrue(Double.parseDouble(m.group(1)) > 0, "a recovery time was measured");
    assertTrue(r.acked() > 0);
    for (int p : ports) {
      assertTrue(free(p), "port " + p + " released: the cluster was torn down");
    }
  }

  static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  static final class TeeStream extends java.io.OutputStream {
    final java.io.OutputStream a;
    final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws java.io.IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public void write(byte[] bs, int off, int len) throws java.io.IOException {
      a.write(bs, off, len);
      b.write(bs, off, len);
    }
  }
}
