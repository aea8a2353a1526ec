package io.kabuto.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import io.kabuto.cli.ConfigCommand;
import io.kabuto.node.ConfigAudit.Finding;
import io.kabuto.node.ConfigAudit.Severity;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pekko.cluster.sbr.SplitBrainResolverSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class ConfigAuditTest {

  @TempDir Path tmp;

  private Path file(String name, String hocon) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, hocon);
    return f;
  }

  private List<Finding> audit(String hocon) throws IOException {
    Path f = file("node.conf", hocon);
    return ConfigAudit.check(NodeConfig.build(new NodeConfig.Options().configFile(f)).config());
  }

  private static List<Finding> errors(List<Finding> findings) {
    return findings.stream().filter(f -> f.severity() == Severity.ERROR).collect(Collectors.toList());
  }

  private static void assertFlagged(List<Finding> findings, Severity severity, String key) {
    assertTrue(findings.stream().anyMatch(f -> f.severity() == severity && f.key().equals(key)),
        "expected " + severity + " on " + key + ", got " + findings);
  }

  @Test
  void anUnreadableLegacyPrimaryListIsBlamedOnItsOwnKey() throws IOException {
    List<Finding> findings = audit("kabuto.book.legacy-primary-of = \"7203\"\n");
    assertFlagged(findings, Severity.ERROR, "kabuto.book.legacy-primary-of");
    assertTrue(findings.stream().noneMatch(f -> f.key().equals("pekko.cluster")), findings.toString());
  }

  @Test
  void defaultConfigHasNoErrorAndNoClusterFinding() {
    List<Finding> findings = ConfigAudit.check(NodeConfig.defaults().config());
    assertEquals(List.of(), errors(findings), findings.toString());
    // Only the one-replica storage warning of a single demo node.
    assertEquals(List.of("kabuto.storage.replicas"), findings.stream().map(Finding::key).toList());
    assertEquals(List.of(), ConfigAudit.check(NodeConfig.defaults().config(), false));
  }

  @Test
  void resolverOffIsAnError() throws IOException {
    assertFlagged(audit("pekko.cluster.downing-provider-class = \"\""),
        Severity.ERROR, "pekko.cluster.downing-provider-class");
  }

  @Test
  void autoDownIsAnError() throws IOException {
    assertFlagged(audit("pekko.cluster.auto-down-unreachable-after = 10s"),
        Severity.ERROR, "pekko.cluster.auto-down-unreachable-after");
  }

  @Test
  void fencingOffIsAnError() throws IOException {
    assertFlagged(audit("kabuto.storage.fencing = off"), Severity.ERROR, "kabuto.storage.fencing");
  }

  @Test
  void fsyncOffIsAnError() throws IOException {
    assertFlagged(audit("kabuto.storage.fsync = off"), Severity.ERROR, "kabuto.storage.fsync");
  }

  @Test
  void twoReplicasIsAnError() throws IOException {
    assertFlagged(audit("kabuto.storage.replicas = [a, b]"), Severity.ERROR, "kabuto.storage.replicas");
  }

  @Test
  void arrowheadLegacySettingsAreErrors() throws IOException {
    List<Finding> findings = audit(String.join("\n",
        "include classpath(\"kabuto/storage/legacy-pair.conf\")",
        "kabuto.storage {",
        "  replicas = [s1, s2]",
        "  legacy { primary = s1, on-panic = off, panic-suppresses-standard = on }",
        "}"));
    assertFlagged(findings, Severity.ERROR, "kabuto.storage.legacy.on-panic");
    assertFlagged(findings, Severity.ERROR, "kabuto.storage.legacy.panic-suppresses-standard");
  }

  @Test
  void invalidStorageSettingsAreAnError() throws IOException {
    List<Finding> findings = audit("kabuto.storage.mode = raid");
    assertFlagged(findings, Severity.ERROR, "kabuto.storage");
    assertTrue(findings.toString().contains("raid"), findings.toString());
  }

  @Test
  void stableAfterTooShortIsAnErrorAndTooLongAWarning() throws IOException {
    assertFlagged(audit("pekko.cluster.split-brain-resolver.stable-after = 2s"),
        Severity.ERROR, "pekko.cluster.split-brain-resolver.stable-after");
    List<Finding> slow = audit("pekko.cluster.split-brain-resolver.stable-after = 40s");
    assertEquals(List.of(), errors(slow));
    assertFlagged(slow, Severity.WARNING, "pekko.cluster.split-brain-resolver.stable-after");
    assertFlagged(audit("pekko.cluster.down-removal-margin = 45s"),
        Severity.WARNING, "pekko.cluster.down-removal-margin");
    // ~2 s detection + 15 s + 15 s (off = the margin is stable-after) is past 30 s
    List<Finding> derived = audit("pekko.cluster { down-removal-margin = off, split-brain-resolver.stable-after = 15s }");
    assertEquals(List.of(), errors(derived));
    assertFlagged(derived, Severity.WARNING, "pekko.cluster.split-brain-resolver.stable-after");
  }

  @Test
  void staticQuorumIsCheckedAgainstAKnownClusterSize() throws IOException {
    String profile = "include classpath(\"kabuto/sbr/static-quorum.conf\")\n";
    String key = "pekko.cluster.split-brain-resolver.static-quorum.quorum-size";
    assertEquals(List.of(), errors(audit(profile + "kabuto.cluster.expected-size = 5")));
    assertFlagged(audit(profile + "kabuto.cluster.expected-size = 6"), Severity.ERROR, key);
    assertFlagged(audit(profile + "kabuto.cluster.expected-size = 2"), Severity.ERROR, key);
    assertFlagged(audit(profile + "kabuto.topology.nodes = [{name = a}, {name = b}, {name = c}]"),
        Severity.ERROR, key);
    String fiveNodes = "kabuto.topology.nodes = [{name = n1, roles = [storage, gateway]},"
        + " {name = n2, roles = [storage, matching]}, {name = n3, roles = [storage, matching]},"
        + " {name = n4, roles = [matching, gateway]}, {name = n5, roles = [matching]}]\n";
    assertEquals(List.of(), errors(audit(profile + fiveNodes)));
    // With a role, only the members with it count: 3 storage nodes cannot reach a quorum of 3 after a loss.
    assertFlagged(audit(profile + fiveNodes
        + "pekko.cluster.split-brain-resolver.static-quorum.role = storage"), Severity.ERROR, key);
    assertFlagged(audit("pekko.cluster.split-brain-resolver.active-strategy = static-quorum"),
        Severity.ERROR, key);
  }

  @Test
  void passivatedBooksAreFlagged() throws IOException {
    assertFlagged(audit("pekko.cluster.sharding.passivation.strategy = default-idle-strategy"),
        Severity.WARNING, "pekko.cluster.sharding.passivation.strategy");
  }

  @Test
  void leaseMajorityWithoutALeaseIsAnError() throws IOException {
    assertFlagged(audit("pekko.cluster.split-brain-resolver.active-strategy = lease-majority"),
        Severity.ERROR, "pekko.cluster.split-brain-resolver.lease-majority.lease-implementation");
  }

  @ParameterizedTest
  @ValueSource(strings = {"keep-majority", "static-quorum", "keep-oldest", "down-all", "lease-majority"})
  void eachSbrProfileResolvesAndPassesTheAudit(String profile) throws IOException {
    String resource = "kabuto/sbr/" + profile + ".conf";
    Config own = ConfigFactory.parseResources(getClass().getClassLoader(), resource,
        ConfigParseOptions.defaults().setAllowMissing(false));
    Config reference = ConfigFactory.defaultReference();
    for (Map.Entry<String, ConfigValue> e : own.entrySet()) {
      assertTrue(reference.hasPathOrNull(e.getKey()), resource + " sets " + e.getKey()
          + ", which Pekko's reference.conf does not define");
    }

    Config c = NodeConfig.build(new NodeConfig.Options()
        .configFile(file(profile + ".conf", "include classpath(\"" + resource + "\")\n"))).config();
    String expected = profile.equals("lease-majority") ? "keep-majority" : profile;
    assertEquals(expected, c.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    // Pekko's own parser of these settings, as the resolver runs it at node start.
    SplitBrainResolverSettings sbr = new SplitBrainResolverSettings(c);
    assertEquals(expected, sbr.DowningStrategy());
    assertEquals(7, sbr.DowningStableAfter().toSeconds());
    if (profile.equals("static-quorum")) {
      assertEquals(3, sbr.staticQuorumSettings().size());
      assertTrue(sbr.staticQuorumSettings().role().isEmpty());
    } else if (profile.equals("keep-oldest")) {
      assertTrue(sbr.keepOldestSettings().downIfAlone());
    }
    List<Finding> findings = ConfigAudit.check(c);
    assertEquals(List.of(), errors(findings), findings.toString());
  }

  private static int runCli(StringWriter out, String... args) {
    CommandLine cl = new CommandLine(new ConfigCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    return cl.execute(args);
  }

  @Test
  void configCheckExitCodes() throws IOException {
    StringWriter out = new StringWriter();
    assertEquals(0, runCli(out, "check"), out.toString()); // one-replica warning only
    assertTrue(out.toString().contains("WARNING kabuto.storage.replicas"), out.toString());
    assertTrue(out.toString().contains("config check: no errors, 1 warning(s)"), out.toString());

    out = new StringWriter();
    assertEquals(0, runCli(out, "check", file("ok.conf", "kabuto.storage.replicas = [a, b, c]").toString()),
        out.toString());
    assertTrue(out.toString().contains("config check: no errors, 0 warning(s)"), out.toString());

    out = new StringWriter();
    Path bad = file("bad.conf", "kabuto.storage.fencing = off\npekko.cluster.downing-provider-class = \"\"");
    assertEquals(1, runCli(out, "check", bad.toString(), "--roles", "matching"), out.toString());
    assertTrue(out.toString().contains("ERROR kabuto.storage.fencing: "), out.toString());
    assertTrue(out.toString().contains(" Fix: "), out.toString());
    assertTrue(out.toString().contains("config check: 2 error(s)"), out.toString());

    out = new StringWriter();
    assertEquals(2, runCli(out, "check", tmp.resolve("missing.conf").toString()), out.toString());
    assertTrue(out.toString().contains("no such file"), out.toString());

    out = new StringWriter();
    assertEquals(2, runCli(out, "check", file("broken.conf", "kabuto { storage = ").toString()), out.toString());
    assertTrue(out.toString().contains("not valid HOCON"), out.toString());
  }

  @Test
  void configIsACliSubcommand() {
    assertTrue(io.kabuto.cli.KabutoCli.commandLine().getSubcommands().containsKey("config"));
  }
}
