package io.kabuto.bench.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.cli.cluster.Topology;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny run of the orders benchmark on a 3-node cluster of real processes (two of them
 * gateways), two load-client processes with two FIX sessions each, at 100 and 200 orders/s:
 * every order is answered, none is an error, the last line has the benchmark's format, and the
 * cluster and clients are gone afterwards. Latency targets are the benchmark's business, not
 * this test's.
 */
class OrdersBenchTest {

  private static final Pattern LAST = Pattern.compile(
      "orders: sustained=(\\d+) p50@100=(\\d+\\.\\d{2}) p99@100=(\\d+\\.\\d{2}) errors=(\\d+)");

  @Test
  @Timeout(300)
  void lowRateOnThreeNodes(@TempDir Path tmp) throws Exception {
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < 3) {
      int p = ThreadLocalRandom.current().nextInt(20000, 29000);
      if (!ports.contains(p) && free(p) && free(p + 10000) && free(p + 20000) && free(p + 30000)) {
        ports.add(p);
      }
    }
    StringBuilder t = new StringBuilder("kabuto.topology {\n  name = bench-orders-three\n  nodes = [\n");
    for (int i = 0; i < 3; i++) {
      t.append("    { name = node-").append(i + 1).append(", port = ").append(ports.get(i))
          .append(", roles = [storage, matching").append(i < 2 ? ", gateway" : "").append("] }\n");
    }
    t.append("  ]\n  seeds = [\"127.0.0.1:").append(ports.get(0)).append("\", \"127.0.0.1:")
        .append(ports.get(1)).append("\"]\n}\n");
    Path file = tmp.resolve("three.conf");
    Files.writeString(file, t.toString());
    Path runDir = tmp.resolve("run");

    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new Tee(buf, System.out), true, StandardCharsets.UTF_8);
    OrdersBench.Result r = OrdersBench.run(new OrdersBench.Options(100, 100, 200,
        Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(20), 2, 2,
        Topology.load(file), runDir, false, false), out);
    out.println(r.lastLine());

    String[] lines = buf.toString(StandardCharsets.UTF_8).strip().split("\\R");
    Matcher m = LAST.matcher(lines[lines.length - 1]);
    assertTrue(m.matches(), "last line: " + lines[lines.length - 1]);
    assertEquals("0", m.group(4), "errors at the first step");

    StepStats first = r.first().stats();
    assertEquals(400, first.offered, "100/s for 4 s");
    assertEquals(first.offered, first.sent, "the clients sent every scheduled message");
    assertEquals(first.sent, first.answered, "every message was answered");
    assertEquals(first.answered, first.latency.getTotalCount());
    assertTrue(first.newOrders > first.cancels && first.cancels > 0,
        "mostly new orders, some cancels: " + first.newOrders + " / " + first.cancels);
    assertTrue(Double.parseDouble(m.group(2)) > 0 && Double.parseDouble(m.group(3)) >= Double.parseDouble(m.group(2)));
    int sustained = Integer.parseInt(m.group(1));
    assertTrue(sustained == 0 || sustained == 100 || sustained == 200, "sustained is a step: " + sustained);
    assertFalse(r.steps().isEmpty());

    for (int p : ports) {
      assertTrue(free(p), "port " + p + " released: the cluster was torn down");
      assertTrue(free(p + 30000), "FIX port " + (p + 30000) + " released");
    }
    assertTrue(Files.exists(runDir.resolve("client-1.log")), "a given run dir is kept");
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

  static final class Tee extends java.io.OutputStream {
    final java.io.OutputStream a;
    final java.io.OutputStream b;

    Tee(java.io.OutputStream a, java.io.OutputStream b) {
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
