package io.kabuto.bench.matching;

import io.kabuto.cli.KabutoCli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kabuto bench matching}: see {@link MatchingBench}. */
@Command(
    name = "matching",
    mixinStandardHelpOptions = true,
    versionProvider = KabutoCli.Version.class,
    description = {
      "Throughput of Kabuto's matching core (LimitOrderBook) against",
      "exchange-core 0.5.3's OrderBookDirectImpl, single-threaded, in one JVM.",
      "Both engines get the same deterministic stream (9%% GTC, 3%% IOC,",
      "6%% cancel, 82%% reprice; about 1,000 resting orders): warm-up passes,",
      "then timed passes alternating between the engines.",
      "",
      "The last line is",
      "  matching: kabuto=<ops/s> exchange-core=<ops/s> ratio=<kabuto/exchange-core>",
      "with the median of the timed passes. Exit code 1 if the engines disagree",
      "on the outcome of the stream.",
      ""
    })
public final class MatchingCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--messages", paramLabel = "N",
      description = "Messages in the stream (default: ${DEFAULT-VALUE}).")
  int messages = MatchingBench.DEFAULT_MESSAGES;

  @Option(names = "--seed", paramLabel = "SEED",
      description = "Seed of the message stream (default: ${DEFAULT-VALUE}).")
  long seed = MatchingBench.DEFAULT_SEED;

  @Option(names = "--warmups", paramLabel = "W",
      description = "Warm-up passes per engine (default: ${DEFAULT-VALUE}).")
  int warmups = MatchingBench.DEFAULT_WARMUPS;

  @Option(names = "--passes", paramLabel = "P",
      description = "Timed passes per engine (default: ${DEFAULT-VALUE}).")
  int passes = MatchingBench.DEFAULT_PASSES;

  @Override
  public Integer call() {
    if (messages <= 10_000) throw new ParameterException(spec.commandLine(), "--messages must be above 10000");
    if (warmups < 0) throw new ParameterException(spec.commandLine(), "--warmups must be 0 or more");
    if (passes < 1) throw new ParameterException(spec.commandLine(), "--passes must be 1 or more");
    MatchingBench.Result r = MatchingBench.run(messages, seed, warmups, passes, System.out);
    return r.consistent() ? 0 : 1;
  }
}
