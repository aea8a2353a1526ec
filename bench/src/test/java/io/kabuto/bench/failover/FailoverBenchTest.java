package io.kabuto.bench.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.bench.ThreeNodeCluster;
import io.kabuto.cli.cluster.Topology;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
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
    ThreeNodeCluster three = ThreeNodeCluster.write(tmp, "bench-three", 1, 10000);

    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = ThreeNodeCluster.shownAndKept(buf);
    FailoverBench.Result r = FailoverBench.run(new FailoverBench.Options(1, FailoverBench.DEFAULT_SYMBOL,
        Topology.load(three.topologyFile), tmp.resolve("run"), false), out);
    out.println(r.lastLine());
    String last = ThreeNodeCluster.lastLine(buf);
    Matcher m = LAST.matcher(last);
    assertTrue(m.matches(), "last line: " + last);
    assertEquals("1", m.group(3));
    assertEquals("0", m.group(4), "lost acks");
    assertTrue(Double.parseDouble(m.group(1)) > 0, "a recovery time was measured");
    assertTrue(r.acked() > 0);
    for (int p : three.ports) {
      assertTrue(ThreeNodeCluster.free(p), "port " + p + " released: the cluster was torn down");
    }
  }
}
