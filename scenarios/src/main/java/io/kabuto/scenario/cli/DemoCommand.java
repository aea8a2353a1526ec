package io.kabuto.scenario.cli;

import io.kabuto.cli.KabutoCli;
import io.kabuto.cli.KabutoSubcommand;
import io.kabuto.cli.cluster.LocalCluster;
import io.kabuto.scenario.check.Verdict;
import io.kabuto.scenario.model.Scenario;
import io.kabuto.scenario.model.ScenarioError;
import io.kabuto.scenario.model.ScenarioLoader;
import io.kabuto.scenario.run.RunOptions;
import io.kabuto.scenario.run.ScenarioRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kabuto demo}: the TSE 2020-10-01 storage failure on a local five-node cluster, the
 * default profile ({@code scenarios/library/tse-2020-10-01.conf}): starts the cluster, runs the
 * morning at high speed with live progress, prints the verdicts and the report's path, stops the
 * cluster. {@code --short} runs {@code ci-smoke}, the same failure in a shorter morning, for CI.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = KabutoCli.Version.class,
    description = {
      "Replays the TSE 2020-10-01 storage failure (a storage node's memory fails at 08:30) on a",
      "local five-node cluster with Kabuto's replicated journal: brokers trade over HTTP from 08:00",
      "to 11:30 at 150x, the checker says whether the exchange kept its promises (no halt, nothing",
      "lost), and report.html shows the day. About 2.5 minutes; --short about 1.5 minutes.",
      "The legacy profile, which fails as the exchange did: kabuto scenario run tse-2020-10-01-legacy"
    })
public final class DemoCommand implements Callable<Integer> {
  static final String FULL = "tse-2020-10-01";
  static final String SHORT = "ci-smoke";

  @Option(names = "--short", description = "Run " + SHORT + " (the same failure, 08:20-09:40; for CI).")
  boolean shortRun;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the brokers' orders (default: the file's).")
  Long seed;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Where the history, report and cluster go (default: run/demo/NAME-TIME).")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter pw = new PrintWriter(System.out, true);
    String name = shortRun ? SHORT : FULL;
    Scenario s;
    try {
      s = ScenarioLoader.load(ScenarioCommand.resolve(name), ScenarioCommand.home());
    } catch (ScenarioError e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    if (seed != null) {
      s = s.withSeed(seed);
    }
    Path dir = (out != null ? out : ScenarioCommand.home().resolve("run/demo").resolve(name + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))).toAbsolutePath();
    step(pw, "the story: " + s.name());
    for (String line : s.description().split("\n")) {
      pw.println("  " + line.strip());
    }
    s.faults().forEach(f -> pw.println("  fault " + f.describe()));
    pw.println("  the legacy profile (NAS pair, on-panic off) fails the same morning: "
        + "./kabuto scenario run tse-2020-10-01-legacy");
    step(pw, "running it on a local cluster (node logs and history in " + dir + ")");
    long t0 = System.nanoTime();
    ScenarioRunner.Outcome o;
    try {
      o = new ScenarioRunner(s, new RunOptions(dir, null), pw).run();
    } catch (LocalCluster.ClusterFailure e) {
      pw.println("demo: " + e.getMessage());
      pw.println("(the cluster's own output is in " + dir.resolve("cluster.log") + ")");
      return KabutoCli.EXIT_FAILURE;
    }
    step(pw, "verdicts");
    ScenarioCommand.printVerdicts(pw, o.result());
    long failed = o.result().verdicts().stream().filter(Verdict::failed).count();
    step(pw, "done in " + String.format(Locale.ROOT, "%.0f", (System.nanoTime() - t0) / 1e9) + " s");
    pw.println("  report:  " + o.report() + "  (open it in a browser; it works offline)");
    pw.println("  summary: " + o.summary());
    pw.println("  history: " + o.history());
    pw.println(failed == 0 ? "demo: the exchange kept every promise" : "demo: " + failed + " check(s) FAILED");
    return failed == 0 ? KabutoCli.EXIT_OK : KabutoCli.EXIT_FAILURE;
  }

  private static void step(PrintWriter pw, String text) {
    pw.println();
    pw.println("== " + text);
  }

  /** Registers {@code demo} with the CLI. */
  public static final class Provider implements KabutoSubcommand {
    @Override
    public String name() {
      return "demo";
    }

    @Override
    public Object command() {
      return new DemoCommand();
    }
  }
}
