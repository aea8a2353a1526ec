package io.kabuto.scenario.nemesis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.cli.cluster.ClusterState.NodeState;
import io.kabuto.cli.cluster.LocalCluster;
import io.kabuto.scenario.broker.LoadLevel;
import io.kabuto.scenario.history.ClusterWatcher;
import io.kabuto.scenario.history.History;
import io.kabuto.scenario.broker.Roster;
import io.kabuto.scenario.model.FaultStep;
import io.kabuto.scenario.model.SimTime;
import io.kabuto.scenario.model.SymbolSpec;
import io.kabuto.scenario.run.LiveStats;
import io.kabuto.scenario.run.SimClock;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Applies the fault timeline at its simulated times with the local-cluster operations (the same
 * code as {@code ./kabuto cluster kill|pause|...}) and the nodes' admin endpoints. Each step
 * writes a {@code fault} line when it starts (with the node it hit and the symbols it affects) and
 * one when it is done or failed.
 */
public final class Nemesis implements Runnable {
  private final List<FaultStep> steps;
  private final LocalCluster cluster;
  private final ClusterWatcher watcher;
  private final History history;
  private final SimClock clock;
  private final LiveStats stats;
  private final Collection<String> allSymbols;
  private final Map<String, SymbolSpec> symbols;
  private final LoadLevel load;
  private final PrintWriter out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private volatile boolean stopped;
  /** What a wiped restart saw of the node's store, for the step's done line. */
  private ObjectNode wiped;
  /** The node each step hit, by step number, for target-of:N. */
  private final java.util.Map<Integer, String> targets = new java.util.concurrent.ConcurrentHashMap<>();

  public Nemesis(List<FaultStep> steps, LocalCluster cluster, ClusterWatcher watcher, History history,
      SimClock clock, LiveStats stats, Map<String, SymbolSpec> symbols, LoadLevel load, PrintWriter out) {
    this.steps = steps;
    this.cluster = cluster;
    this.watcher = watcher;
    this.history = history;
    this.clock = clock;
    this.stats = stats;
    this.allSymbols = symbols.keySet();
    this.symbols = symbols;
    this.load = load;
    this.out = out;
  }

  public void stop() {
    stopped = true;
  }

  /**
   * Fires each step at its simulated time, whether or not the steps before it are done: a step
   * that takes long (a node restart under load took 44 s) must not push every later step late
   * (issue 13). Each step runs on its own thread; its start line records the planned and the
   * actual simulated time. Steps that name another step's target ({@code target-of:N}) wait until
   * that step has resolved its node. Returns when every started step is done (or stop()).
   */
  @Override
  public void run() {
    List<Thread> running = new ArrayList<>();
    for (FaultStep step : steps) {
      while (!stopped && clock.now() < step.at()) {
        LockSupport.parkNanos(Math.min(clock.nanosUntil(step.at()) + 1_000_000L, 200_000_000L));
      }
      if (stopped) {
        break;
      }
      long actual = clock.now();
      Thread t = new Thread(() -> {
        apply(step, actual);
        stats.faultsDone.incrementAndGet();
      }, "nemesis-step-" + step.index());
      t.setDaemon(true);
      t.start();
      running.add(t);
    }
    for (Thread t : running) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void apply(FaultStep step, long actualSim) {
    String node = null;
    ObjectNode start = history.line("fault");
    start.put("step", step.index());
    start.put("phase", "start");
    start.put("action", step.action().word);
    start.put("describe", step.describe());
    start.put("plannedSim", step.at());
    start.put("actualSim", actualSim);
    try {
      node = resolve(step.node());
      if (node != null) {
        start.put("target", node);
        targets.put(step.index(), node);
      }
      ArrayNode affected = start.putArray("affected");
      Set<String> hit = affected(step, node);
      hit.retainAll(allSymbols); // nodes also host the config's other listed books
      hit.forEach(affected::add);
      history.append(start);
      stats.faulted(hit);
      out.println("fault " + step.describe() + (node != null && !node.equals(step.node()) ? " (" + node + ")" : ""));
      String detail = execute(step, node);
      ObjectNode done = history.line("fault");
      done.put("step", step.index());
      done.put("phase", "done");
      done.put("action", step.action().word);
      done.put("detail", detail);
      if (wiped != null) {
        done.set("wipedStore", wiped);
        wiped = null;
      }
      history.append(done);
    } catch (RuntimeException | IOException e) {
      if (!start.has("affected")) {
        start.putArray("affected");
        history.append(start);
      }
      ObjectNode err = history.line("fault");
      err.put("step", step.index());
      err.put("phase", "error");
      err.put("action", step.action().word);
      err.put("detail", String.valueOf(e.getMessage()));
      history.append(err);
      out.println("fault " + step.describe() + " FAILED: " + e.getMessage());
    }
  }

  /**
   * The node name a step means now: {@code host-of:SYMBOL} is the node hosting that book, {@code
   * target-of:N} the node step N hit.
   */
  private String resolve(String node) {
    if (node != null && node.startsWith(FaultStep.TARGET_OF)) {
      int step = Integer.parseInt(node.substring(FaultStep.TARGET_OF.length()));
      String t = targets.get(step);
      // steps run concurrently now: one at the same time as step N may start a moment before it
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (t == null && System.nanoTime() < deadline && !stopped) {
        LockSupport.parkNanos(20_000_000L);
        t = targets.get(step);
      }
      if (t == null) {
        throw new IllegalStateException("step " + step + " hit no node (it failed?), so " + node + " means nothing");
      }
      return t;
    }
    if (node == null || !node.startsWith(FaultStep.HOST_OF)) {
      return node;
    }
    String symbol = node.substring(FaultStep.HOST_OF.length());
    return watcher.hostOf(symbol).orElseThrow(() -> new IllegalStateException(
        "no node reported hosting book " + symbol + " yet (is it listed, and has it traded?)"));
  }

  /** The symbols whose trading the step may interrupt. */
  private Set<String> affected(FaultStep step, String node) {
    return switch (step.action()) {
      case KILL, PAUSE, STOP -> new LinkedHashSet<>(watcher.booksOn(node));
      case PARTITION -> {
        // the minority side's books move (or stop) once the resolver downs it
        List<List<String>> groups = new ArrayList<>(groups(step, node));
        groups.sort(Comparator.comparingInt(g -> -g.size()));
        Set<String> s = new LinkedHashSet<>();
        groups.subList(1, groups.size()).forEach(g -> g.forEach(n -> s.addAll(watcher.booksOn(n))));
        yield s;
      }
      case HALT, RESUME_MARKET -> step.symbol() != null ? Set.of(step.symbol()) : new LinkedHashSet<>(allSymbols);
      default -> new LinkedHashSet<>(allSymbols);
    };
  }

  private String execute(FaultStep step, String node) throws IOException {
    switch (step.action()) {
      case KILL -> {
        LocalCluster.Kill k = cluster.kill(node);
        return "SIGKILL pid " + k.pid() + ", gone after " + (k.deadNanos() - k.killNanos()) / 1_000_000L
            + " ms, downed by " + k.downedBy();
      }
      case PAUSE -> {
        cluster.pause(node);
        return "SIGSTOP";
      }
      case RESUME -> {
        cluster.resume(node);
        return "SIGCONT";
      }
      case RESTART -> {
        if (!step.wipe()) {
          cluster.restart(node, Duration.ofSeconds(120), step.settings());
          return node + " is Up again" + (step.settings() != null ? " with " + step.settings() : "");
        }
        return WipedRestart.apply(cluster, node, history, this::wipedStore);
      }
      case STOP -> {
        cluster.stop(node, Duration.ofSeconds(30));
        return node + " left the cluster and exited";
      }
      case LOAD_BURST -> {
        double before = load.factor();
        load.set(step.factor());
        waitUntil(step.until());
        load.set(before);
        return "brokers at x" + step.factor() + " their rate until " + SimTime.format(step.until());
      }
      case FLOOD -> {
        NodeState gw = cluster.node(node);
        URI uri = URI.create("http://" + gw.hostname() + ":" + (gw.port() + 20000));
        try {
          Flooder.Counts c = new Flooder(uri, List.copyOf(symbols.values()))
              .run(step.rate(), clock.nanosUntil(step.until()), "flood" + step.index() + "-" + System.currentTimeMillis() + "-");
          return Roster.FLOODER + " on " + node + ": " + c.describe();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
      case PARTITION -> {
        cluster.partition(groups(step, node));
        return "blackholed";
      }
      case HEAL -> {
        cluster.heal();
        return "healed";
      }
      case STORAGE_FAULT -> {
        HttpResponse<String> r = cluster.adminPost(node, "/admin/storage/fault?fault=" + step.storageFault()
            + (step.millis() > 0 ? "&millis=" + step.millis() : ""));
        if (r.statusCode() != 200) {
          throw new IOException("HTTP " + r.statusCode() + ": " + r.body().strip());
        }
        return r.body().strip();
      }
      case HALT -> {
        return market("/market/halt", "reason", step.reason() != null ? step.reason() : "scenario step "
            + step.index(), step.symbol(), "&timeout=10");
      }
      case RESUME_MARKET -> {
        return market("/market/resume", null, null, step.symbol(), "");
      }
      default -> throw new IllegalStateException("unhandled action " + step.action());
    }
  }

  /** A step's partition groups; {@code node = X} cuts X off from every other node. */
  private List<List<String>> groups(FaultStep step, String node) {
    if (node == null) {
      return step.groups();
    }
    List<String> others = cluster.nodes().stream().map(NodeState::name).filter(n -> !n.equals(node)).toList();
    return List.of(others, List.of(node));
  }

  private void wipedStore(ObjectNode seen) {
    wiped = seen;
  }

  /** Waits for the simulated time {@code sim}, or until the run stops. */
  private void waitUntil(long sim) {
    while (!stopped && clock.now() < sim) {
      LockSupport.parkNanos(Math.min(clock.nanosUntil(sim) + 1_000_000L, 200_000_000L));
    }
  }

  /** An operator's halt or resume through the first node whose admin HTTP answers. */
  private String market(String path, String key, String value, String symbol, String extra) throws IOException {
    StringBuilder q = new StringBuilder("?");
    if (symbol != null) {
      q.append("symbol=").append(URLEncoder.encode(symbol, StandardCharsets.UTF_8)).append('&');
    }
    if (key != null) {
      q.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
    IOException last = null;
    for (NodeState n : cluster.nodes()) {
      if (!cluster.processState(n.name()).equals("running") || !n.roles().contains("matching")) {
        continue;
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(n.adminUrl() + path + q + extra))
            .timeout(Duration.ofSeconds(40)).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
          throw new IOException(path + " on " + n.name() + ": HTTP " + r.statusCode() + " " + r.body().strip());
        }
        return n.name() + ": " + r.body().strip();
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw last != null ? last : new IOException("no running matching node to send " + path + " to");
  }
}
