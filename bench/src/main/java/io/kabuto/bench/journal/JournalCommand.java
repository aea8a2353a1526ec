package io.kabuto.bench.journal;

import io.kabuto.cli.KabutoCli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kabuto bench journal}: see {@link JournalBench}. */
@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    versionProvider = KabutoCli.Version.class,
    description = {
      "Events/s of many persistent actors (Pekko EventSourcedBehavior, one small event",
      "persisted at a time each, closed loop) through Kabuto's replicated journal (3 storage",
      "replicas in this JVM, quorum 2, fsync always) against Pekko's local LevelDB journal",
      "(native, fsync on), one fresh actor system each, same machine. Then the replicated",
      "journal's persist latency at a fraction of its measured peak (open loop: persists",
      "scheduled at a fixed rate, latency from the scheduled time).",
      "",
      "The last line is",
      "  journal: kabuto=<events/s> p50=<ms> p99=<ms> leveldb-local=<events/s> ratio=<kabuto/local>",
      "with p50/p99 from the open-loop run. Exit code 1 if a run failed.",
      ""
    })
public final class JournalCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--actors", paramLabel = "N",
      description = "Persistent actors (\"books\") per journal (default: ${DEFAULT-VALUE}).")
  int actors = JournalBench.DEFAULT_ACTORS;

  @Option(names = "--warmup", paramLabel = "SECONDS",
      description = "Warm-up before each measuring window (default: ${DEFAULT-VALUE}).")
  double warmup = JournalBench.DEFAULT_WARMUP.toMillis() / 1000.0;

  @Option(names = "--measure", paramLabel = "SECONDS",
      description = "Measuring window of each run (default: ${DEFAULT-VALUE}).")
  double measure = JournalBench.DEFAULT_MEASURE.toMillis() / 1000.0;

  @Option(names = "--load", paramLabel = "FRACTION",
      description = "Open-loop rate as a fraction of kabuto's measured peak (default: ${DEFAULT-VALUE}).")
  double load = JournalBench.DEFAULT_LOAD;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Where the temporary journal directories go (default: java.io.tmpdir); "
          + "use a directory on the disk you want to measure.")
  Path dir;

  @Option(names = "--book", description = "Instead: orders/s through one order book on the replicated "
      + "journal with write batching (kabuto.book.max-batch) and without (max-batch = 1); last line "
      + "book: batched=<orders/s> alone=<orders/s> ratio=<batched/alone>.")
  boolean book;

  @Option(names = "--verbose", description = "Keep Pekko's and Kabuto's INFO logs.")
  boolean verbose;

  @Override
  public Integer call() {
    if (actors < 1 || actors > 10_000) {
      throw new ParameterException(spec.commandLine(), "--actors must be 1..10000");
    }
    if (warmup < 0) throw new ParameterException(spec.commandLine(), "--warmup must be 0 or more");
    if (measure < 0.1) throw new ParameterException(spec.commandLine(), "--measure must be 0.1 or more");
    if (load <= 0 || load > 1) throw new ParameterException(spec.commandLine(), "--load must be in (0, 1]");
    JournalBench.Options o = new JournalBench.Options(actors,
        Duration.ofMillis(Math.round(warmup * 1000)), Duration.ofMillis(Math.round(measure * 1000)),
        load, dir, verbose);
    try {
      if (book) {
        System.out.println(BookBatchBench.run(o, System.out));
        return 0;
      }
      JournalBench.Result r = JournalBench.run(o, System.out);
      System.out.println(r.lastLine());
      return r.lost() > 0 ? 1 : 0;
    } catch (JournalBench.BenchFailure e) {
      System.out.println("journal bench FAILED: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      System.out.println("journal bench FAILED: " + e + "; run with --verbose and check that "
          + "leveldbjni can load (x86_64/aarch64 Linux) and the temp directory is writable");
      e.printStackTrace(System.out);
      return 1;
    }
  }
}
