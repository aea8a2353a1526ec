package io.kabuto.bench.journal;

import io.kabuto.bench.Progress;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.kabuto.persistence.journal.StorageReplicas;
import io.kabuto.persistence.node.StorageNode;
import io.kabuto.persistence.node.StorageProtocol.StatusReply;
import io.kabuto.persistence.node.StorageSettings;
import io.kabuto.persistence.store.LevelDbStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * {@code kabuto bench journal}: events/s of many persistent actors (one persist in flight each)
 * through Kabuto's replicated journal (3 StorageNode replicas in this JVM, quorum 2, fsync
 * always) against Pekko's local LevelDB journal (fsync on), and the replicated journal's latency
 * at a fraction of its peak under an open-loop (rate-limited) load.
 */
public final class JournalBench {
  private JournalBench() {}

  public static final int DEFAULT_ACTORS = 128;
  public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(3);
  public static final Duration DEFAULT_MEASURE = Duration.ofSeconds(10);
  public static final double DEFAULT_LOAD = 0.5;
  static final List<String> REPLICAS = List.of("r1", "r2", "r3");

  /** What to run. {@code dir}: parent of the temporary directories (null: java.io.tmpdir). */
  public record Options(int actors, Duration warmup, Duration measure, double load, Path dir,
      boolean verbose) {}

  /** Closed-loop result of one journal. */
  record Throughput(double eventsPerSec, Histogram latency) {}

  /** Open-loop result. */
  record OpenLoop(double targetRate, double achievedRate, Histogram latency, long sent,
      long lost) {}

  /** Everything measured; {@link #lastLine()} is the benchmark's last line. */
  public record Result(double kabuto, double p50Ms, double p99Ms, double local, long lost) {
    public double ratio() {
      return local > 0 ? kabuto / local : 0;
    }

    public String lastLine() {
      return String.format(Locale.ROOT,
          "journal: kabuto=%d p50=%.2f p99=%.2f leveldb-local=%d ratio=%.2f",
          Math.round(kabuto), p50Ms, p99Ms, Math.round(local), ratio());
    }
  }

  /** Thrown with a message that says what went wrong and what to do. */
  public static final class BenchFailure extends RuntimeException {
    BenchFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static Result run(Options o, PrintStream out) {
    Progress p = new Progress(out);
    if (!o.verbose()) {
      Progress.quietLogs("WARN");
    }
    Path parent = o.dir() != null ? o.dir() : Path.of(System.getProperty("java.io.tmpdir"));
    Path root;
    try {
      Files.createDirectories(parent);
      root = Files.createTempDirectory(parent.toAbsolutePath(), "kabuto-journal-bench-");
    } catch (IOException e) {
      throw new BenchFailure("cannot create a temporary directory under " + parent + ": " + e
          + "; pass --dir DIR with a writable directory", e);
    }
    p.say("journal bench: %d persistent actors, one persist in flight each; warm-up %s, "
            + "measure %s; open loop at %.0f%% of kabuto's peak; data under %s (%s)",
        o.actors(), human(o.warmup()), human(o.measure()), o.load() * 100, root, fsType(root));
    try {
      Throughput kabuto;
      OpenLoop open;
      try (KabutoRun k = new KabutoRun(o, root.resolve("kabuto"), p)) {
        k.start();
        Map<String, long[]> before = k.groupCommits();
        kabuto = closedLoop("kabuto", k.system, k.books, k.window, k.loop, o, p);
        Map<String, long[]> after = k.groupCommits();
        reportGroupCommits(before, after, p);
        double rate = Math.max(1, kabuto.eventsPerSec() * o.load());
        open = openLoop("kabuto", k.books, k.window, rate, o, p);
        k.checkNoneStopped();
      }
      Throughput local;
      try (LocalRun l = new LocalRun(o, root.resolve("leveldb-local"), p)) {
        l.start();
        local = closedLoop("leveldb-local", l.system, l.books, l.window, l.loop, o, p);
        l.checkNoneStopped();
      }
      Histogram ol = open.latency();
      double p50 = ol.getTotalCount() == 0 ? Double.NaN : ol.getValueAtPercentile(50) / 1e6;
      double p99 = ol.getTotalCount() == 0 ? Double.NaN : ol.getValueAtPercentile(99) / 1e6;
      p.say("summary: kabuto %,.0f events/s (closed-loop latency p50 %.2f ms, p99 %.2f ms); "
              + "leveldb-local %,.0f events/s (p50 %.2f ms, p99 %.2f ms)",
          kabuto.eventsPerSec(), ms(kabuto.latency(), 50), ms(kabuto.latency(), 99),
          local.eventsPerSec(), ms(local.latency(), 50), ms(local.latency(), 99));
      p.say("summary: kabuto at %.0f%% of peak: target %,.0f/s, achieved %,.0f/s, latency "
              + "p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (%d samples%s)",
          o.load() * 100, open.targetRate(), open.achievedRate(), p50, p99, ms(ol, 99.9),
          ol.getMaxValue() / 1e6, ol.getTotalCount(),
          open.lost() > 0 ? ", " + open.lost() + " persists never acknowledged" : "");
      p.say("targets: ratio >= 1.00: %s (%.2f); p99 <= 5 ms at %.0f%% of peak: %s (%.2f ms)",
          kabuto.eventsPerSec() >= local.eventsPerSec() ? "met" : "NOT met",
          local.eventsPerSec() > 0 ? kabuto.eventsPerSec() / local.eventsPerSec() : 0,
          o.load() * 100, p99 <= 5.0 ? "met" : "NOT met", p99);
      return new Result(kabuto.eventsPerSec(), p50, p99, local.eventsPerSec(), open.lost());
    } finally {
      Progress.deleteTree(root);
      p.say("removed %s", root);
    }
  }

  // ---------------------------------------------------------------- phases

  private static Throughput closedLoop(String name, ActorSystem<?> system,
      List<ActorRef<BenchBook.Command>> books, Window window, BenchBook.Loop loop, Options o,
      Progress p) {
    long base = window.completedTotal();
    loop.running = true;
    for (ActorRef<BenchBook.Command> b : books) {
      b.tell(new BenchBook.Command(0, true));
    }
    p.say("%s closed loop: warm-up %s", name, human(o.warmup()));
    sleepWithProgress(o.warmup(), window, name + " warm-up", p);
    long t = System.nanoTime();
    long end = t + o.measure().toNanos();
    window.open(t, end);
    p.say("%s closed loop: measuring %s (warm-up did %,d events)", name, human(o.measure()),
        window.completedTotal() - base);
    sleepWithProgress(o.measure(), window, name + " measuring", p);
    sleepUntil(end);
    long done = window.completedInWindow();
    loop.running = false;
    drain(window, books.size(), p, name);
    Histogram h = window.latencies();
    window.open(Long.MAX_VALUE, Long.MAX_VALUE);
    double rate = done / (o.measure().toNanos() / 1e9);
    p.say("%s closed loop: %,.0f events/s (%,d events), persist latency p50 %.2f ms, p99 %.2f ms,"
        + " max %.2f ms", name, rate, done, ms(h, 50), ms(h, 99), h.getMaxValue() / 1e6);
    if (done == 0) {
      throw new BenchFailure(name + ": no event was persisted in the measuring window; "
          + "run with --verbose to see the journal's errors", null);
    }
    return new Throughput(rate, h);
  }

  private static OpenLoop openLoop(String name, List<ActorRef<BenchBook.Command>> books,
      Window window, double rate, Options o, Progress p) {
    long base = window.completedTotal();
    double interval = 1e9 / rate;
    long t0 = System.nanoTime() + 1_000_000;
    long mStart = t0 + o.warmup().toNanos();
    long mEnd = mStart + o.measure().toNanos();
    window.open(mStart, mEnd);
    p.say("%s open loop: %,.0f events/s (%.0f%% of peak) spread over %d actors, warm-up %s, "
        + "then measuring %s; latency from the scheduled time", name, rate, o.load() * 100,
        books.size(), human(o.warmup()), human(o.measure()));
    long sent = 0;
    int n = books.size();
    long nextReport = t0 + 2_000_000_000L;
    boolean measuring = false;
    while (true) {
      long now = System.nanoTime();
      if (now >= mEnd) {
        break;
      }
      long due;
      while ((due = t0 + (long) (sent * interval)) <= now && due < mEnd) {
        books.get((int) (sent % n)).tell(new BenchBook.Command(due, false));
        sent++;
      }
      if (!measuring && now >= mStart) {
        measuring = true;
        p.say("%s open loop: measuring (%,d sent, %,d done)", name, sent,
            window.completedTotal() - base);
      } else if (now >= nextReport) {
        p.say("%s open loop: %s, %,d sent, %,d done", name, measuring ? "measuring" : "warm-up",
            sent, window.completedTotal() - base);
      }
      if (now >= nextReport) {
        nextReport += 2_000_000_000L;
      }
      LockSupport.parkNanos(100_000);
    }
    long done = window.completedInWindow();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (window.completedTotal() - base < sent && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000_000);
    }
    long lost = sent - (window.completedTotal() - base);
    Histogram h = window.latencies();
    window.open(Long.MAX_VALUE, Long.MAX_VALUE);
    double achieved = done / (o.measure().toNanos() / 1e9);
    p.say("%s open loop: achieved %,.0f events/s, latency p50 %.2f ms, p99 %.2f ms, max %.2f ms"
            + " (%,d samples)%s", name, achieved, ms(h, 50), ms(h, 99), h.getMaxValue() / 1e6,
        h.getTotalCount(), lost > 0 ? "; " + lost + " of " + sent + " persists not acknowledged "
            + "10 s after the end (the journal fell behind or dropped them)" : "");
    return new OpenLoop(rate, achieved, h, sent, Math.max(0, lost));
  }

  private static void sleepWithProgress(Duration d, Window window, String what, Progress p) {
    long end = System.nanoTime() + d.toNanos();
    long last = window.completedTotal();
    long lastT = System.nanoTime();
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return;
      }
      LockSupport.parkNanos(Math.min(left, 2_000_000_000L));
      if (end - System.nanoTime() > 100_000_000L) {
        long now = System.nanoTime();
        long c = window.completedTotal();
        p.say("%s: %,.0f events/s over the last %.1f s", what, (c - last) / ((now - lastT) / 1e9),
            (now - lastT) / 1e9);
        last = c;
        lastT = now;
      }
    }
  }

  private static void sleepUntil(long nanos) {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  /** Waits until the closed loop's last persists are acknowledged (no progress for 300 ms). */
  private static void drain(Window window, int actors, Progress p, String name) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long last = -1;
    int still = 0;
    while (System.nanoTime() < deadline && still < 3) {
      long c = window.completedTotal();
      still = c == last ? still + 1 : 0;
      last = c;
      LockSupport.parkNanos(100_000_000L);
    }
  }

  // ---------------------------------------------------------------- systems

  abstract static class Run implements AutoCloseable {
    final Options o;
    final Path dir;
    final Progress p;
    final Window window = new Window();
    final Window stopped = new Window();
    final BenchBook.Loop loop = new BenchBook.Loop();
    ActorSystem<Object> system;
    List<ActorRef<BenchBook.Command>> books;

    Run(Options o, Path dir, Progress p) {
      this.o = o;
      this.dir = dir;
      this.p = p;
    }

    abstract String name();

    void spawnBooks() {
      CountDownLatch recovered = new CountDownLatch(o.actors());
      CompletableFuture<List<ActorRef<BenchBook.Command>>> refs = new CompletableFuture<>();
      long t = System.nanoTime();
      system.tell(new BenchBook.Spawn(name() + "-book", o.actors(), window, loop, recovered,
          refs));
      try {
        books = refs.get(10, TimeUnit.SECONDS);
        if (!recovered.await(60, TimeUnit.SECONDS)) {
          throw new BenchFailure(name() + ": only " + (o.actors() - recovered.getCount()) + " of "
              + o.actors() + " persistent actors recovered within 60 s; run with --verbose to "
              + "see the journal's errors", null);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchFailure("interrupted", e);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new BenchFailure(name() + ": spawning the persistent actors failed: " + e, e);
      }
      p.say("%s: %d persistent actors recovered in %d ms", name(), o.actors(),
          (System.nanoTime() - t) / 1_000_000);
    }

    void checkNoneStopped() {
      long s = stopped.failures() + window.failures();
      if (s > 0) {
        throw new BenchFailure(name() + ": " + s + " persistent actors stopped or failed to "
            + "recover (a journal write or recovery failed); run with --verbose for the errors",
            null);
      }
    }

    @Override
    public void close() {
      if (system != null) {
        system.terminate();
        try {
          system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          p.say("%s: actor system did not terminate in 30 s: %s", name(), e);
        }
        p.say("%s: actor system terminated", name());
      }
    }
  }

  private static Config common(boolean verbose) {
    return ConfigFactory.parseString(String.join("\n",
        "pekko.loglevel = " + (verbose ? "INFO" : "WARNING"),
        "pekko.stdout-loglevel = WARNING",
        "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
        "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
        "pekko.log-dead-letters = off",
        "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
        "pekko.actor.serialization-bindings { \"io.kabuto.CborSerializable\" = jackson-cbor }"));
  }

  /** One actor system: cluster of itself, three storage nodes r1..r3, the books. */
  static final class KabutoRun extends Run {
    final Map<String, ActorRef<StorageNode.Command>> nodes = new LinkedHashMap<>();

    KabutoRun(Options o, Path dir, Progress p) {
      super(o, dir, p);
    }

    @Override
    String name() {
      return "kabuto";
    }

    void start() {
      Config cfg = ConfigFactory.parseString(String.join("\n",
              "pekko.actor.provider = cluster",
              "pekko.remote.artery.transport = tcp",
              "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"",
              "pekko.remote.artery.canonical.port = 0",
              "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
              "pekko.cluster.typed.receptionist.distributed-data.gossip-interval = 500ms",
              "pekko.persistence.journal.plugin = \"kabuto.journal\"",
              "pekko.persistence.snapshot-store.plugin = \"kabuto.snapshot-store\"",
              "kabuto.storage.replica-id = r1",
              "kabuto.storage.replicas = [" + String.join(", ", REPLICAS) + "]",
              "kabuto.storage.fsync = always"))
          .withValue("kabuto.storage.dir", ConfigValueFactory.fromAnyRef(dir.toString()))
          .withFallback(common(o.verbose()))
          .withFallback(ConfigFactory.load())
          .resolve();
      p.say("kabuto: starting actor system (cluster of one node on 127.0.0.1)");
      system = ActorSystem.create(BenchBook.guardian(stopped), "kabuto-journal-bench", cfg);
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      waitFor(() -> cluster.selfMember().status() == MemberStatus.up(), 20,
          "the node did not join itself (cluster member Up) within 20 s");
      StorageSettings base = StorageSettings.fromConfig(system.settings().config());
      for (String id : REPLICAS) {
        StorageSettings s = base.withReplicaId(id).withDir(dir.resolve(id));
        // An existing store (VERIFIED) votes at once; a brand-new one would first have to catch
        // up from its peers, which is not what a running cluster does on every write.
        LevelDbStore.open(s.dir(), s.storeConfig()).close();
        LevelDbStore store = LevelDbStore.open(s.dir(), s.storeConfig());
        nodes.put(id, system.systemActorOf(StorageNode.create(s, store), StorageNode.actorName(id),
            Props.empty()));
      }
      StorageReplicas replicas = StorageReplicas.get(system);
      waitFor(() -> replicas.visible().size() == REPLICAS.size(), 20,
          "the journal sees " + "only some storage nodes through the receptionist after 20 s");
      p.say("kabuto: storage nodes %s up (quorum %d, fsync %s, max-group-size %d), visible to "
          + "the journal", REPLICAS, base.quorum(), base.fsync(), base.maxGroupSize());
      spawnBooks();
    }

    /** requests and write batches of each storage node's group committer. */
    Map<String, long[]> groupCommits() {
      Map<String, long[]> m = new LinkedHashMap<>();
      for (Map.Entry<String, ActorRef<StorageNode.Command>> e : nodes.entrySet()) {
        try {
          StatusReply s = AskPattern.<StorageNode.Command, StatusReply>ask(e.getValue(),
                  StorageNode.GetStatus::new, Duration.ofSeconds(3), system.scheduler())
              .toCompletableFuture().get(5, TimeUnit.SECONDS);
          m.put(e.getKey(), new long[] {s.requests(), s.writes()});
        } catch (Exception ex) {
          m.put(e.getKey(), null);
        }
      }
      return m;
    }
  }

  /** Pekko's local LevelDB journal, fsync on, local snapshot store. */
  private static final class LocalRun extends Run {
    LocalRun(Options o, Path dir, Progress p) {
      super(o, dir, p);
    }

    @Override
    String name() {
      return "leveldb-local";
    }

    void start() {
      try {
        Files.createDirectories(dir.resolve("journal"));
        Files.createDirectories(dir.resolve("snapshots"));
      } catch (IOException e) {
        throw new BenchFailure("cannot create " + dir + ": " + e, e);
      }
      Config cfg = ConfigFactory.parseString(String.join("\n",
              "pekko.actor.provider = local",
              "pekko.persistence.journal.plugin = \"pekko.persistence.journal.leveldb\"",
              "pekko.persistence.journal.leveldb.native = on",
              "pekko.persistence.journal.leveldb.fsync = on",
              "pekko.persistence.snapshot-store.plugin = \"pekko.persistence.snapshot-store.local\""))
          .withValue("pekko.persistence.journal.leveldb.dir",
              ConfigValueFactory.fromAnyRef(dir.resolve("journal").toString()))
          .withValue("pekko.persistence.snapshot-store.local.dir",
              ConfigValueFactory.fromAnyRef(dir.resolve("snapshots").toString()))
          .withFallback(common(o.verbose()))
          .withFallback(ConfigFactory.load())
          .resolve();
      p.say("leveldb-local: starting a fresh actor system (Pekko LevelDB journal, native, fsync on)");
      system = ActorSystem.create(BenchBook.guardian(stopped), "leveldb-journal-bench", cfg);
      spawnBooks();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void reportGroupCommits(Map<String, long[]> before, Map<String, long[]> after,
      Progress p) {
    List<String> parts = new ArrayList<>();
    for (String id : after.keySet()) {
      long[] a = after.get(id);
      long[] b = before.get(id);
      if (a == null || b == null) {
        parts.add(id + "=?");
        continue;
      }
      long req = a[0] - b[0];
      long wr = a[1] - b[1];
      parts.add(String.format(Locale.ROOT, "%s %,d requests in %,d fsynced batches (%.1f per batch)",
          id, req, wr, wr == 0 ? 0.0 : (double) req / wr));
    }
    p.say("kabuto group commit during the closed loop (warm-up + measure + drain): %s",
        String.join("; ", parts));
  }

  private static void waitFor(java.util.function.BooleanSupplier cond, int seconds, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new BenchFailure("kabuto: " + what + "; run with --verbose to see why", null);
      }
      LockSupport.parkNanos(20_000_000L);
    }
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static String fsType(Path dir) {
    try {
      return "file system " + Files.getFileStore(dir).type();
    } catch (IOException e) {
      return "file system unknown";
    }
  }

}
