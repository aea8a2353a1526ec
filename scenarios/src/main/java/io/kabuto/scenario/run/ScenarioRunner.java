package io.kabuto.scenario.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.cli.cluster.ClusterState.NodeState;
import io.kabuto.cli.cluster.LocalCluster;
import io.kabuto.cli.cluster.Topology;
import io.kabuto.scenario.broker.BrokerId;
import io.kabuto.scenario.broker.BrokerFleet;
import io.kabuto.scenario.broker.BrokerLoop;
import io.kabuto.scenario.broker.GatewayAddress;
import io.kabuto.scenario.broker.GatewayClient;
import io.kabuto.scenario.broker.LoadLevel;
import io.kabuto.scenario.broker.Roster;
import io.kabuto.scenario.check.CheckResult;
import io.kabuto.scenario.check.Checker;
import io.kabuto.scenario.check.Verdict;
import io.kabuto.scenario.check.FinalState;
import io.kabuto.scenario.check.halt.HaltChecks;
import io.kabuto.scenario.watch.ExchangeWatcher;
import io.kabuto.scenario.history.ClusterWatcher;
import io.kabuto.scenario.history.History;
import io.kabuto.scenario.model.Scenario;
import io.kabuto.scenario.model.SimTime;
import io.kabuto.scenario.model.SymbolSpec;
import io.kabuto.scenario.nemesis.Nemesis;
import io.kabuto.scenario.report.HtmlReport;
import io.kabuto.scenario.report.SummaryJson;
import io.kabuto.matching.Prices;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scenario end to end: the cluster (started with the scenario's config, or attached),
 * the brokers, the fault timeline and the cluster watcher, all writing one history; then the final
 * lookups, the checker, and the report. The exit code is 0 only if every expectation held.
 */
public final class ScenarioRunner {
  /** How long brokers may keep resending after the simulated day ends. */
  static final Duration RESEND_GRACE = Duration.ofSeconds(20);
  /** Above the gateway's book-deadline (10 s): the gateway keeps retrying a book failing over. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private final Scenario scenario;
  private final RunOptions options;
  private final PrintWriter out;

  public ScenarioRunner(Scenario scenario, RunOptions options, PrintWriter out) {
    this.scenario = scenario;
    this.options = options;
    this.out = out;
  }

  /** The outcome: the checker's result and where the files are. */
  public record Outcome(CheckResult result, Path history, Path summary, Path report) {}

  public Outcome run() throws IOException, InterruptedException {
    Files.createDirectories(options.out());
    List<BrokerId> brokers = Roster.of(scenario);
    LocalCluster cluster;
    Thread hook = null;
    boolean started = options.attachRunDir() == null;
    if (started) {
      Topology t = nodeTopology(brokers);
      Files.deleteIfExists(epochFile()); // a clock from an earlier run in this directory
      out.println("starting the " + t.name() + " cluster (" + t.nodes().size() + " nodes) in "
          + options.out().resolve("cluster"));
      cluster = LocalCluster.up(options.out().resolve("cluster"), t, quiet(), Duration.ofSeconds(180));
      LocalCluster c = cluster;
      hook = new Thread(c::killAll, "scenario-teardown");
      Runtime.getRuntime().addShutdownHook(hook);
    } else {
      cluster = LocalCluster.attach(options.attachRunDir(), quiet());
      out.println("attached to the cluster in " + cluster.runDir() + " (its config must list the brokers "
          + brokers.stream().map(BrokerId::name).toList() + " as participants)");
    }
    try {
      return runOn(cluster, brokers);
    } finally {
      if (started) {
        out.println("stopping the cluster");
        cluster.down(Duration.ofSeconds(20));
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
  }

  /** The scenario's topology with its config, symbols and brokers added to every node's config. */
  Topology nodeTopology(List<BrokerId> brokers) {
    Topology t = scenario.topology();
    StringBuilder extra = new StringBuilder(t.nodeConfig()).append("\n# scenario ").append(scenario.name()).append('\n');
    extra.append(marketClockConfig());
    for (SymbolSpec s : scenario.symbols().values()) {
      extra.append("kabuto.book.symbols.\"").append(s.symbol()).append("\" { base-price = \"")
          .append(Prices.format(s.basePrice())).append("\", tick-table = ").append(s.tickTable())
          .append(", lot-size = ").append(s.lotSize()).append(" }\n");
    }
    extra.append(Roster.participantsConfig(brokers));
    // last, so a scenario can change what was generated (a participant's cap, a symbol's rules)
    extra.append(scenario.configOverrides()).append('\n');
    return new Topology(t.name(), t.nodes(), t.seeds(), extra.toString());
  }

  /** The file the nodes' market clocks read the day's start instant from (kabuto.market.clock). */
  Path epochFile() {
    return options.out().resolve("cluster").resolve("clock-epoch");
  }

  /**
   * The nodes' market clock is the scenario's: same start and speed, started by the epoch file the
   * runner writes when the day begins, so the schedule's boundaries fall at the simulated times the
   * brokers and the faults use (and do not restart when the supervisor moves).
   */
  String marketClockConfig() {
    return "kabuto.market.schedule = " + (scenario.clock().schedule() ? "on" : "off") + "\n"
        + "kabuto.market.clock { mode = scenario, start = \"" + SimTime.format(scenario.clock().start())
        + "\", speed = " + scenario.clock().speed() + ", epoch-file = \""
        + epochFile().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\" }\n";
  }

  private void writeEpoch(long epochMillis) throws IOException {
    Path tmp = epochFile().resolveSibling("clock-epoch.tmp");
    Files.writeString(tmp, Long.toString(epochMillis));
    Files.move(tmp, epochFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private Outcome runOn(LocalCluster cluster, List<BrokerId> brokers) throws IOException, InterruptedException {
    SimClock clock = new SimClock(scenario.clock());
    long origin = System.nanoTime();
    Path historyFile = options.out().resolve("history.jsonl");
    LiveStats stats = new LiveStats();
    CheckResult result;
    try (History history = History.create(historyFile, origin, clock::now)) {
      List<URI> gateways = new ArrayList<>();
      Map<String, String> gatewayNodes = new LinkedHashMap<>();
      for (NodeState n : cluster.nodes()) {
        if (n.roles().contains("gateway")) {
          URI u = URI.create("http://" + n.hostname() + ":" + (n.port() + 20000));
          gateways.add(u);
          gatewayNodes.put(n.name(), u.toString());
        }
      }
      GatewayClient client = new GatewayClient(gateways, history, REQUEST_TIMEOUT);
      Map<String, Long> baseline = waitForBooks(client, brokers.get(0));

      ObjectNode runLine = history.line("run");
      runLine.put("phase", "start");
      runLine.put("scenario", scenario.name());
      runLine.put("seed", scenario.seed());
      runLine.put("speed", scenario.clock().speed());
      runLine.put("brokers", brokers.size());
      ObjectNode gws = runLine.putObject("gateways");
      gatewayNodes.forEach(gws::put);
      history.append(runLine);

      ClusterWatcher watcher = new ClusterWatcher(cluster, history, Duration.ofMillis(500));
      watcher.start();
      ExchangeWatcher exchange = new ExchangeWatcher(cluster, history, Duration.ofMillis(500));
      exchange.start();
      waitForPlacement(watcher);
      // ClOrdIDs must be new to the exchange: a cluster we attach to may have seen this seed before
      String tag = "s" + scenario.seed() + (options.attachRunDir() == null ? ""
          : "-" + Long.toString(System.currentTimeMillis() / 1000, 36)) + "-";
      LoadLevel load = new LoadLevel();
      List<BrokerLoop> loops = BrokerFleet.loops(brokers, scenario.seed(), scenario.symbols(), tag, client,
          GatewayAddress.of(cluster.nodes()), history, clock, stats, load, REQUEST_TIMEOUT);
      Nemesis nemesis = new Nemesis(scenario.faults(), cluster, watcher, history, clock, stats,
          scenario.symbols(), load, out);
      out.printf(Locale.ROOT, "running %s: %s-%s at speed %.0f (about %d s), seed %d, %d brokers, %d fault steps%n",
          scenario.name(), SimTime.format(scenario.clock().start()), SimTime.format(scenario.clock().end()),
          scenario.clock().speed(), scenario.clock().wallDuration().toSeconds(), scenario.seed(), brokers.size(),
          scenario.faults().size());
      long epoch = System.currentTimeMillis();
      clock.start();
      if (options.attachRunDir() == null) {
        writeEpoch(epoch); // the nodes' schedule starts now too
      }
      List<Thread> threads = new ArrayList<>();
      for (BrokerLoop l : loops) {
        threads.add(start("broker-" + l.broker().name(), l));
      }
      Thread nemesisThread = start("nemesis", nemesis);
      progressUntilOver(clock, stats, origin, exchange);

      nemesis.stop();
      nemesisThread.join(TimeUnit.SECONDS.toMillis(150));
      long graceEnd = System.nanoTime() + RESEND_GRACE.toNanos();
      for (Thread t : threads) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(graceEnd - System.nanoTime())));
      }
      loops.forEach(BrokerLoop::stop);
      for (Thread t : threads) {
        t.join(REQUEST_TIMEOUT.toMillis() + 5000);
      }
      out.println("the day is over: looking up every order and book for the checker");
      finalLookups(client, history, brokers, baseline);
      watcher.close();
      exchange.close();
      ObjectNode endLine = history.line("run");
      endLine.put("phase", "end");
      history.append(endLine);
      history.flush();
      // While the cluster is still up: the feeds over HTTP and copies of the replicas' journals.
      FinalState fin = FinalState.collect(cluster, gateways, brokers.get(0).token(),
          scenario.symbols().keySet());
      result = Checker.check(history.lines(), scenario.expectations(), fin);
      List<Verdict> verdicts = new ArrayList<>(result.verdicts());
      verdicts.addAll(HaltChecks.check(history.lines(), scenario.marketHalt(),
          scenario.expectations().recoverySeconds()));
      result = new CheckResult(List.copyOf(verdicts), result.recoveries());
      Path summary = options.out().resolve("summary.json");
      SummaryJson.write(summary, scenario, result, history.lines());
      Path report = options.out().resolve("report.html");
      HtmlReport.write(report, scenario, result, history.lines());
      return new Outcome(result, historyFile, summary, report);
    }
  }

  private static Thread start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Every book answers a depth request before the day starts; returns each book's volume then. */
  private Map<String, Long> waitForBooks(GatewayClient client, BrokerId any) throws InterruptedException {
    Map<String, Long> volume = new LinkedHashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int gw = 0;
    for (String sym : scenario.symbols().keySet()) {
      while (true) {
        GatewayClient.Outcome o = client.depth(any.token(), sym, gw++);
        if (o.status() == 200) {
          volume.put(sym, o.body().path("volume").asLong());
          break;
        }
        if (o.status() == 401) {
          throw new LocalCluster.ClusterFailure("the gateway does not know participant " + any.name()
              + " (" + o.body() + "): an attached cluster must be started with the scenario's participants");
        }
        if (System.nanoTime() > deadline) {
          throw new LocalCluster.ClusterFailure("book " + sym + " did not answer within 120 s (last: "
              + (o.answered() ? "HTTP " + o.status() + " " + o.body() : o.error()) + ")");
        }
        Thread.sleep(500);
      }
    }
    out.println("books ready: " + String.join(", ", volume.keySet()));
    return volume;
  }

  /** host-of:SYMBOL steps need to know where the books are: wait (briefly) until each is seen. */
  private void waitForPlacement(ClusterWatcher watcher) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline
        && scenario.symbols().keySet().stream().anyMatch(s -> watcher.hostOf(s).isEmpty())) {
      Thread.sleep(200);
    }
  }

  private void progressUntilOver(SimClock clock, LiveStats stats, long origin, ExchangeWatcher exchange)
      throws InterruptedException {
    long lastSent = 0;
    long lastT = System.nanoTime();
    while (!clock.over()) {
      Thread.sleep(Math.min(2000, Math.max(50, TimeUnit.NANOSECONDS.toMillis(clock.nanosUntil(scenario.clock().end())))));
      long now = System.nanoTime();
      long sent = stats.sent.get();
      double rate = (sent - lastSent) / ((now - lastT) / 1e9);
      lastSent = sent;
      lastT = now;
      var rec = stats.recovering();
      List<String> halted = exchange.halted();
      out.printf(Locale.ROOT, "[%6.1fs] %s%s  orders/s %5.1f  answered %d  unanswered %d  refused %d  faults %d/%d%s%s%n",
          (now - origin) / 1e9, SimTime.format(clock.now()), scenario.clock().schedule() && !exchange.phase().isEmpty() ? " " + exchange.phase() : "",
          rate, stats.answered.get(), stats.unanswered.get(),
          stats.refused.get(), stats.faultsDone.get(), scenario.faults().size(),
          rec.isEmpty() ? "" : "  recovering: " + String.join(",", rec),
          halted.isEmpty() ? "" : "  HALTED: " + String.join(",", halted));
    }
  }

  /** Looks up every ClOrdID sent, then every book's volume; written as final-* lines. */
  private void finalLookups(GatewayClient client, History history, List<BrokerId> brokers,
      Map<String, Long> baseline) throws InterruptedException {
    Map<String, BrokerId> byName = new HashMap<>();
    brokers.forEach(b -> byName.put(b.name(), b));
    // each ClOrdID is looked up on the gateway that acknowledged it (else the one it was last sent to)
    Map<String, BrokerId> toLookUp = new LinkedHashMap<>();
    Map<String, String> gatewayOf = new HashMap<>();
    Map<Long, String> invokeGateway = new HashMap<>();
    Map<String, String> symbolOf = new HashMap<>();
    for (JsonNode l : history.lines()) {
      String key = l.path("broker").asText() + "\u0000" + l.path("clOrdId").asText();
      if (!"new".equals(l.path("op").asText())) {
        continue;
      }
      if ("invoke".equals(l.path("type").asText())) {
        toLookUp.putIfAbsent(key, byName.get(l.path("broker").asText()));
        symbolOf.putIfAbsent(key, l.path("symbol").asText(null));
        invokeGateway.put(l.path("seq").asLong(), l.path("gw").asText());
        if (!gatewayOf.containsKey(key + "\u0000acked")) {
          gatewayOf.put(key, l.path("gw").asText());
        }
      } else if ("ok".equals(l.path("type").asText()) && l.path("http").asInt() == 200
          && !gatewayOf.containsKey(key + "\u0000acked")) {
        gatewayOf.put(key, invokeGateway.get(l.path("invoke").asLong()));
        gatewayOf.put(key + "\u0000acked", "");
      }
    }
    java.util.Set<String> gateways = new java.util.LinkedHashSet<>(invokeGateway.values());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (Map.Entry<String, BrokerId> e : toLookUp.entrySet()) {
      String clOrdId = e.getKey().substring(e.getKey().indexOf('\u0000') + 1);
      BrokerId b = e.getValue();
      URI gw = URI.create(gatewayOf.get(e.getKey()));
      String symbol = symbolOf.get(e.getKey());
      done.add(pool.submit(() -> {
        GatewayClient.Outcome o = null;
        for (int attempt = 0; attempt < 3 && (o == null || o.unavailable()); attempt++) {
          o = client.lookup(b, clOrdId, symbol, gw);
        }
        // the gateway that took it may be down at the end (FXTF's main): with the symbol any
        // other gateway node can answer for it
        for (String other : gateways) {
          if (!o.answered() && !other.equals(gw.toString()) && symbol != null) {
            o = client.lookup(b, clOrdId, symbol, URI.create(other));
          }
        }
        ObjectNode l = history.line("final-order");
        l.put("broker", b.name());
        l.put("clOrdId", clOrdId);
        l.put("gw", gw.toString());
        l.put("http", o.status());
        if (o.answered()) {
          l.set("body", o.body());
        } else {
          l.put("error", o.error());
        }
        history.append(l);
      }));
    }
    for (Future<?> f : done) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        out.println("a final lookup failed: " + e.getCause());
      }
    }
    pool.shutdown();
    for (String sym : scenario.symbols().keySet()) {
      GatewayClient.Outcome o = null;
      for (int attempt = 0; attempt < 3 && (o == null || o.status() != 200); attempt++) {
        o = client.depth(brokers.get(0).token(), sym, attempt);
      }
      ObjectNode l = history.line("final-book");
      l.put("symbol", sym);
      l.put("http", o.status());
      l.put("baselineVolume", baseline.getOrDefault(sym, 0L));
      if (o.status() == 200) {
        l.put("volume", o.body().path("volume").asLong());
        l.put("tradeCount", o.body().path("tradeCount").asLong());
        l.put("bookSeq", o.body().path("bookSeq").asLong());
        l.put("phase", o.body().path("phase").asText());
      } else {
        l.put("error", o.answered() ? o.body().toString() : o.error());
      }
      history.append(l);
    }
  }

  /** The cluster's own chatter goes to the run's cluster.log, not the progress lines. */
  private PrintWriter quiet() throws IOException {
    return new PrintWriter(Files.newBufferedWriter(options.out().resolve("cluster.log")), true);
  }
}
