package io.kabuto.bench.orders;

import io.kabuto.bench.BenchCluster;
import io.kabuto.cli.KabutoCli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kabuto bench orders}: see {@link OrdersBench}. */
@Command(
    name = "orders",
    mixinStandardHelpOptions = true,
    versionProvider = KabutoCli.Version.class,
    description = {
      "Whole-system order entry: starts the default local cluster (five-nodes topology, one JVM",
      "per node, replicated journal on 3 storage nodes, fsync as configured) with the overlay",
      "cluster-config/bench/orders.conf (participants BENCH01..32 with high limits, 20 listed",
      "symbols), then load-client processes, each with several FIX 4.4 sessions spread over the",
      "gateways. The clients send limit orders around the base prices (some trade) and cancels of",
      "their own resting orders on a fixed open-loop schedule; latency is from each message's",
      "intended send time to its first answer (ExecutionReport or OrderCancelReject), so a stall",
      "counts against the exchange (no coordinated omission), recorded in HdrHistograms.",
      "After a warm-up it runs --start-rate, then steps up by --step until a step does not hold",
      "(p99 > 50 ms, any error, or achieved < 95%% of offered) or --max-rate is passed.",
      "Errors: rejected orders (EXCHANGE_BUSY refusals counted apart too), cancels rejected",
      "other than too late/unknown (the order filled first), session Rejects, unanswered at the",
      "end of the drain, and disconnects.",
      "Then the overload: twice the last rate that held (the start rate if none did) for one",
      "step, then that rate again in short windows until one holds (at most 60 s).",
      "",
      "The last line is",
      "  orders: sustained=<orders/s> p50@10k=<ms> p99@10k=<ms> errors=<n> downed=<n>",
      "          recovered=<s|never>",
      "sustained = the highest step that held (0: not even the first); p50/p99/errors are those",
      "of the first step (its rate names them: 10k with the default --start-rate); downed =",
      "nodes that exited or were seen Down during the run; recovered = seconds from the end of",
      "the overload to the first window that held.",
      "Exit code 0 if the benchmark ran (targets met or not), 1 if it could not run.",
      ""
    })
public final class OrdersCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--start-rate", paramLabel = "N", description = "First step, orders/s (default: ${DEFAULT-VALUE}).")
  int startRate = 10_000;

  @Option(names = "--step", paramLabel = "N", description = "Added per step, orders/s (default: ${DEFAULT-VALUE}).")
  int step = 5_000;

  @Option(names = "--max-rate", paramLabel = "N", description = "Last step at most, orders/s (default: ${DEFAULT-VALUE}).")
  int maxRate = 50_000;

  @Option(names = "--duration-per-step", paramLabel = "SECONDS", description = "Length of each step (default: ${DEFAULT-VALUE}).")
  int durationPerStep = 20;

  @Option(names = "--warmup", paramLabel = "SECONDS", description = "Warm-up at the start rate, not measured (default: ${DEFAULT-VALUE}).")
  int warmup = 15;

  @Option(names = "--drain", paramLabel = "SECONDS", description = "After a step, how long answers are waited for before they count as timeouts (default: ${DEFAULT-VALUE}).")
  int drain = 10;

  @Option(names = "--clients", paramLabel = "N", description = "Load-client processes (default: ${DEFAULT-VALUE}).")
  int clients = 2;

  @Option(names = "--sessions", paramLabel = "N", description = "FIX sessions per client (default: ${DEFAULT-VALUE}).")
  int sessions = 8;

  @Option(names = "--topology", paramLabel = "FILE",
      description = "Another topology file (default: cluster-config/topologies/five-nodes.conf).")
  Path topology;

  @Option(names = "--run-dir", paramLabel = "DIR",
      description = "Where the cluster's and clients' pids, logs and data go (default: a fresh temp dir, deleted at the end).")
  Path runDir;

  @Option(names = "--keep", description = "Keep the run dir (node and client logs) at the end.")
  boolean keep;

  @Option(names = "--verbose", description = "Keep this JVM's INFO logs.")
  boolean verbose;

  @Override
  public Integer call() {
    OrdersBench.Options o;
    try {
      o = new OrdersBench.Options(startRate, step, maxRate, Duration.ofSeconds(durationPerStep),
          Duration.ofSeconds(warmup), Duration.ofSeconds(drain), clients, sessions,
          topology == null ? null : io.kabuto.cli.cluster.Topology.load(topology), runDir, keep, verbose);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return BenchCluster.exitCode("orders", "check that the topology's ports are free "
        + "(./kabuto cluster down) and rerun with --keep to see the node and client logs",
        () -> OrdersBench.run(o, System.out).lastLine());
  }
}
