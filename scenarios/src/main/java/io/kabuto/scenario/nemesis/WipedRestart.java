package io.kabuto.scenario.nemesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.cli.cluster.LocalCluster;
import io.kabuto.scenario.history.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The maintenance mistake of bitbank's outage: a storage node brought back on an empty data
 * directory. Stops the node if it runs (SIGKILL), deletes its data directory, starts it again, and
 * then watches its own replica in its {@code /health} until it has caught up: the report needs to
 * show the empty store did not vote before that (a vote from an empty store could let a majority
 * forget acknowledged writes).
 */
final class WipedRestart {
  private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(120);

  private WipedRestart() {}

  /** Returns the step's detail; hands what it saw of the store to {@code seen}. */
  static String apply(LocalCluster cluster, String node, History history, Consumer<ObjectNode> seen)
      throws IOException {
    if (cluster.processState(node).equals("running") || cluster.processState(node).equals("paused")) {
      cluster.kill(node);
    }
    Path dir = cluster.dataDir(node);
    long files = delete(dir);
    long logFrom = Files.exists(cluster.logFile(node)) ? Files.size(cluster.logFile(node)) : 0;
    cluster.restart(node, Duration.ofSeconds(120));
    ObjectNode s = History.JSON.createObjectNode();
    s.put("node", node);
    s.put("filesDeleted", files);
    long t0 = System.nanoTime();
    boolean votedEarly = false;
    boolean sawCatchingUp = false;
    long caughtUp = -1;
    String firstStore = null;
    while (System.nanoTime() - t0 < CATCH_UP_LIMIT.toNanos()) {
      Optional<JsonNode> self = cluster.health(node, Duration.ofSeconds(2))
          .map(h -> h.path("storage").path("seen").path(node)).filter(j -> !j.isMissingNode());
      if (self.isPresent()) {
        JsonNode r = self.get();
        if (firstStore == null) {
          firstStore = r.path("store").asText();
        }
        if (!r.path("upToDate").asBoolean()) {
          sawCatchingUp = true;
          votedEarly |= r.path("voter").asBoolean();
        }
        if (r.path("upToDate").asBoolean()) {
          caughtUp = (System.nanoTime() - t0) / 1_000_000L;
          break;
        }
      }
      sleep(250);
    }
    s.put("firstStore", firstStore == null ? "never reported" : firstStore);
    s.put("votedBeforeCaughtUp", votedEarly);
    s.put("caughtUpMillis", caughtUp);
    s.put("sawCatchingUp", sawCatchingUp);
    // the catch-up may be over before the first /health poll: the node's own log says whether it
    // started as a non-voter
    s.put("logSaysNotVoting", logSince(cluster.logFile(node), logFrom).contains(NOT_VOTING));
    seen.accept(s);
    return "deleted " + dir + " (" + files + " files), started " + node + " on it: store "
        + s.path("firstStore").asText() + ", " + (votedEarly ? "VOTED before catching up"
            : s.path("logSaysNotVoting").asBoolean() ? "its log: not voting until caught up" : "no non-voting start in its log")
        + ", " + (caughtUp < 0 ? "not caught up within " + CATCH_UP_LIMIT.toSeconds() + " s"
            : "caught up " + caughtUp + " ms after it was Up");
  }

  /** What StorageNode logs when it starts on a new or empty store. */
  static final String NOT_VOTING = "not voting until then";

  private static String logSince(Path log, long from) throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    byte[] all = Files.readAllBytes(log);
    int start = (int) Math.min(from, all.length);
    return new String(all, start, all.length - start, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static long delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    long n = 0;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isRegularFile(p)) {
          n++;
        }
        Files.delete(p);
      }
    }
    return n;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
