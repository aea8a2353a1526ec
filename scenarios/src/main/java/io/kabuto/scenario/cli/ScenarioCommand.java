package io.kabuto.scenario.cli;

import io.kabuto.cli.KabutoCli;
import io.kabuto.cli.KabutoSubcommand;
import io.kabuto.cli.cluster.LocalCluster;
import io.kabuto.scenario.check.CheckResult;
import io.kabuto.scenario.check.Verdict;
import io.kabuto.scenario.model.Scenario;
import io.kabuto.scenario.model.ScenarioError;
import io.kabuto.scenario.model.ScenarioLoader;
import io.kabuto.scenario.model.SimTime;
import io.kabuto.scenario.run.RunOptions;
import io.kabuto.scenario.run.ScenarioRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kabuto scenario run|list}: the scenario runner and its library ({@code scenarios/library}). */
@Command(
    name = "scenario",
    mixinStandardHelpOptions = true,
    versionProvider = KabutoCli.Version.class,
    description = {"Runs a scenario: a simulated trading day with brokers and faults on a local cluster,",
        "then checks the history and writes report.html and summary.json.", ""},
    subcommands = {ScenarioCommand.Run.class, ScenarioCommand.ListCmd.class},
    footer = {"", "Examples:", "  kabuto scenario list", "  kabuto scenario run normal-day",
        "  kabuto scenario run scenarios/library/crash-matching-node.conf --seed 7 --speed 600"})
public final class ScenarioCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing scenario command (run, list)");
  }

  static Path home() {
    String h = System.getenv("KABUTO_HOME");
    return Path.of(h != null && !h.isBlank() ? h : ".").toAbsolutePath().normalize();
  }

  static Path library() {
    return home().resolve("scenarios/library");
  }

  /** A path, or the name of a library scenario. */
  static Path resolve(String fileOrName) {
    Path p = Path.of(fileOrName);
    if (Files.isRegularFile(p)) {
      return p;
    }
    Path lib = library().resolve(fileOrName + ".conf");
    if (fileOrName.matches("[a-z0-9-]+") && Files.isRegularFile(lib)) {
      return lib;
    }
    throw new IllegalArgumentException("no scenario file '" + fileOrName + "' (and no " + lib
        + "); see ./kabuto scenario list");
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Runs a scenario and checks it. Exit code 0 only if every expectation held.",
          "Without --attach it starts the scenario's cluster under OUT/cluster and stops it at the end."})
  static final class Run implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "A scenario file, or a name from the library.")
    String file;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the brokers' orders (default: the file's seed).")
    Long seed;

    @Option(names = "--speed", paramLabel = "X", description = "Simulated seconds per wall second (default: the file's clock.speed).")
    Double speed;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Where history.jsonl, summary.json and report.html go (default: run/scenarios/NAME-TIME).")
    Path out;

    @Option(names = "--attach", arity = "0..1", paramLabel = "RUNDIR", fallbackValue = "",
        description = "Use the cluster ./kabuto cluster up started (default run dir: run/cluster) instead of starting one; "
            + "its nodes must list the scenario's participants.")
    String attach;

    @Override
    public Integer call() throws Exception {
      PrintWriter pw = new PrintWriter(System.out, true);
      Scenario s;
      try {
        s = ScenarioLoader.load(resolve(file), home());
      } catch (ScenarioError e) {
        throw new IllegalArgumentException(e.getMessage());
      }
      if (seed != null) {
        s = s.withSeed(seed);
      }
      if (speed != null) {
        if (!(speed > 0) || speed > 100_000) {
          throw new IllegalArgumentException("--speed must be above 0 and at most 100000, got " + speed);
        }
        s = s.withSpeed(speed);
      }
      Path dir = out != null ? out : home().resolve("run/scenarios").resolve(s.name() + "-"
          + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      Path attachDir = attach == null ? null : attach.isEmpty() ? home().resolve("run/cluster") : Path.of(attach);
      ScenarioRunner.Outcome o;
      try {
        o = new ScenarioRunner(s, new RunOptions(dir.toAbsolutePath(), attachDir), pw).run();
      } catch (LocalCluster.ClusterFailure e) {
        pw.println("kabuto scenario: " + e.getMessage());
        pw.println("(the cluster's own output is in " + dir.toAbsolutePath().resolve("cluster.log") + ")");
        return KabutoCli.EXIT_FAILURE;
      }
      printVerdicts(pw, o.result());
      pw.println("history: " + o.history());
      pw.println("summary: " + o.summary());
      pw.println("report:  " + o.report());
      return o.result().passed() ? KabutoCli.EXIT_OK : KabutoCli.EXIT_FAILURE;
    }
  }

  static void printVerdicts(PrintWriter pw, CheckResult r) {
    pw.println();
    for (Verdict v : r.verdicts()) {
      pw.printf(Locale.ROOT, "  %-12s %-24s %s%n", v.status(), v.check(), v.summary());
    }
    r.recoveries().forEach(f -> pw.printf(Locale.ROOT, "  fault %-40s detected %s, traded again %s%n",
        f.describe(), f.detectMillis() < 0 ? "-" : f.detectMillis() / 1000.0 + " s",
        f.recoveredMillis() < 0 ? "never" : f.recoveredMillis() / 1000.0 + " s"));
    pw.println(r.passed() ? "PASS: every expectation held" : "FAIL: some expectations did not hold (see the report)");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Describes the scenarios in scenarios/library.")
  static final class ListCmd implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
      PrintWriter pw = new PrintWriter(System.out, true);
      Path lib = library();
      if (!Files.isDirectory(lib)) {
        pw.println("no scenario library at " + lib + " (set KABUTO_HOME to the Kabuto checkout)");
        return KabutoCli.EXIT_FAILURE;
      }
      List<Path> files;
      try (Stream<Path> st = Files.list(lib)) {
        files = st.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
      }
      int bad = 0;
      for (Path f : files) {
        try {
          Scenario s = ScenarioLoader.load(f, home());
          pw.printf(Locale.ROOT, "%s  (%s-%s at x%.0f, about %d s; %d brokers, %d fault steps)%n", s.name(),
              SimTime.format(s.clock().start()), SimTime.format(s.clock().end()), s.clock().speed(),
              s.clock().wallDuration().toSeconds(), s.brokers().stream().mapToInt(b -> b.count()).sum(), s.faults().size());
          for (String line : s.description().split("\n")) {
            pw.println("    " + line.strip());
          }
          s.faults().forEach(step -> pw.println("    - " + step.describe()));
        } catch (ScenarioError e) {
          bad++;
          pw.println(f.getFileName() + ": INVALID: " + e.getMessage());
        }
      }
      pw.println("Run one with ./kabuto scenario run NAME");
      return bad == 0 ? KabutoCli.EXIT_OK : KabutoCli.EXIT_FAILURE;
    }
  }

  /** Registers {@code scenario}. */
  public static final class Provider implements KabutoSubcommand {
    @Override
    public String name() {
      return "scenario";
    }

    @Override
    public Object command() {
      return new ScenarioCommand();
    }
  }
}
