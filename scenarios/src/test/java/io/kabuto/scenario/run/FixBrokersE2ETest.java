package io.kabuto.scenario.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.scenario.check.Verdict;
import io.kabuto.scenario.history.History;
import io.kabuto.scenario.model.Scenario;
import io.kabuto.scenario.model.ScenarioLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * FIX brokers (a noise trader, a momentum trader, an institutional order, a cancel-on-disconnect
 * noise trader) trade with an HTTP market maker and an HTTP institutional order on a real
 * single-node Kabuto (its own JVM), through the scenario runner. Their history must be what the
 * checker needs: every invariant holds, and reference-model compares the FIX brokers' answers,
 * rebuilt from ExecutionReports, event by event with the book's journal, including the replaces
 * the institutional orders reprice their children with. Heavy: run it under flock /tmp/kabuto-heavy.lock.
 */
class FixBrokersE2ETest {

  @Test
  @Timeout(600)
  void fixBrokersWriteTheHistoryTheCheckerReads(@TempDir Path tmp) throws Exception {
    int port;
    do {
      port = FreePorts.forNodes(1).get(0);
    } while (!FreePorts.free(port + 30000)); // the node's FIX acceptor
    Files.writeString(tmp.resolve("one.conf"), "kabuto.topology {\n name = e2e-one\n nodes = [\n"
        + "  { name = node-1, port = " + port + ", roles = [storage, matching, gateway] }\n ]\n"
        + " seeds = [\"127.0.0.1:" + port + "\"]\n}\n");
    Path file = tmp.resolve("fix.conf");
    Files.writeString(file, """
        name = e2e-fix
        description = "FIX brokers against an HTTP market maker"
        seed = 3
        topology = one.conf
        symbols {
          "7203" { base-price = "2000", tick-table = TOPIX500, lot-size = 100 }
          "4565" { base-price = "450", tick-table = STANDARD, lot-size = 100 }
        }
        clock { start = "08:00", end = "09:00", speed = 100 }
        brokers = [
          # small quotes: an institutional child takes what is at the touch and rests, and lives
          # long enough to be repriced
          { kind = market-maker, count = 1, rate = 5, quantity-lots = 1 }
          { kind = noise-trader, count = 1, rate = 3, protocol = fix }
          { kind = noise-trader, count = 1, rate = 2, protocol = fix, on-failure = cancel-on-disconnect }
          { kind = momentum-trader, count = 1, rate = 3, protocol = fix }
          { kind = institutional, count = 2, rate = 2, protocol = fix, symbols = ["7203"] }
          { kind = institutional, count = 2, rate = 2, symbols = ["4565"] }
        ]
        faults = []
        expectations { invariants = [all], recovery-seconds = 30 }
        """);
    Scenario s = ScenarioLoader.load(file, Path.of("..").toAbsolutePath().normalize());
    ScenarioRunner.Outcome o = new ScenarioRunner(s, new RunOptions(tmp.resolve("out"), null),
        new PrintWriter(System.out, true)).run();
    for (Verdict v : o.result().verdicts()) {
      System.out.println(v.status() + " " + v.check() + ": " + v.summary());
    }
    List<JsonNode> h = History.read(o.history());
    for (Verdict v : o.result().verdicts()) {
      if (v.failed()) {
        v.lines().forEach(seq -> System.out.println("  line " + seq + ": " + h.get((int) (seq - 1))));
      }
    }
    assertTrue(o.result().passed(), "every expectation held: " + o.result().verdicts());
    Verdict reference = o.result().verdicts().stream().filter(v -> v.check().equals("reference-model"))
        .findFirst().orElseThrow();
    assertEquals(Verdict.Status.PASS, reference.status(), "the answers were compared with the journal");

    Predicate<JsonNode> fixOk = l -> l.path("type").asText().equals("ok") && l.has("fixReports");
    assertTrue(count(h, fixOk.and(l -> l.path("op").asText().equals("new")
        && l.path("body").path("status").asText().equals("accepted"))) > 20, "FIX orders acknowledged");
    assertTrue(count(h, fixOk.and(l -> hasEvent(l, "TRADE"))) > 0, "FIX orders traded on arrival");
    assertTrue(count(h, fixOk.and(l -> hasEvent(l, "RESTED"))) > 0, "FIX orders rested");
    assertTrue(count(h, fixOk.and(l -> l.path("op").asText().equals("cancel") && l.path("http").asInt() == 200)) > 0,
        "FIX cancels acknowledged");
    assertTrue(count(h, l -> l.path("type").asText().equals("invoke") && l.path("broker").asText().equals("IN1")
        && l.path("op").asText().equals("new")) > 2, "the institutional order sent children");
    assertTrue(count(h, l -> l.path("type").asText().equals("invoke") && l.path("broker").asText().equals("MO1")
        && l.path("op").asText().equals("new")) > 0, "the momentum trader traded on a trend");
    assertTrue(count(h, l -> l.path("type").asText().equals("invoke") && l.has("fix")
        && l.path("fix").asText().endsWith(":" + (Integer.parseInt(l.path("gw").asText().replaceAll(".*:", "")) + 10000)))
        > 0, "the FIX acceptor is the node's (Artery + 30000, HTTP + 20000)");

    Predicate<JsonNode> replaceAcked = l -> l.path("type").asText().equals("ok") && l.path("op").asText().equals("replace")
        && l.path("http").asInt() == 200 && l.path("body").path("status").asText().equals("accepted");
    System.out.println("replaces: " + count(h, l -> l.path("type").asText().equals("invoke")
        && l.path("op").asText().equals("replace")) + " sent, " + count(h, replaceAcked.and(fixOk)) + " acknowledged over FIX, "
        + count(h, replaceAcked.and(fixOk.negate())) + " over HTTP; institutional children that rested: "
        + count(h, l -> l.path("type").asText().equals("ok") && l.path("broker").asText().startsWith("IN")
            && hasEvent(l, "RESTED")));
    h.stream().filter(l -> l.path("op").asText().equals("replace") && !l.path("type").asText().equals("invoke"))
        .limit(5).forEach(l -> System.out.println("  " + l));
    assertTrue(count(h, replaceAcked) > 0, "the institutional orders repriced a child with a replace");
    assertTrue(count(h, replaceAcked.and(l -> hasEvent(l, "REPLACED"))) == count(h, replaceAcked),
        "every acknowledged replace was told its REPLACED event");
    Verdict noLostAck = o.result().verdicts().stream().filter(v -> v.check().equals("no-lost-ack")).findFirst()
        .orElseThrow();
    assertTrue(!noLostAck.summary().contains("(0 with an acknowledged replace)"), noLostAck.summary());
  }

  private static long count(List<JsonNode> h, Predicate<JsonNode> p) {
    return h.stream().filter(p).count();
  }

  private static boolean hasEvent(JsonNode ok, String type) {
    for (JsonNode e : ok.path("body").path("events")) {
      if (type.equals(e.path("type").asText())) {
        return true;
      }
    }
    return false;
  }
}
