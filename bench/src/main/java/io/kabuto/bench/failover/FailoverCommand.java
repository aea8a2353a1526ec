package io.kabuto.bench.failover;

import io.kabuto.bench.BenchCluster;
import io.kabuto.cli.KabutoCli;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kabuto bench failover}: see {@link FailoverBench}. */
@Command(
    name = "failover",
    mixinStandardHelpOptions = true,
    versionProvider = KabutoCli.Version.class,
    description = {
      "Order-book failover time on a real local cluster: starts the five-nodes topology (one",
      "JVM per node, as ./kabuto cluster up, in a private run dir), joins it as a client",
      "(role gateway), sends a limit buy to one symbol every 10 ms (1 s ask timeout, the same",
      "order id resent until answered), SIGKILLs the node hosting the symbol's book (the",
      "cluster CLI's kill with its fast-path down) and measures the time from the kill to the",
      "first Accepted of an order sent after it, with each phase (gone, downed, removed, book",
      "on its new node, book answering, first ack); unanswered orders are resent at once when",
      "the book's host is removed. Then it restarts the node, times its restart to Up and to",
      "storage caught up, and repeats. --load adds background orders on the other symbols. At",
      "the end every acknowledged order must still be on the book.",
      "",
      "The last line is",
      "  failover: median=<s> max=<s> runs=<n> lost-acks=<n>",
      "Exit code 0 if the benchmark ran (targets met or not), 1 if it could not run.",
      ""
    })
public final class FailoverCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--runs", paramLabel = "N", description = "Kill/recover cycles (default: ${DEFAULT-VALUE}).")
  int runs = 5;

  @Option(names = "--symbol", paramLabel = "SYMBOL", description = "Symbol to trade (default: ${DEFAULT-VALUE}).")
  String symbol = FailoverBench.DEFAULT_SYMBOL;

  @Option(names = "--topology", paramLabel = "FILE",
      description = "A topology file (default: cluster-config/topologies/five-nodes.conf).")
  Path topology;

  @Option(names = "--run-dir", paramLabel = "DIR",
      description = "Where the cluster's pids, logs and data go (default: a fresh temp dir, kept "
          + "after a failure, deleted after success).")
  Path runDir;

  @Option(names = "--load", paramLabel = "N",
      description = "Background orders per second on the other listed symbols during the runs "
          + "(buys and sells at the base price, so they trade; 0 = none; default: ${DEFAULT-VALUE}).")
  int load = FailoverBench.DEFAULT_LOAD;

  @Option(names = "--verbose", description = "Keep the client node's INFO logs.")
  boolean verbose;

  @Override
  public Integer call() {
    if (runs < 1 || runs > 100) {
      throw new ParameterException(spec.commandLine(), "--runs must be 1..100");
    }
    if (load < 0 || load > 100_000) {
      throw new ParameterException(spec.commandLine(), "--load must be 0..100000 orders/s");
    }
    FailoverBench.Options o;
    try {
      o = new FailoverBench.Options(runs, symbol,
          topology == null ? null : io.kabuto.cli.cluster.Topology.load(topology), runDir, verbose, load);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return BenchCluster.exitCode("failover", "check that ports 25521-25525 and 35521-35525 are "
        + "free (./kabuto cluster down) and see the node logs in the run dir",
        () -> FailoverBench.run(o, System.out).lastLine());
  }
}
