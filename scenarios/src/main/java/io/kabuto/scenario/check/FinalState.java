package io.kabuto.scenario.check;

import io.kabuto.cli.cluster.LocalCluster;
import io.kabuto.scenario.history.FeedCapture;
import io.kabuto.scenario.journal.JournalReader;
import io.kabuto.scenario.journal.StoredJournal;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the cluster held after the run, for the checks the history alone cannot make: the books'
 * journals as the storage replicas stored them, and each symbol's market-data feed as a gateway
 * served it. {@code missing} says why they were not collected (the journal checks are then
 * NOT_CHECKED).
 */
public record FinalState(StoredJournal journal, Map<String, FeedCapture> feeds, String missing) {

  public static FinalState none(String why) {
    return new FinalState(null, Map.of(), why);
  }

  public boolean collected() {
    return journal != null;
  }

  /**
   * Collects the final state of a running cluster once the day is over and the final lookups are
   * done (nothing trades any more): the feeds through a gateway (any participant's token), then
   * a copy of every storage replica's journal.
   */
  public static FinalState collect(LocalCluster cluster, List<URI> gateways, String token,
      Collection<String> symbols) throws IOException {
    Map<String, FeedCapture> feeds = FeedCapture.fetch(gateways, token, symbols);
    Path work = Files.createTempDirectory("kabuto-journal-");
    try {
      StoredJournal j = JournalReader.read(JournalReader.storesOf(cluster), symbols, work);
      return new FinalState(j, feeds, null);
    } catch (RuntimeException e) {
      // e.g. a node config that no longer builds: the history checks still stand
      return new FinalState(null, feeds, "the storage replicas' journals could not be read: " + e.getMessage());
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
