package io.kabuto.scenario.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.cli.cluster.ClusterState.NodeState;
import io.kabuto.cli.cluster.LocalCluster;
import io.kabuto.scenario.history.History;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches what the exchange says about itself as a whole, from one running matching node at a
 * time: the halts in force and whether every node confirmed them ({@code GET /market/status}), the
 * schedule's phase and clock, and the storage replicas as the node sees them ({@code /health}).
 * Writes a {@code market} line when halts, confirmation or phase change, and a {@code storage}
 * line when the replicas' state changes; the halt and storage checks read them.
 */
public final class ExchangeWatcher implements AutoCloseable {
  private static final Duration ASK = Duration.ofSeconds(2);

  private final LocalCluster cluster;
  private final History history;
  private final Duration interval;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(ASK).build();
  private Thread thread;
  private volatile boolean stopped;
  private String lastMarket;
  private volatile List<String> halted = List.of();
  private volatile String phase = "";
  private String lastStorage;

  public ExchangeWatcher(LocalCluster cluster, History history, Duration interval) {
    this.cluster = cluster;
    this.history = history;
    this.interval = interval;
  }

  /** The halts in force at the last look ("market" or symbols), for the progress line. */
  public List<String> halted() {
    return halted;
  }

  /** The schedule's phase at the last look (what the books are in only when the schedule is on). */
  public String phase() {
    return phase;
  }

  public void start() {
    thread = new Thread(this::watch, "watch-exchange");
    thread.setDaemon(true);
    thread.start();
  }

  private void watch() {
    while (!stopped) {
      long t0 = System.nanoTime();
      for (NodeState n : matchingNodes()) {
        Optional<JsonNode> market = get(n, "/market/status");
        if (market.isEmpty()) {
          continue; // paused, dead or busy: ask the next one
        }
        market(n.name(), market.get());
        cluster.health(n.name(), ASK).ifPresent(h -> storage(n.name(), h));
        break;
      }
      long left = interval.toNanos() - (System.nanoTime() - t0);
      if (left > 0) {
        LockSupport.parkNanos(left);
      }
    }
  }

  private List<NodeState> matchingNodes() {
    List<NodeState> out = new ArrayList<>();
    for (NodeState n : cluster.nodes()) {
      if (n.roles().contains("matching") && "running".equals(cluster.processState(n.name()))) {
        out.add(n);
      }
    }
    return out;
  }

  private void market(String node, JsonNode s) {
    List<String> inForce = new ArrayList<>();
    s.path("inForce").forEach(x -> inForce.add(x.asText()));
    String phase = s.path("schedule").path("phase").asText("");
    boolean confirmed = s.path("confirmed").asBoolean(false);
    long generation = s.path("generation").asLong();
    halted = List.copyOf(inForce);
    phase = s.path("schedule").path("phase").asText("");
    String key = inForce + "|" + confirmed + "|" + generation + "|" + phase;
    if (key.equals(lastMarket)) {
      return;
    }
    lastMarket = key;
    ObjectNode l = history.line("market");
    l.put("node", node);
    inForce.forEach(l.putArray("inForce")::add);
    l.put("confirmed", confirmed);
    l.put("generation", generation);
    l.put("phase", phase);
    l.put("clock", s.path("schedule").path("clockText").asText(""));
    l.set("halts", s.path("halts"));
    l.set("missing", s.path("missing"));
    history.append(l);
  }

  private void storage(String node, JsonNode h) {
    JsonNode st = h.path("storage");
    if (st.isMissingNode()) {
      return;
    }
    String summary = st.path("summary").asText();
    if (summary.equals(lastStorage)) {
      return;
    }
    lastStorage = summary;
    int quorum = st.path("quorum").asInt();
    int seen = st.path("seen").size();
    List<String> active = new ArrayList<>();
    st.path("seen").fields().forEachRemaining(e -> {
      if (e.getValue().path("active").asBoolean(true)) {
        active.add(e.getKey());
      }
    });
    ObjectNode l = history.line("storage");
    l.put("node", node);
    l.put("summary", summary);
    l.put("quorum", quorum);
    l.put("seen", seen);
    active.forEach(l.putArray("active")::add);
    // a legacy pair's standby answers but takes no writes: writable needs an active side
    l.put("writable", seen >= quorum && !active.isEmpty());
    history.append(l);
  }

  private Optional<JsonNode> get(NodeState n, String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(n.adminUrl() + path))
          .timeout(ASK).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return Optional.empty();
      }
      return Optional.of(History.JSON.readTree(r.body()));
    } catch (java.io.IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    stopped = true;
    if (thread != null) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
