package io.kabuto.bench;

import io.kabuto.bench.failover.FailoverCommand;
import io.kabuto.bench.journal.JournalCommand;
import io.kabuto.bench.matching.MatchingCommand;
import io.kabuto.bench.orders.OrdersCommand;
import io.kabuto.cli.KabutoCli;
import io.kabuto.cli.KabutoSubcommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kabuto bench}: the benchmarks; each one is a subcommand. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = KabutoCli.Version.class,
    synopsisSubcommandLabel = "BENCHMARK",
    subcommands = {MatchingCommand.class, JournalCommand.class, FailoverCommand.class,
        OrdersCommand.class},
    description = {"Runs a benchmark.", ""},
    footer = {"", "Run 'kabuto bench BENCHMARK --help' for the options of a benchmark."})
public final class BenchCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing benchmark (one of: "
        + String.join(", ", spec.subcommands().keySet()) + ")");
  }

  /** Registers {@code kabuto bench} (META-INF/services/io.kabuto.cli.KabutoSubcommand). */
  public static final class Provider implements KabutoSubcommand {
    @Override
    public String name() {
      return "bench";
    }

    @Override
    public Object command() {
      return new BenchCommand();
    }
  }
}
