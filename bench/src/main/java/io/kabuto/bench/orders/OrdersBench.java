package io.kabuto.bench.orders;

import com.typesafe.config.Config;
import io.kabuto.bench.BenchCluster;
import io.kabuto.bench.BenchFailure;
import io.kabuto.bench.Progress;
import io.kabuto.book.BookSettings;
import io.kabuto.cli.cluster.LocalCluster;
import io.kabuto.cli.cluster.Topology;
import io.kabuto.gateway.Participant;
import io.kabuto.gateway.fix.FixSettings;
import io.kabuto.matching.BookRules;
import io.kabuto.node.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole-system order-entry benchmark: the default local cluster (five JVMs, replicated
 * journal on three storage nodes, fsync as configured), load-client processes ({@link
 * OrdersClient}) with FIX sessions spread over the gateways, an open-loop schedule (latency from
 * the intended send time, HdrHistogram), a warm-up, then steps from the start rate upwards until
 * a step does not hold (p99 over the target, any error, or the achieved rate under 95% of the
 * offered one).
 */
public final class OrdersBench {
  static final String OVERLAY_RESOURCE = "kabuto/bench/orders.conf";
  static final String OVERLAY_FILE = "cluster-config/bench/orders.conf";
  static final double P99_TARGET_MILLIS = 50;
  static final double MIN_ACHIEVED_SHARE = 0.95;

  public record Options(int startRate, int step, int maxRate, Duration perStep, Duration warmup,
      Duration drain, int clients, int sessionsPerClient, Topology topology, Path runDir,
      boolean keep, boolean verbose) {
    public Options {
      if (startRate < 1 || step < 1 || maxRate < startRate) {
        throw new IllegalArgumentException("need 1 <= --start-rate <= --max-rate and --step >= 1 "
            + "(got start " + startRate + ", step " + step + ", max " + maxRate + ")");
      }
      if (perStep.toMillis() < 1000 || warmup.isNegative() || drain.toMillis() < 100) {
        throw new IllegalArgumentException("--duration-per-step must be at least 1 s, --warmup "
            + "0 s or more");
      }
      if (clients < 1 || clients > 8 || sessionsPerClient < 1 || sessionsPerClient > 32) {
        throw new IllegalArgumentException("--clients must be 1..8 and --sessions 1..32");
      }
    }
  }

  /** One step as measured over all clients. */
  public record Step(int rate, StepStats stats, long durationMillis, boolean held, String why) {
    double achieved() {
      return stats.answeredInWindow * 1000.0 / durationMillis;
    }
  }

  /**
   * The overload step: {@code rate} (twice the last rate that held) for one step, then {@code
   * recoveryRate} again in windows until one holds. {@code recoveredSeconds}: from the end of the
   * overload to the start of the first window that held; negative if none did within the limit.
   */
  public record Overload(int rate, Step step, int recoveryRate, List<Step> windows,
      double recoveredSeconds) {}

  /** {@code downed}: nodes whose process exited, or that a live node saw Down or Removed. */
  public record Result(int startRate, List<Step> steps, Overload overload, List<String> downed) {
    public int sustained() {
      int best = 0;
      for (Step s : steps) {
        if (!s.held()) {
          break;
        }
        best = s.rate();
      }
      return best;
    }

    public Step first() {
      return steps.get(0);
    }

    /** "10k" for 10,000; the rate itself otherwise. */
    String rateLabel() {
      return startRate % 1000 == 0 ? startRate / 1000 + "k" : Integer.toString(startRate);
    }

    public String lastLine() {
      String l = rateLabel();
      StepStats f = first().stats();
      String recovered = overload == null ? "n/a" : overload.recoveredSeconds() < 0 ? "never"
          : String.format(Locale.ROOT, "%.1f", overload.recoveredSeconds());
      return String.format(Locale.ROOT,
          "orders: sustained=%d p50@%s=%.2f p99@%s=%.2f errors=%d downed=%d recovered=%s",
          sustained(), l, f.percentileMillis(50), l, f.percentileMillis(99), f.errors(),
          downed.size(), recovered);
    }
  }

  private final Options o;
  private final Progress p;
  private final PrintStream out;
  private volatile LocalCluster cluster;
  private final List<ClientProcess> clients = new ArrayList<>();
  private Path runDir;
  /** Nodes seen not running after any step. */
  private final java.util.Set<String> everDead = new java.util.TreeSet<>();
  /** How long the recovery windows after the overload go on at most. */
  private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(60);

  private OrdersBench(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
    this.p = new Progress(out);
  }

  public static Result run(Options o, PrintStream out) throws Exception {
    return new OrdersBench(o, out).run();
  }

  private Result run() throws Exception {
    if (!o.verbose()) {
      Progress.quietLogs("ERROR");
    }
    boolean tempDir = o.runDir() == null;
    runDir = tempDir ? Files.createTempDirectory("kabuto-bench-orders") : o.runDir().toAbsolutePath();
    Files.createDirectories(runDir);
    Thread hook = BenchCluster.addHook("bench-orders-teardown", this::emergencyTeardown);
    try {
      Topology base = o.topology() != null ? o.topology() : Topology.defaultTopology(BenchCluster.home());
      Topology t = new Topology(base.name(), base.nodes(), base.seeds(), base.nodeConfig()
          + "\n# ./kabuto bench orders: " + OVERLAY_FILE + "\n" + overlay() + "\n");
      List<Topology.Node> gateways = t.nodes().stream()
          .filter(n -> n.roles().contains(NodeConfig.ROLE_GATEWAY)).toList();
      if (gateways.isEmpty()) {
        throw new BenchFailure("topology " + t.name() + " has no gateway node to send orders to");
      }
      Config conf = nodeConfig(t, gateways.get(0));
      List<Participant> bench = Participant.fromConfig(conf).values().stream()
          .filter(x -> x.name().startsWith("BENCH")).toList();
      int sessions = o.clients() * o.sessionsPerClient();
      if (bench.size() < sessions) {
        throw new BenchFailure(o.clients() + " clients x " + o.sessionsPerClient() + " sessions need "
            + sessions + " participants, " + OVERLAY_FILE + " lists " + bench.size()
            + " (BENCHnn): lower --clients/--sessions or add participants there");
      }
      List<OrderMix.Listed> listed = listed(conf);
      describe(t, conf, gateways, listed, sessions);

      p.say("starting topology %s (%d nodes) in %s", t.name(), t.nodes().size(), runDir);
      cluster = BenchCluster.up(runDir.resolve("cluster"), t, out, Duration.ofSeconds(180));
      p.say("cluster up");
      startClients(t, gateways, bench, listed, conf);
      return steps();
    } finally {
      teardown(tempDir);
      BenchCluster.removeHook(hook);
    }
  }

  // ------------------------------------------------------------------------ set-up

  private String overlay() throws IOException {
    try (InputStream in = OrdersBench.class.getClassLoader().getResourceAsStream(OVERLAY_RESOURCE)) {
      if (in != null) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    Path f = BenchCluster.home().resolve(OVERLAY_FILE);
    if (!Files.isRegularFile(f)) {
      throw new BenchFailure("the benchmark's overlay config is missing: neither " + OVERLAY_RESOURCE
          + " on the classpath nor " + f + " (run from the repository root, or set KABUTO_HOME)");
    }
    return Files.readString(f);
  }

  /** The resolved config a gateway node of {@code t} will run with (checked before starting). */
  private Config nodeConfig(Topology t, Topology.Node n) throws IOException {
    Path f = runDir.resolve("config-check-" + n.name() + ".conf");
    Files.writeString(f, t.nodeConfFor(n));
    try {
      return NodeConfig.build(new NodeConfig.Options().roles(n.roles()).port(n.port())
          .hostname(n.hostname()).seeds(t.seeds()).configFile(f)
          .dataDir(runDir.resolve("config-check"))).config();
    } catch (RuntimeException e) {
      throw new BenchFailure("the nodes' config with the benchmark overlay is invalid: " + e.getMessage());
    }
  }

  private static List<OrderMix.Listed> listed(Config conf) {
    BookSettings books = BookSettings.fromConfig(conf);
    List<OrderMix.Listed> out = new ArrayList<>();
    for (String s : books.listedSymbols()) {
      BookSettings.Resolution r = books.rulesFor(s);
      if (r.rules() == null) {
        throw new BenchFailure("listed symbol " + s + ": " + r.problem());
      }
      BookRules b = r.rules();
      out.add(new OrderMix.Listed(s, b.basePrice(), b.ticks(), b.lotSize()));
    }
    if (out.isEmpty()) {
      throw new BenchFailure("no listed symbols (kabuto.book.symbols) to send orders to");
    }
    return out;
  }

  private void describe(Topology t, Config conf, List<Topology.Node> gateways,
      List<OrderMix.Listed> listed, int sessions) {
    p.say("what runs: topology %s, %d nodes:", t.name(), t.nodes().size());
    for (Topology.Node n : t.nodes()) {
      p.say("  %s %s", n.name(), n.roles());
    }
    String journal = conf.getString("pekko.persistence.journal.plugin");
    p.say("storage: journal plugin %s, mode %s, replicas %s (a write is acknowledged by a majority), "
            + "fsync %s, group commit up to %d", journal, conf.getString("kabuto.storage.mode"),
        conf.getStringList("kabuto.storage.replicas"), conf.getString("kabuto.storage.fsync"),
        conf.getInt("kabuto.storage.max-group-size"));
    p.say("load: %d client processes x %d FIX sessions (participants BENCH01..BENCH%02d) over the "
            + "gateways %s; %d listed symbols", o.clients(), o.sessionsPerClient(), sessions,
        gateways.stream().map(Topology.Node::name).toList(), listed.size());
    p.say("mix: limit DAY orders around each base price (buys -%d..+%d ticks, sells mirrored, "
            + "1-5 lots), %.0f%% cancels of own resting orders (all while a session has over %d resting)",
        OrderMix.TICKS_AWAY, OrderMix.TICKS_THROUGH, OrderMix.CANCEL_SHARE * 100, OrderMix.MAX_RESTING);
    p.say("steps: warm-up %d s at %,d/s, then %,d/s and +%,d/s up to %,d/s, %d s each (drain up to "
            + "%d s); a step holds with p99 <= %.0f ms, no errors, achieved >= %.0f%% of offered",
        o.warmup().toSeconds(), o.startRate(), o.startRate(), o.step(), o.maxRate(),
        o.perStep().toSeconds(), o.drain().toSeconds(), P99_TARGET_MILLIS, MIN_ACHIEVED_SHARE * 100);
  }

  private void startClients(Topology t, List<Topology.Node> gateways, List<Participant> bench,
      List<OrderMix.Listed> listed, Config conf) throws Exception {
    String symbols = String.join(",", listed.stream().map(OrderMix.Listed::arg).toList());
    for (int c = 0; c < o.clients(); c++) {
      List<String> args = new ArrayList<>(List.of("--seed", Integer.toString(c + 1), "--symbols", symbols));
      List<String> where = new ArrayList<>();
      for (int j = 0; j < o.sessionsPerClient(); j++) {
        int g = c * o.sessionsPerClient() + j;
        Participant part = bench.get(g);
        Topology.Node gw = gateways.get(g % gateways.size());
        int fixPort = fixPort(t, gw);
        args.add("--session");
        args.add(part.name() + ":" + part.password() + "@" + gw.hostname() + ":" + fixPort);
        where.add(part.name() + "@" + gw.name());
      }
      ClientProcess cp = ClientProcess.start("client-" + (c + 1), runDir, args);
      clients.add(cp);
      p.say("client-%d (pid %d): %s", c + 1, cp.pid(), String.join(" ", where));
    }
    for (ClientProcess cp : clients) {
      cp.next("ready", 90_000);
    }
    p.say("all sessions logged on");
  }

  private int fixPort(Topology t, Topology.Node gw) throws IOException {
    Config c = nodeConfig(t, gw);
    FixSettings f = FixSettings.fromConfig(c);
    if (!f.enabled()) {
      throw new BenchFailure("the FIX acceptor of " + gw.name() + " is disabled (kabuto.gateway.fix.enabled)");
    }
    return f.port();
  }

  // ------------------------------------------------------------------------- steps

  private Result steps() throws Exception {
    if (!o.warmup().isZero()) {
      p.say("warm-up: %,d orders/s for %d s (not measured)", o.startRate(), o.warmup().toSeconds());
      Step w = step(0, o.startRate(), o.warmup().toMillis());
      p.say("warm-up done: %s", w.why());
    }
    List<Step> steps = new ArrayList<>();
    int id = 1;
    for (int rate = o.startRate(); rate <= o.maxRate(); rate += o.step()) {
      p.say("step %d: %,d orders/s offered for %d s", id, rate, o.perStep().toSeconds());
      Step s = step(id++, rate, o.perStep().toMillis());
      steps.add(s);
      report(s);
      if (!s.held()) {
        break;
      }
    }
    Overload overload = overload(steps);
    summary(steps, overload);
    List<String> downed = downed();
    if (!downed.isEmpty()) {
      p.say("nodes downed or exited during the run: %s", String.join(", ", downed));
    }
    return new Result(o.startRate(), steps, overload, downed);
  }

  /**
   * Twice the last rate that held (the start rate if none did) for one step: the exchange must
   * refuse what it cannot take (EXCHANGE_BUSY) and slow down, never down a node. Then the rate
   * that held again, in short windows, until one holds: how long the exchange takes to be itself
   * again once the surge is over.
   */
  private Overload overload(List<Step> steps) throws InterruptedException {
    int held = new Result(o.startRate(), steps, null, List.of()).sustained();
    int base = held > 0 ? held : o.startRate();
    int rate = 2 * base;
    p.say("overload: %,d orders/s (twice %s) for %d s", rate,
        held > 0 ? "the last rate that held" : "the start rate; no step held", o.perStep().toSeconds());
    Step over = step(900, rate, o.perStep().toMillis());
    report(over);
    long window = Math.max(2_000, o.perStep().toMillis() / 4);
    long limitNanos = System.nanoTime() + RECOVERY_LIMIT.toNanos();
    long overNanos = System.nanoTime();
    List<Step> windows = new ArrayList<>();
    double recovered = -1;
    int id = 901;
    while (System.nanoTime() < limitNanos) {
      double at = (System.nanoTime() - overNanos) / 1e9;
      Step w = step(id++, base, window);
      windows.add(w);
      p.say("  recovery window at +%.1f s: %,d/s offered, p99 %.1f ms, %d errors -> %s", at, base,
          w.stats().percentileMillis(99), w.stats().errors(), w.held() ? "HELD" : w.why());
      if (w.held()) {
        recovered = at;
        break;
      }
    }
    if (recovered < 0) {
      p.say("  no window at %,d/s held within %d s of the overload", base,
          RECOVERY_LIMIT.toSeconds());
    }
    return new Overload(rate, over, base, windows, recovered);
  }

  /** Nodes whose process is gone, or that a running node's /health shows Down or removed. */
  private List<String> downed() {
    java.util.Set<String> out = new java.util.TreeSet<>(everDead);
    LocalCluster c = cluster;
    for (var n : c.nodes()) {
      if (!c.processState(n.name()).equals("running")) {
        out.add(n.name());
        continue;
      }
      c.health(n.name(), Duration.ofSeconds(3)).ifPresent(h -> {
        java.util.Set<String> up = new java.util.HashSet<>();
        for (var m : h.path("members")) {
          if (m.path("status").asText().equals("Up")) {
            up.add(m.path("address").asText());
          }
        }
        for (var other : c.nodes()) {
          if (!up.contains("pekko://kabuto@" + other.hostPort())) {
            out.add(other.name());
          }
        }
      });
    }
    return new ArrayList<>(out);
  }

  private Step step(int id, int rate, long millis) throws InterruptedException {
    Map<String, long[]> cpu0 = cpu();
    long t0 = System.nanoTime();
    long startAt = System.currentTimeMillis() + 500;
    double perClient = (double) rate / clients.size();
    for (ClientProcess c : clients) {
      c.send(String.format(Locale.ROOT, "step %d %.3f %d %d %d", id, perClient, millis, startAt,
          o.drain().toMillis()));
    }
    StepStats all = new StepStats();
    for (ClientProcess c : clients) {
      all.merge(StepStats.fromLine(c.next("result", millis + o.drain().toMillis() + 60_000)));
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    Step s = judge(rate, all, millis, deadNodes());
    if (o.verbose() || id > 0) {
      p.say("  cpu over the step (%.0f s wall, %% of one core): %s", wall, cpuLine(cpu0, cpu(), wall));
    }
    return s;
  }

  /** Nodes whose process is gone (an overloaded cluster can down itself: split brain resolver). */
  private List<String> deadNodes() {
    List<String> dead = new ArrayList<>();
    LocalCluster c = cluster;
    for (var n : c.nodes()) {
      String st = c.processState(n.name());
      if (!st.equals("running")) {
        everDead.add(n.name());
        dead.add(n.name() + " " + st + " (log " + c.logFile(n.name()) + ")");
      }
    }
    return dead;
  }

  private Step judge(int rate, StepStats s, long millis, List<String> deadNodes) {
    List<String> why = new ArrayList<>();
    if (!deadNodes.isEmpty()) {
      why.add("nodes not running: " + String.join(", ", deadNodes));
    }
    double p99 = s.percentileMillis(99);
    if (p99 > P99_TARGET_MILLIS) {
      why.add(String.format(Locale.ROOT, "p99 %.1f ms > %.0f ms", p99, P99_TARGET_MILLIS));
    }
    if (s.errors() > 0) {
      why.add(s.errors() + " errors");
    }
    double achieved = s.answeredInWindow * 1000.0 / millis;
    if (achieved < MIN_ACHIEVED_SHARE * rate) {
      why.add(String.format(Locale.ROOT, "achieved %,.0f/s < %.0f%% of %,d/s", achieved,
          MIN_ACHIEVED_SHARE * 100, rate));
    }
    return new Step(rate, s, millis, why.isEmpty(), why.isEmpty() ? "held" : String.join(", ", why));
  }

  private void report(Step st) {
    StepStats s = st.stats();
    p.say("  offered %,d/s, achieved %,.0f/s; sent %,d, answered %,d (%,d new orders, %,d cancels, "
            + "%,d cancels too late: filled first)", st.rate(), st.achieved(), s.sent, s.answered,
        s.newOrders, s.cancels, s.cancelsTooLate);
    p.say("  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (client sender at "
            + "worst %.1f ms behind schedule)", s.percentileMillis(50), s.percentileMillis(90),
        s.percentileMillis(99), s.percentileMillis(99.9), s.latency.getMaxValue() / 1000.0,
        s.maxBehindMicros / 1000.0);
    p.say("  errors %d (rejects %d of which EXCHANGE_BUSY %d, session rejects %d, timeouts %d, "
            + "disconnects %d) -> %s", s.errors(), s.rejects, s.busy, s.sessionRejects, s.timeouts,
        s.disconnects,
        st.held() ? "HELD" : "NOT HELD: " + st.why());
    for (String e : s.errorSamples) {
      p.say("    e.g. %s", e.replace('_', ' '));
    }
  }

  private void summary(List<Step> steps, Overload overload) {
    p.say("summary (offered/s -> achieved/s, p50/p99 ms, errors):");
    for (Step s : steps) {
      line("", s);
    }
    line("overload ", overload.step());
    p.say("  of which refused EXCHANGE_BUSY in the overload: %,d", overload.step().stats().busy);
    p.say("  recovered: %s", overload.recoveredSeconds() < 0 ? "never, within "
        + RECOVERY_LIMIT.toSeconds() + " s" : String.format(Locale.ROOT,
            "%.1f s after the overload (%,d/s held again)", overload.recoveredSeconds(),
            overload.recoveryRate()));
  }

  private void line(String what, Step s) {
    p.say("  %s%,7d -> %,9.0f  %7.2f %8.2f  %d  %s", what, s.rate(), s.achieved(),
        s.stats().percentileMillis(50), s.stats().percentileMillis(99), s.stats().errors(),
        s.held() ? "held" : s.why());
  }

  // -------------------------------------------------------------- cpu per process

  /** utime+stime in clock ticks per process (nodes and clients), from /proc. */
  private Map<String, long[]> cpu() {
    Map<String, long[]> m = new LinkedHashMap<>();
    LocalCluster c = cluster;
    if (c != null) {
      for (var n : c.nodes()) {
        pidOf(c.runDir().resolve(n.name() + ".pid")).ifPresent(pid -> ticks(pid).ifPresent(t -> m.put(n.name(), t)));
      }
    }
    for (ClientProcess cp : clients) {
      ticks(cp.pid()).ifPresent(t -> m.put(cp.name, t));
    }
    return m;
  }

  private static String cpuLine(Map<String, long[]> a, Map<String, long[]> b, double wallSeconds) {
    StringBuilder s = new StringBuilder();
    double total = 0;
    for (Map.Entry<String, long[]> e : b.entrySet()) {
      long[] before = a.get(e.getKey());
      if (before == null) {
        continue;
      }
      double pct = (e.getValue()[0] - before[0]) / 100.0 / wallSeconds * 100; // USER_HZ = 100
      total += pct;
      s.append(String.format(Locale.ROOT, "%s %.0f%%, ", e.getKey(), pct));
    }
    return s.append(String.format(Locale.ROOT, "total %.0f%% of 200%%", total)).toString();
  }

  private static java.util.Optional<Long> pidOf(Path pidFile) {
    try {
      return java.util.Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
    } catch (IOException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  private static java.util.Optional<long[]> ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 14 and 15 of stat (utime, stime) are 11 and 12 after the state field
      return java.util.Optional.of(new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12])});
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  // ---------------------------------------------------------------------- teardown

  private void teardown(boolean tempDir) {
    for (ClientProcess c : clients) {
      c.close();
    }
    BenchCluster.down(cluster, p, Duration.ofSeconds(20));
    cluster = null;
    if (o.keep() || !tempDir) {
      p.say("run dir kept: %s (node logs in cluster/, client logs client-N.log)", runDir);
    } else {
      Progress.deleteTree(runDir);
    }
  }

  /** Ctrl-C / SIGTERM: no time for a graceful leave; kill every process and remove the temp dir. */
  private void emergencyTeardown() {
    for (ClientProcess cp : clients) {
      cp.kill();
    }
    BenchCluster.killAll(cluster, out);
    if (!o.keep() && o.runDir() == null && runDir != null) {
      Progress.deleteTree(runDir);
    }
  }
}
