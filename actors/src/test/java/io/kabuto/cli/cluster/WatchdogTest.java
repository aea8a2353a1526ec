package io.kabuto.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kabuto.cli.KabutoCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The host watchdog downs a node whose process died without the CLI, well before the SBR would. */
class WatchdogTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path runDir;
  Path topology;
  int[] ports = new int[3];

  @BeforeEach
  void setUp() throws IOException {
    runDir = tmp.resolve("run");
    List<Integer> chosen = new ArrayList<>();
    while (chosen.size() < 3) {
      int p = ThreadLocalRandom.current().nextInt(20000, 29000);
      if (!chosen.contains(p) && ClusterOps.portFree("127.0.0.1", p) && ClusterOps.portFree("127.0.0.1", p + 10000)) {
        chosen.add(p);
      }
    }
    StringBuilder t = new StringBuilder("kabuto.topology {\n  name = watchdog-three\n  nodes = [\n");
    for (int i = 0; i < 3; i++) {
      ports[i] = chosen.get(i);
      t.append("    { name = node-").append(i + 1).append(", port = ").append(ports[i])
          .append(", roles = [storage, matching] }\n");
    }
    t.append("  ]\n  seeds = [\"127.0.0.1:").append(ports[0]).append("\", \"127.0.0.1:").append(ports[1])
        .append("\"]\n}\n");
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
          ProcessHandle.of(Long.parseLong(Files.readString(f).trim())).ifPresent(ProcessHandle::destroyForcibly);
        } catch (NumberFormatException e) {
          // ignore
        }
      }
    }
  }

  record Run(int rc, String out) {}

  Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of("cluster", "--run-dir", runDir.toString()));
    all.addAll(List.of(args));
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(new ClusterCommandTest.Tee(buf, old), true, StandardCharsets.UTF_8));
    try {
      return new Run(KabutoCli.execute(all.toArray(String[]::new)), buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  String address(int i) {
    return "pekko://kabuto@127.0.0.1:" + ports[i];
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
