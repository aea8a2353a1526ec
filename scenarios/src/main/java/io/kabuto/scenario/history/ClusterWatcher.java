package io.kabuto.scenario.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.cli.cluster.ClusterState.NodeState;
import io.kabuto.cli.cluster.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls every node's {@code /health} (one thread per node, so a paused node does not hold up the
 * others) and writes a {@code cluster} line to the history whenever what a node reports changes:
 * whether it answers, its view of the membership (status and reachability of each member), and
 * the books it hosts. It also answers "which node hosts this book now" for the fault timeline.
 */
public final class ClusterWatcher implements AutoCloseable {
  private final LocalCluster cluster;
  private final History history;
  private final Duration interval;
  private final Map<String, String> nameByAddress = new HashMap<>();
  private final Map<String, List<String>> booksByNode = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;

  public ClusterWatcher(LocalCluster cluster, History history, Duration interval) {
    this.cluster = cluster;
    this.history = history;
    this.interval = interval;
    for (NodeState n : cluster.nodes()) {
      nameByAddress.put(n.address(), n.name());
    }
  }

  public void start() {
    for (NodeState n : cluster.nodes()) {
      Thread t = new Thread(() -> watch(n.name()), "watch-" + n.name());
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** The node whose last report listed this book, if any. */
  public Optional<String> hostOf(String symbol) {
    return booksByNode.entrySet().stream().filter(e -> e.getValue().contains(symbol))
        .map(Map.Entry::getKey).findFirst();
  }

  /** The books a node listed in its last report. */
  public List<String> booksOn(String node) {
    return booksByNode.getOrDefault(node, List.of());
  }

  private void watch(String node) {
    String lastAnswer = null;
    String lastMembers = null;
    String lastBooks = null;
    while (!stopped) {
      long t0 = System.nanoTime();
      Optional<JsonNode> h = cluster.health(node, Duration.ofMillis(Math.max(1000, interval.toMillis() * 2)));
      String answer = h.isPresent() ? "answers" : "silent";
      if (!answer.equals(lastAnswer)) {
        ObjectNode l = history.line("cluster");
        l.put("node", node);
        l.put("what", answer);
        l.put("process", cluster.processState(node));
        history.append(l);
        lastAnswer = answer;
      }
      if (h.isPresent()) {
        String members = members(h.get());
        if (!members.equals(lastMembers)) {
          ObjectNode l = history.line("cluster");
          l.put("node", node);
          l.put("what", "members");
          l.put("status", h.get().path("status").asText());
          l.put("view", members);
          history.append(l);
          lastMembers = members;
        }
        JsonNode books = h.get().get("books");
        if (books != null && books.isArray()) {
          List<String> list = new ArrayList<>();
          books.forEach(b -> list.add(b.asText()));
          String text = String.join(",", list);
          booksByNode.put(node, List.copyOf(list));
          if (!text.equals(lastBooks)) {
            ObjectNode l = history.line("cluster");
            l.put("node", node);
            l.put("what", "books");
            l.put("books", text);
            history.append(l);
            lastBooks = text;
          }
        }
      } else {
        booksByNode.remove(node);
      }
      long left = interval.toNanos() - (System.nanoTime() - t0);
      if (left > 0) {
        LockSupport.parkNanos(left);
      }
    }
  }

  /** "node-1 Up, node-3 Up unreachable, ..." sorted by name. */
  private String members(JsonNode health) {
    TreeSet<String> out = new TreeSet<>();
    for (JsonNode m : health.path("members")) {
      String addr = m.path("address").asText();
      String name = nameByAddress.getOrDefault(addr, addr);
      out.add(name + " " + m.path("status").asText() + (m.path("reachable").asBoolean(true) ? "" : " unreachable"));
    }
    return String.join(", ", out);
  }

  @Override
  public void close() {
    stopped = true;
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
