package io.kabuto.scenario.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioLoaderTest {
  static final Path HOME = Path.of("..").toAbsolutePath().normalize();

  static final String VALID = """
      name = t
      description = "a test"
      symbols { "7203" { base-price = "2000", tick-table = TOPIX500, lot-size = 100 } }
      clock { start = "08:00", end = "09:00", speed = 60 }
      brokers = [ { kind = market-maker, count = 1, rate = 2 } ]
      faults = [ { at = "08:10", action = kill, node = "host-of:7203" },
                 { at = "08:20", action = restart, node = "target-of:1" } ]
      """;

  @Test
  void everyLibraryScenarioLoads() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(HOME.resolve("scenarios/library"))) {
      files = s.filter(p -> p.toString().endsWith(".conf")).toList();
    }
    assertTrue(files.size() >= 2, "the library has scenarios: " + files);
    for (Path f : files) {
      Scenario sc = ScenarioLoader.load(f, HOME);
      assertEquals(f.getFileName().toString(), sc.name() + ".conf", "file named after its scenario");
      // a soak is a long run on purpose; the others stay a few minutes so the library can be run often
      long limit = sc.name().endsWith("-soak") ? 1200 : 300;
      assertTrue(sc.clock().wallDuration().toSeconds() <= limit, sc.name() + " runs in at most " + limit + " s");
    }
  }

  @Test
  void aValidFileGivesTheModel(@TempDir Path dir) throws IOException {
    Scenario s = ScenarioLoader.load(write(dir, VALID), HOME);
    assertEquals("five-nodes", s.topology().name());
    assertEquals(20000, s.symbols().get("7203").basePrice());
    assertEquals(60_000, s.clock().wallDuration().toMillis());
    assertEquals(OnFailure.RESEND, s.brokers().get(0).onFailure());
    assertEquals(List.of("7203"), s.brokers().get(0).symbols());
    assertEquals(2, s.faults().get(1).index());
    assertEquals("08:10:00 kill host-of:7203", s.faults().get(0).describe());
    assertTrue(s.expectations().invariants().contains(Invariant.NO_LOST_ACK), "all invariants by default");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown top key|name = t|nmae = t|nmae",
      "bad time|at = \"08:10\"|at = \"8h10\"|faults[0].at",
      "fault outside the day|at = \"08:10\"|at = \"10:00\"|faults[0].at",
      "unknown action|action = kill|action = explode|faults[0].action",
      "action for later|action = kill|action = slow-disk|faults[0].action",
      "unknown node|node = \"host-of:7203\"|node = \"node-9\"|faults[0].node",
      "host-of an unlisted symbol|node = \"host-of:7203\"|node = \"host-of:9999\"|faults[0].node",
      "target-of a later step|node = \"target-of:1\"|node = \"target-of:2\"|faults[1].node",
      "unknown broker kind|kind = market-maker|kind = whale|brokers[0].kind",
      "unknown protocol|rate = 2 }|rate = 2, protocol = smtp }|brokers[0].protocol",
      "rate not a number|rate = 2|rate = fast|brokers[0].rate",
      "zero count|count = 1|count = 0|brokers[0].count",
      "off-grid base price|base-price = \"2000\"|base-price = \"2000.3\"|symbols.\"7203\".base-price",
      "bad tick table|tick-table = TOPIX500|tick-table = NIKKEI|symbols.\"7203\".tick-table",
      "negative speed|speed = 60|speed = -1|clock.speed",
      "end before start|end = \"09:00\"|end = \"07:00\"|clock.end",
      "wipe on a kill|node = \"host-of:7203\" }|node = \"host-of:7203\", wipe = true }|faults[0].wipe",
      "partition with groups and node|action = kill, node = \"host-of:7203\"|action = partition, node = \"host-of:7203\", groups = \"node-1 / node-2\"|faults[0].groups",
      "settings on a kill|node = \"host-of:7203\" }|node = \"host-of:7203\", config { a = 1 } }|faults[0].config",
      "settings not a block|node = \"target-of:1\" }|node = \"target-of:1\", config = 3 }|faults[1].config",
      "burst without a factor|action = kill, node = \"host-of:7203\"|action = load-burst, until = \"08:15\"|faults[0].factor",
      "burst ending before it starts|action = kill, node = \"host-of:7203\"|action = load-burst, factor = 10, until = \"08:05\"|faults[0].until",
      "flood of a node without a gateway|action = kill, node = \"host-of:7203\"|action = flood, node = node-2, rate = 500, until = \"08:15\"|faults[0].node",
      "step inside a window|action = kill, node = \"host-of:7203\"|action = load-burst, factor = 2, until = \"08:30\"|faults[1].at",
      "flood factor without a flood|rate = 2 } ]|rate = 2 } ], expectations { flood-latency-factor = 3 }|expectations.flood-latency-factor",
      "negative max-rejected|rate = 2 } ]|rate = 2 } ], expectations { max-rejected = -1 }|expectations.max-rejected"})
  void everyMistakeNamesFilePathAndFix(String what, String from, String to, String path, @TempDir Path dir)
      throws IOException {
    assertTrue(VALID.contains(from), "test setup: '" + from + "' is in the valid file");
    Path f = write(dir, VALID.replace(from, to));
    ScenarioError e = assertThrows(ScenarioError.class, () -> ScenarioLoader.load(f, HOME), what);
    assertTrue(e.getMessage().startsWith(f + ": " + path + ": "), what + ": " + e.getMessage());
    assertTrue(e.getMessage().contains("Fix: "), what + ": " + e.getMessage());
  }

  @Test
  void theLibraryActionsAndExpectationsLoad(@TempDir Path dir) throws IOException {
    Scenario s = ScenarioLoader.load(write(dir, VALID.replace("""
        faults = [ { at = "08:10", action = kill, node = "host-of:7203" },
                   { at = "08:20", action = restart, node = "target-of:1" } ]""", """
        faults = [ { at = "08:10", action = stop, node = node-3 },
                   { at = "08:12", action = restart, node = "target-of:1", wipe = true },
                   { at = "08:15", action = restart, node = node-4, config { kabuto.book.legacy-primary-of = ["7203"] } },
                   { at = "08:16", action = partition, node = "host-of:7203" },
                   { at = "08:17", action = heal },
                   { at = "08:20", action = load-burst, factor = 10, until = "08:30" },
                   { at = "08:30", action = flood, node = node-4, rate = 400, until = "08:40" } ]
        expectations { max-rejected = 0, flood-latency-factor = 2.5 }""")), HOME);
    assertEquals(List.of("08:10:00 stop node-3", "08:12:00 restart target-of:1 on an empty data directory",
        "08:15:00 restart node-4 with kabuto.book.legacy-primary-of = [\"7203\"]",
        "08:16:00 partition host-of:7203", "08:17:00 heal",
        "08:20:00 load-burst x10 until 08:30:00", "08:30:00 flood node-4 400/s until 08:40:00"),
        s.faults().stream().map(FaultStep::describe).toList());
    assertTrue(s.faults().get(1).wipe());
    assertEquals(List.of(), s.faults().get(3).groups(), "one node against all the others");
    assertEquals("host-of:7203", s.faults().get(3).node());
    assertEquals(10, s.faults().get(5).factor());
    assertEquals(400, s.faults().get(6).rate());
    assertEquals(0, s.expectations().maxRejected());
    assertEquals(2.5, s.expectations().floodLatencyFactor());
    Scenario plain = ScenarioLoader.load(write(dir, VALID), HOME);
    assertEquals(-1, plain.expectations().maxRejected(), "no limit unless asked");
    assertEquals(0, plain.expectations().floodLatencyFactor());
  }

  @Test
  void missingSymbolsAndBrokersAreNamed(@TempDir Path dir) throws IOException {
    Path f = write(dir, "name = t\ndescription = x\nbrokers = []\n");
    ScenarioError e = assertThrows(ScenarioError.class, () -> ScenarioLoader.load(f, HOME));
    assertTrue(e.getMessage().contains(": symbols: missing or empty"), e.getMessage());
    Path g = write(dir, VALID.replace("brokers = [ { kind = market-maker, count = 1, rate = 2 } ]", ""));
    e = assertThrows(ScenarioError.class, () -> ScenarioLoader.load(g, HOME));
    assertTrue(e.getMessage().contains(": brokers: missing"), e.getMessage());
  }

  @Test
  void brokenHoconIsReportedWithTheFile(@TempDir Path dir) throws IOException {
    Path f = write(dir, "name = t\nsymbols { \n");
    ScenarioError e = assertThrows(ScenarioError.class, () -> ScenarioLoader.load(f, HOME));
    assertTrue(e.getMessage().startsWith(f + ": not valid HOCON"), e.getMessage());
  }

  private static Path write(Path dir, String text) throws IOException {
    Path f = Files.createTempFile(dir, "scenario", ".conf");
    Files.writeString(f, text);
    return f;
  }
}
