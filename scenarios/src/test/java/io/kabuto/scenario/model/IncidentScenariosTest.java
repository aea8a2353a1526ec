package io.kabuto.scenario.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The incident profiles say what they claim to replay: the settings, the failure, the expectations. */
class IncidentScenariosTest {
  static final Path HOME = ScenarioLoaderTest.HOME;

  static Scenario lib(String name) {
    return ScenarioLoader.load(HOME.resolve("scenarios/library/" + name + ".conf"), HOME);
  }

  static Config nodeConfig(Scenario s) {
    return ConfigFactory.parseString(s.topology().nodeConfig() + "\n" + s.configOverrides());
  }

  @Test
  void tseLegacyIsTheNasPairWithThe2020Settings() {
    Scenario s = lib("tse-2020-10-01-legacy");
    Config c = nodeConfig(s);
    assertEquals("legacy", c.getString("kabuto.storage.mode"));
    assertEquals(2, c.getStringList("kabuto.storage.replicas").size(), "a pair");
    assertFalse(c.getBoolean("kabuto.storage.legacy.on-panic"));
    assertTrue(c.getBoolean("kabuto.storage.legacy.panic-suppresses-standard"));
    assertEquals(c.getString("kabuto.storage.legacy.primary"), s.faults().get(0).node(), "the active side panics");
    assertEquals(2, s.topology().nodes().stream().filter(n -> n.roles().contains("storage")).count());
    assertEquals("PANIC", s.faults().get(0).storageFault());
    assertEquals(HaltExpectation.Kind.WITHIN, s.marketHalt().kind());
    assertEquals(1, s.marketHalt().afterStep());
    assertTrue(s.clock().schedule(), "the TSE day runs on the scenario clock");
    assertTrue(c.getDuration("kabuto.market.rules.book-unavailable-halt-after").toSeconds() > 0,
        "a pre-agreed halt rule is on");
  }

  @Test
  void tseDefaultIsTheSameFailureOnTheReplicatedJournal() {
    Scenario d = lib("tse-2020-10-01");
    Scenario l = lib("tse-2020-10-01-legacy");
    Config c = nodeConfig(d);
    assertFalse(c.hasPath("kabuto.storage.mode"), "the default storage mode");
    assertEquals(3, c.getStringList("kabuto.storage.replicas").size());
    assertEquals(l.faults().size(), d.faults().size());
    for (int i = 0; i < d.faults().size(); i++) {
      assertEquals(l.faults().get(i).describe(), d.faults().get(i).describe(), "same timeline");
    }
    assertEquals(l.clock(), d.clock());
    assertEquals(HaltExpectation.NEVER, d.marketHalt());
    assertEquals(l.expectations(), d.expectations());
  }

  @Test
  void fxtfProfilesDifferOnlyInFencing() {
    Scenario d = lib("fxtf-2014-12");
    Scenario l = lib("fxtf-2014-12-legacy");
    assertFalse(nodeConfig(d).hasPath("kabuto.storage.fencing"), "fencing stays on (the default)");
    assertFalse(nodeConfig(l).getBoolean("kabuto.storage.fencing"));
    assertEquals(d.faults().size(), l.faults().size());
    for (int i = 0; i < d.faults().size(); i++) {
      assertEquals(d.faults().get(i).describe(), l.faults().get(i).describe(), "same timeline");
    }
    // a main server that stops twice and whose service comes back as primary next to its replacement
    assertEquals(2, d.faults().stream().filter(f -> f.action() == FaultAction.KILL).count());
    List<FaultStep> restarts = d.faults().stream().filter(f -> f.action() == FaultAction.RESTART).toList();
    assertEquals(2, restarts.size());
    for (FaultStep r : restarts) {
      assertTrue(com.typesafe.config.ConfigFactory.parseString(r.settings())
          .getStringList("kabuto.book.legacy-primary-of").contains("7203"), r.describe());
    }
    assertEquals(d.expectations(), l.expectations());
  }

  @Test
  void theShortDemoFitsCi() {
    Scenario s = lib("ci-smoke");
    assertTrue(s.clock().wallDuration().toSeconds() <= 60, "CI: under 3 minutes with the cluster start");
    assertEquals(HaltExpectation.NEVER, s.marketHalt());
  }

  @Test
  void marketHaltMistakesAreNamed(@TempDir Path dir) throws IOException {
    String base = ScenarioLoaderTest.VALID + "\nexpectations { market-halt = %s }\n";
    assertEquals(HaltExpectation.NEVER, load(dir, base.formatted("never")).marketHalt());
    Scenario w = load(dir, base.formatted("{ after-step = 2, within-seconds = 15 }"));
    assertEquals(new HaltExpectation(HaltExpectation.Kind.WITHIN, 2, 15), w.marketHalt());
    for (String[] bad : new String[][] {
        {"sometimes", "expectations.market-halt: "},
        {"{ after-step = 3, within-seconds = 15 }", "expectations.market-halt.after-step: no fault step 3"},
        {"{ after-step = 1, within-seconds = 0 }", "expectations.market-halt.within-seconds: "},
        {"{ after-step = 1, within = 5 }", "expectations.market-halt.within: unknown key"}}) {
      ScenarioError e = assertThrows(ScenarioError.class, () -> load(dir, base.formatted(bad[0])), bad[0]);
      assertTrue(e.getMessage().contains(bad[1]) && e.getMessage().contains("Fix: "), e.getMessage());
    }
    ScenarioError e = assertThrows(ScenarioError.class,
        () -> load(dir, ScenarioLoaderTest.VALID.replace("speed = 60", "speed = 60, schedule = maybe")));
    assertTrue(e.getMessage().contains("clock.schedule: "), e.getMessage());
  }

  @Test
  void scheduleIsOffUnlessAsked(@TempDir Path dir) throws IOException {
    assertFalse(load(dir, ScenarioLoaderTest.VALID).clock().schedule());
    assertTrue(load(dir, ScenarioLoaderTest.VALID.replace("speed = 60", "speed = 60, schedule = on")).clock().schedule());
  }

  private static Scenario load(Path dir, String text) throws IOException {
    Path f = Files.createTempFile(dir, "scenario", ".conf");
    Files.writeString(f, text);
    return ScenarioLoader.load(f, HOME);
  }

}
