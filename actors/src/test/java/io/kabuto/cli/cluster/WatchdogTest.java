package io.kabuto.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The host watchdog downs a node whose process died without the CLI, well before the SBR would. */
class WatchdogTest extends ThreeNodeClusterTest {
  @Override
  String topologyName() {
    return "watchdog-three";
  }

  @Override
  String roles(int i) {
    return "[storage, matching]";
  }

  boolean gone(JsonNode health, int j) {
    for (JsonNode m : health.path("members")) {
      if (m.path("address").asText().equals(address(j))) {
        String s = m.path("status").asText();
        return s.equals("Down") || s.equals("Removed");
      }
    }
    return true;
  }

  @Test
  @Timeout(150)
  void aNodeThatDiesByItselfIsDownedAtOnce() throws Exception {
    Run up = cli("up", "--topology", topology.toString(), "--timeout", "90");
    assertEquals(0, up.rc(), up.out());
    assertTrue(up.out().contains("watchdog: pid"), up.out());
    JsonNode status = JSON.readTree(cli("status", "--json").out());
    assertTrue(status.path("watchdog").asBoolean(), status.toString());
    assertTrue(cli("status").out().contains("watchdog: running"));

    ClusterOps ops = new ClusterOps(runDir, new java.io.PrintWriter(System.out, true));
    ClusterState s = ClusterState.read(runDir);
    long pid = ops.pid("node-3");
    long t0 = System.nanoTime();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // not via `cluster kill`
    long downed = -1;
    long removed = -1;
    long deadline = t0 + Duration.ofSeconds(6).toNanos();
    while (System.nanoTime() < deadline && removed < 0) {
      long sent = System.nanoTime();
      boolean allGone = true;
      for (int i = 0; i < 2; i++) {
        JsonNode h = ops.health(s.nodes().get(i), Duration.ofSeconds(3)).orElse(null);
        allGone &= h != null && gone(h, 2);
      }
      if (allGone) {
        removed = Duration.ofNanos(sent - t0).toMillis();
      }
      if (downed < 0 && Files.readString(Watchdog.logFile(runDir)).contains("downed by")) {
        downed = Duration.ofNanos(System.nanoTime() - t0).toMillis();
      }
      ClusterOps.sleep(100);
    }
    String log = Files.readString(Watchdog.logFile(runDir));
    System.out.println("watchdog.log:\n" + log);
    System.out.println("destroyForcibly -> watchdog downed node-3: " + downed + " ms, Down/Removed in both "
        + "survivors' views: " + removed + " ms");
    assertTrue(log.contains("node-3 (pid " + pid + ") exited"), log);
    assertTrue(downed >= 0 && downed < 2000, "the watchdog downed node-3 after " + downed + " ms");
    if (removed < 0) {
      fail("node-3 still a member 6 s after its process died (the SBR's stable-after is 7 s)");
    }

    // once per death: a restart gets a new pid, which is watched again
    assertEquals(0, cli("restart", "node-3").rc());
    long newPid = ops.pid("node-3");
    ClusterOps.sleep(500);
    String after = Files.readString(Watchdog.logFile(runDir));
    assertTrue(after.contains("watching node-3 (pid " + newPid + ")"), after);
    assertEquals(1, after.split("exited: downing", -1).length - 1, after);

    long wd = Long.parseLong(Files.readString(Watchdog.pidFile(runDir)).trim());
    assertEquals(0, cli("down").rc());
    assertFalse(ProcessHandle.of(wd).map(ProcessHandle::isAlive).orElse(false), "watchdog stopped");
  }
}
