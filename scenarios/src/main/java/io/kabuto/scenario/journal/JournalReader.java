package io.kabuto.scenario.journal;

import io.kabuto.cli.cluster.ClusterState.NodeState;
import io.kabuto.cli.cluster.LocalCluster;
import io.kabuto.node.NodeConfig;
import io.kabuto.persistence.node.StorageSettings;
import io.kabuto.persistence.store.LevelDbStore;
import io.kabuto.persistence.store.LogEntry;
import io.kabuto.persistence.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.persistence.PersistentRepr;

/**
 * Reads the books' journals offline from the storage replicas' LevelDB directories.
 *
 * <p>Each directory is copied first and the copy is opened: a running node holds its store's
 * LevelDB lock, and opening a store writes to it (recovery log, manifest), which must not touch
 * the run's data. After the trading day the books are idle, so the copy is a consistent image; a
 * torn tail at worst looks like a crash image, which LevelDB recovers.
 */
public final class JournalReader {
  private JournalReader() {}

  /** Where one replica's store is and what identity it must have. */
  public record Store(String replica, Path dir, StoreConfig config) {}

  /** The storage nodes' stores of a local cluster, from the config each node was started with. */
  public static List<Store> storesOf(LocalCluster cluster) {
    List<Store> out = new ArrayList<>();
    for (NodeState n : cluster.nodes()) {
      if (!n.roles().contains(NodeConfig.ROLE_STORAGE)) {
        continue;
      }
      NodeConfig.Options o = new NodeConfig.Options().roles(n.roles()).port(n.port()).hostname(n.hostname())
          .configFile(cluster.confFile(n.name()));
      int d = n.command().indexOf("--data-dir");
      if (d >= 0 && d + 1 < n.command().size()) {
        o.dataDir(Path.of(n.command().get(d + 1)));
      }
      StorageSettings s = StorageSettings.fromConfig(NodeConfig.build(o).config());
      out.add(new Store(s.replicaId(), s.dir(), s.storeConfig().withExpectExisting(true)));
    }
    return out;
  }

  /** The logs of these symbols' books on every store; {@code work} receives the copies. */
  public static StoredJournal read(List<Store> stores, Collection<String> symbols, Path work) {
    quietStoreLogs();
    Map<String, Map<String, List<JournalEntry>>> bySymbol = new LinkedHashMap<>();
    List<String> read = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    try (EventDecoder decoder = new EventDecoder()) {
      for (Store st : stores) {
        if (!Files.isDirectory(st.dir())) {
          problems.add(st.replica() + ": no store at " + st.dir());
          continue;
        }
        Path copy = work.resolve("journal-copy").resolve(st.replica());
        try {
          copyStore(st.dir(), copy);
          try (LevelDbStore db = LevelDbStore.open(copy, st.config())) {
            for (String sym : symbols) {
              String pid = BookJournal.persistenceId(sym);
              List<JournalEntry> entries = new ArrayList<>();
              for (LogEntry e : db.read(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)) {
                entries.add(decode(st.replica(), e, decoder));
              }
              if (!entries.isEmpty()) {
                bySymbol.computeIfAbsent(sym, k -> new LinkedHashMap<>()).put(st.replica(), entries);
              }
            }
          }
          read.add(st.replica());
        } catch (IOException | RuntimeException e) {
          problems.add(st.replica() + ": cannot read " + st.dir() + ": " + e.getMessage());
        }
      }
    }
    Map<String, BookJournal> books = new LinkedHashMap<>();
    bySymbol.forEach((sym, m) -> books.put(sym, new BookJournal(sym, m)));
    return new StoredJournal(books, read, problems);
  }

  private static JournalEntry decode(String replica, LogEntry e, EventDecoder decoder) {
    if (e.payload().length == 0) {
      return new JournalEntry(replica, e.seqNr(), e.epoch(), "", null, 0);
    }
    PersistentRepr r = decoder.decode(e.payload());
    return new JournalEntry(replica, e.seqNr(), e.epoch(), r.writerUuid(), r.payload(), e.payload().length);
  }

  /** A copy of a LevelDB directory without its lock file. */
  private static void copyStore(Path from, Path to) throws IOException {
    if (Files.exists(to)) {
      try (Stream<Path> old = Files.walk(to)) {
        for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        if (Files.isRegularFile(f) && !f.getFileName().toString().equals("LOCK")) {
          try {
            Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
          } catch (java.nio.file.NoSuchFileException gone) {
            // LevelDB deleted an obsolete file while we listed: it was not part of the current version
          }
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Opening and closing each copied store is routine here: keep it out of the run's output. */
  private static void quietStoreLogs() {
    org.slf4j.Logger l = org.slf4j.LoggerFactory.getLogger(LevelDbStore.class);
    if (l instanceof ch.qos.logback.classic.Logger lb) {
      lb.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }
}
