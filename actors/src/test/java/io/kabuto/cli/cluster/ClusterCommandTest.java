package io.kabuto.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real processes: a 3-node cluster started, faulted and stopped through the CLI. */
class ClusterCommandTest extends ThreeNodeClusterTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  @Override
  String topologyName() {
    return "test-three";
  }

  @Override
  String roles(int i) {
    return new String[] {"[storage, gateway]", "[storage, matching]", "[storage, matching, gateway]"}[i];
  }

  @Override
  String topologyExtra() {
    return "  node-config { kabuto.storage.replicas = [node-1, node-2, node-3] }\n";
  }

  Optional<JsonNode> health(int i) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + (ports[i] + 10000) + "/health")).timeout(Duration.ofSeconds(6)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The member entry for an address in node i's view, or null if absent. */
  JsonNode member(JsonNode health, int j) {
    for (JsonNode m : health.path("members")) {
      if (m.path("address").asText().equals(address(j))) {
        return m;
      }
    }
    return null;
  }

  /**
   * Polls node i's /health until the predicate holds; returns System.nanoTime() when the request
   * that saw it was sent (/health can take 2 s when a shard region does not answer); fails after max.
   */
  long await(int i, Duration max, String what, Predicate<JsonNode> p) {
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      long sent = System.nanoTime();
      Optional<JsonNode> h = health(i);
      if (h.isPresent()) {
        last = h.get();
        if (p.test(last)) {
          return sent;
        }
      }
      ClusterOps.sleep(100);
    }
    fail("node-" + (i + 1) + ": " + what + " not seen within " + max + "; last /health: " + last);
    return -1;
  }

  boolean reachable(JsonNode h, int j) {
    JsonNode m = member(h, j);
    return m != null && m.path("reachable").asBoolean() && m.path("status").asText().equals("Up");
  }

  boolean unreachable(JsonNode h, int j) {
    JsonNode m = member(h, j);
    return m != null && !m.path("reachable").asBoolean();
  }

  /**
   * How long the nodes' failure detector (cluster-config/base.conf) takes at most to call a
   * silent node unreachable: its acceptable pause plus two heartbeats, and 2 s for the
   * /health polls. A partition or a pause must be seen within that, and healed before the
   * resolver's stable-after counted from there.
   */
  private static final Duration DETECTION = detection();

  private static Duration detection() {
    com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.parseResources(
        "kabuto/base.conf");
    Duration pause = c.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause");
    Duration heartbeat = c.getDuration("pekko.cluster.failure-detector.heartbeat-interval");
    return pause.plus(heartbeat.multipliedBy(2)).plusSeconds(2);
  }

  @Test
  @Timeout(180)
  void upStatusKillRestartPartitionPauseDown() throws Exception {
    Run up = cli("up", "--topology", topology.toString(), "--timeout", "90");
    assertEquals(0, up.rc(), up.out());
    assertTrue(up.out().contains("NODE") && up.out().contains("STATE"), up.out());
    assertEquals(3, up.out().lines().filter(l -> l.startsWith("node-") && l.trim().endsWith("Up")).count(), up.out());

    Run again = cli("up", "--topology", topology.toString());
    assertEquals(0, again.rc());
    assertTrue(again.out().contains("already running"), again.out());

    Run status = cli("status", "--json");
    assertEquals(0, status.rc(), status.out());
    JsonNode doc = JSON.readTree(status.out());
    assertEquals(3, doc.path("nodes").size());
    for (JsonNode n : doc.path("nodes")) {
      assertEquals("Up", n.path("state").asText(), n.toString());
      JsonNode members = n.path("health").path("members");
      assertEquals(3, members.size(), n.toString());
      for (JsonNode m : members) {
        assertTrue(m.path("reachable").asBoolean(), m.toString());
        assertEquals("Up", m.path("status").asText(), m.toString());
      }
    }

    Run unknown = cli("kill", "node-9");
    assertEquals(2, unknown.rc());

    // kill a storage node: the watchdog downs it at once, well under the SBR's 7 s stable-after
    long t0 = System.nanoTime();
    Run kill = cli("kill", "node-3");
    assertEquals(0, kill.rc(), kill.out());
    assertTrue(kill.out().contains("watchdog") && kill.out().contains("downed"), kill.out());
    long seen = t0;
    for (int i = 0; i < 2; i++) {
      seen = Math.max(seen, await(i, Duration.ofSeconds(10), "node-3 removed", h -> {
        JsonNode m = member(h, 2);
        return m == null || m.path("status").asText().equals("Down") || m.path("status").asText().equals("Removed");
      }));
    }
    long removedMs = Duration.ofNanos(seen - t0).toMillis();
    System.out.println("kill -> node-3 out of both survivors' membership: " + removedMs + " ms");
    assertTrue(removedMs < 4000, "removal took " + removedMs + " ms, the fast path should beat the 7 s stable-after");
    Run deadStatus = cli("status", "--json");
    assertEquals("dead", JSON.readTree(deadStatus.out()).path("nodes").get(2).path("state").asText());

    Run restart = cli("restart", "node-3");
    assertEquals(0, restart.rc(), restart.out());
    for (int i = 0; i < 3; i++) {
      int viewer = i;
      await(viewer, Duration.ofSeconds(20), "all 3 Up and reachable",
          h -> h.path("members").size() == 3 && reachable(h, 0) && reachable(h, 1) && reachable(h, 2));
    }

    // partition node-1 from the others, heal before the SBR's 7 s stable-after
    Run part = cli("partition", "node-1", "/", "node-2,node-3");
    assertEquals(0, part.rc(), part.out());
    assertTrue(part.out().contains("blackhole"), part.out());
    await(1, DETECTION, "node-1 unreachable", h -> unreachable(h, 0));
    await(0, Duration.ofSeconds(2), "node-2 unreachable from node-1", h -> unreachable(h, 1));
    Run heal = cli("heal");
    assertEquals(0, heal.rc(), heal.out());
    await(1, Duration.ofSeconds(10), "node-1 reachable again", h -> reachable(h, 0));
    await(0, Duration.ofSeconds(10), "node-2 and node-3 reachable again", h -> reachable(h, 1) && reachable(h, 2));

    // pause / resume node-2
    assertEquals(0, cli("pause", "node-2").rc());
    Run paused = cli("status", "--json");
    assertEquals("paused", JSON.readTree(paused.out()).path("nodes").get(1).path("state").asText(), paused.out());
    await(0, DETECTION, "node-2 unreachable", h -> unreachable(h, 1));
    assertEquals(0, cli("resume", "node-2").rc());
    await(0, Duration.ofSeconds(10), "node-2 reachable again", h -> reachable(h, 1));
    await(1, Duration.ofSeconds(10), "node-2 answers and sees node-1", h -> reachable(h, 0));

    List<Long> pids = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      pids.add(Long.parseLong(Files.readString(runDir.resolve("node-" + i + ".pid")).trim()));
    }
    Run down = cli("down");
    assertEquals(0, down.rc(), down.out());
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still alive");
    }
    assertFalse(Files.exists(runDir.resolve("node-1.pid")));
    Run after = cli("status");
    assertEquals(1, after.rc());
  }
}
