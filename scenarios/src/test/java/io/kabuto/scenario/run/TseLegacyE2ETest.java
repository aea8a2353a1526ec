package io.kabuto.scenario.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.scenario.check.Verdict;
import io.kabuto.scenario.model.Scenario;
import io.kabuto.scenario.model.ScenarioLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * tse-2020-10-01-legacy in small, on a real 3-node cluster: a legacy storage pair with the 2020
 * settings, the active side panics. The run must fail the way the exchange did (no takeover, no
 * trading after) while the safety net holds (the rule halts the market without storage, nothing
 * is accepted or executed while halted, nothing acknowledged is lost). Heavy: run it under flock
 * /tmp/kabuto-heavy.lock.
 */
class TseLegacyE2ETest {

  @Test
  @Timeout(600)
  void theLegacyPairFailsAsIn2020AndTheHaltHolds(@TempDir Path tmp) throws Exception {
    List<Integer> ports = FreePorts.forNodes(3);
    Files.writeString(tmp.resolve("pair.conf"), "kabuto.topology {\n name = e2e-pair\n nodes = [\n"
        + "  { name = node-1, port = " + ports.get(0) + ", roles = [storage, gateway] }\n"
        + "  { name = node-2, port = " + ports.get(1) + ", roles = [storage, matching] }\n"
        + "  { name = node-3, port = " + ports.get(2) + ", roles = [matching] }\n ]\n"
        + " seeds = [\"127.0.0.1:" + ports.get(0) + "\", \"127.0.0.1:" + ports.get(1) + "\"]\n"
        + " node-config { kabuto.storage { replicas = [node-1, node-2], legacy.primary = node-1 } }\n}\n");
    Path file = tmp.resolve("legacy.conf");
    // the library file's settings and expectations; a shorter morning; the repair after the
    // storage-failover limit (30 s = 75 simulated minutes at 150x)
    Files.writeString(file, """
        name = e2e-tse-legacy
        description = "the active side of a legacy pair panics; on-panic off"
        seed = 3
        topology = pair.conf
        config {
          kabuto.storage { mode = legacy, legacy { on-panic = off, panic-suppresses-standard = on } }
          kabuto.market.rules { book-unavailable-halt-after = 10s }
        }
        symbols {
          "7203" { base-price = "2000", tick-table = TOPIX500, lot-size = 100 }
          "4565" { base-price = "450", tick-table = STANDARD, lot-size = 100 }
        }
        clock { start = "08:20", end = "10:10", speed = 150, schedule = on }
        brokers = [
          { kind = market-maker, count = 1, rate = 4 }
          { kind = noise-trader, count = 1, rate = 3, on-failure = resend }
        ]
        faults = [
          { at = "08:30", action = storage-fault, node = node-1, fault = PANIC }
          { at = "09:50", action = storage-fault, node = node-1, fault = CLEAR }
        ]
        expectations {
          invariants = [all]
          recovery-seconds = 30
          market-halt { after-step = 1, within-seconds = 30 }
        }
        """);
    Scenario s = ScenarioLoader.load(file, Path.of("..").toAbsolutePath().normalize());
    ScenarioRunner.Outcome o = new ScenarioRunner(s, new RunOptions(tmp.resolve("out"), null),
        new PrintWriter(System.out, true)).run();
    Map<String, Verdict> v = o.result().verdicts().stream().collect(Collectors.toMap(Verdict::check, x -> x));
    v.values().forEach(x -> System.out.println(x.status() + " " + x.check() + ": " + x.summary()));

    assertFalse(o.result().passed(), "the legacy profile fails");
    Verdict storage = v.get("storage-failover");
    assertEquals(Verdict.Status.FAIL, storage.status());
    assertTrue(storage.summary().contains("no takeover"), "the checker says why: " + storage.summary());
    assertEquals(Verdict.Status.FAIL, v.get("recovery-time").status(), "no trading after the halt");
    for (String safe : List.of("market-halt", "halted-orders-refused", "no-lost-ack", "no-overfill",
        "no-duplicate-execution", "resends-never-duplicate", "faults-applied")) {
      assertEquals(Verdict.Status.PASS, v.get(safe).status(), safe + ": " + v.get(safe).summary());
    }
    assertTrue(v.get("halted-orders-refused").summary().matches("halts of .* confirmed; [1-9]\\d* orders .*"),
        "orders were refused during the halt: " + v.get("halted-orders-refused").summary());
    for (int p : ports) {
      assertTrue(FreePorts.free(p), "port " + p + " released: the cluster was stopped");
    }
  }
}
