package io.kabuto.scenario.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.scenario.check.Verdict;
import io.kabuto.scenario.history.History;
import io.kabuto.scenario.model.Scenario;
import io.kabuto.scenario.model.ScenarioLoader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short crash scenario on a real 3-node cluster (one JVM per node): the node hosting 7203 is
 * killed and restarted while brokers trade. Every expectation must hold, and the history, the
 * summary and a self-contained report must be written. Heavy: run it under flock
 * /tmp/kabuto-heavy.lock.
 */
class ScenarioRunE2ETest {

  @Test
  @Timeout(600)
  void aShortCrashScenarioPassesAndIsReported(@TempDir Path tmp) throws Exception {
    List<Integer> ports = FreePorts.forNodes(3);
    // the gateway node matches no book, so killing a book's host leaves order entry up; three
    // storage replicas keep a majority when one dies
    Files.writeString(tmp.resolve("three.conf"), "kabuto.topology {\n name = e2e-three\n nodes = [\n"
        + "  { name = node-1, port = " + ports.get(0) + ", roles = [storage, gateway] }\n"
        + "  { name = node-2, port = " + ports.get(1) + ", roles = [storage, matching] }\n"
        + "  { name = node-3, port = " + ports.get(2) + ", roles = [storage, matching] }\n ]\n"
        + " seeds = [\"127.0.0.1:" + ports.get(0) + "\", \"127.0.0.1:" + ports.get(1) + "\"]\n}\n");
    Path file = tmp.resolve("e2e.conf");
    Files.writeString(file, """
        name = e2e-crash
        description = "kill the node hosting 7203, restart it"
        seed = 5
        topology = three.conf
        symbols {
          "7203" { base-price = "2000", tick-table = TOPIX500, lot-size = 100 }
          "4565" { base-price = "450", tick-table = STANDARD, lot-size = 100 }
        }
        clock { start = "08:00", end = "08:50", speed = 100 }
        brokers = [
          { kind = market-maker, count = 1, rate = 4 }
          { kind = noise-trader, count = 1, rate = 3, on-failure = resend }
          { kind = noise-trader, count = 1, rate = 2, on-failure = give-up }
        ]
        faults = [
          { at = "08:10", action = kill, node = "host-of:7203" }
          { at = "08:25", action = restart, node = "target-of:1" }
        ]
        expectations { invariants = [all], recovery-seconds = 40 }
        """);
    Scenario s = ScenarioLoader.load(file, Path.of("..").toAbsolutePath().normalize());
    Path out = tmp.resolve("out");
    ScenarioRunner.Outcome o = new ScenarioRunner(s, new RunOptions(out, null),
        new PrintWriter(System.out, true)).run();

    for (Verdict v : o.result().verdicts()) {
      System.out.println(v.status() + " " + v.check() + ": " + v.summary());
    }
    assertTrue(o.result().passed(), "every expectation held: " + o.result().verdicts());
    assertEquals(2, o.result().recoveries().size());
    assertTrue(o.result().recoveries().get(0).affected().contains("7203"), "the kill hit 7203's node");
    assertTrue(o.result().recoveries().get(0).recoveredMillis() >= 0, "7203 traded again");

    List<JsonNode> history = History.read(o.history());
    assertTrue(history.stream().filter(l -> l.path("type").asText().equals("ok")).count() > 50, "orders were answered");
    assertTrue(history.stream().anyMatch(l -> l.path("type").asText().equals("cluster")
        && l.path("what").asText().equals("members")
        && (l.path("view").asText().contains("unreachable") || l.path("view").asText().contains("Down"))),
        "the watcher saw the kill");
    JsonNode summary = History.JSON.readTree(o.summary().toFile());
    assertTrue(summary.path("passed").asBoolean());
    String html = Files.readString(o.report(), StandardCharsets.UTF_8);
    assertTrue(html.contains("<svg") && html.contains("no-lost-ack") && html.contains("e2e-crash"));
    assertFalse(html.contains("<script") || html.contains("<link") || html.contains("src="),
        "self-contained: nothing to fetch");
    for (int p : ports) {
      assertTrue(FreePorts.free(p), "port " + p + " released: the cluster was stopped");
    }
  }
}
