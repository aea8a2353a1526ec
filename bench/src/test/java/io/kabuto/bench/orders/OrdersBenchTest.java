package io.kabuto.bench.orders;

import static io.kabuto.bench.ThreeNodeCluster.free;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.bench.ThreeNodeCluster;
import io.kabuto.cli.cluster.Topology;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
      "orders: sustained=(\\d+) p50@100=(\\d+\\.\\d{2}) p99@100=(\\d+\\.\\d{2}) errors=(\\d+)"
          + " downed=(\\d+) recovered=(\\d+\\.\\d|never)");

  @Test
  @Timeout(300)
  void lowRateOnThreeNodes(@TempDir Path tmp) throws Exception {
    ThreeNodeCluster three = ThreeNodeCluster.write(tmp, "bench-orders-three", 2, 10000, 20000, 30000);
    Path runDir = tmp.resolve("run");

    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = ThreeNodeCluster.shownAndKept(buf);
    OrdersBench.Result r = OrdersBench.run(new OrdersBench.Options(100, 100, 200,
        Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(20), 2, 2,
        Topology.load(three.topologyFile), runDir, false, false), out);
    out.println(r.lastLine());

    String last = ThreeNodeCluster.lastLine(buf);
    Matcher m = LAST.matcher(last);
    assertTrue(m.matches(), "last line: " + last);
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
    assertEquals("0", m.group(5), "no node downed at 100-400 orders/s: " + r.downed());
    assertEquals(2 * Math.max(100, sustained), r.overload().rate(),
        "the overload offers twice the last rate that held");
    assertFalse(r.overload().windows().isEmpty(), "recovery windows follow the overload");

    for (int p : three.ports) {
      assertTrue(free(p), "port " + p + " released: the cluster was torn down");
      assertTrue(free(p + 30000), "FIX port " + (p + 30000) + " released");
    }
    assertTrue(Files.exists(runDir.resolve("client-1.log")), "a given run dir is kept");
  }
}
