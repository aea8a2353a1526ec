package io.kabuto.bench.matching;

import io.kabuto.cli.KabutoCli;
import java.util.ArrayList;
import java.util.List;
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
      "Both engines get the same deterministic stream of each shape:",
      "  reprice     82%% reprices of about 1,000 resting orders",
      "  new-cancel  half new orders, nearly all cancelled soon, stale duplicates",
      "  deep-book   about 30,000 resting orders over 300 ticks a side",
      "  fast-mid    a trending mid whose new orders sweep the stale side",
      "  ioc-taker   25%% IOC and market orders on a thin book",
      "Per shape: a checking pass, warm-up passes, then timed passes alternating",
      "between the engines.",
      "",
      "The last line is",
      "  matching: worst=<lowest ratio> <shape>=<ratio> ... kabuto=<ops/s>",
      "  exchange-core=<ops/s> ratio=<kabuto/exchange-core>",
      "with medians of the timed passes; kabuto, exchange-core and ratio are the",
      "reprice stream's. Exit code 1 if the engines disagree on the outcome of a",
      "stream.",
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

  @Option(names = "--shapes", paramLabel = "LIST", split = ",",
      description = "Shapes to run, comma-separated (default: all: reprice,new-cancel,deep-book,fast-mid,ioc-taker).")
  List<String> shapes;

  @Override
  public Integer call() {
    if (warmups < 0) throw new ParameterException(spec.commandLine(), "--warmups must be 0 or more");
    if (passes < 1) throw new ParameterException(spec.commandLine(), "--passes must be 1 or more");
    List<StreamShape> run = new ArrayList<>();
    try {
      if (shapes == null) run.addAll(List.of(StreamShape.values()));
      else for (String l : shapes) run.add(StreamShape.of(l.trim()));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (messages <= 50_000) throw new ParameterException(spec.commandLine(), "--messages must be above 50000");
    MatchingBench.Result r = MatchingBench.run(run, messages, seed, warmups, passes, System.out);
    return r.consistent() ? 0 : 1;
  }
}
