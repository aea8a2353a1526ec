package io.kabuto.scenario.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.EventType;
import io.kabuto.matching.Prices;
import io.kabuto.matching.TickTable;
import io.kabuto.persistence.store.FsyncPolicy;
import io.kabuto.persistence.store.LevelDbStore;
import io.kabuto.persistence.store.LogEntry;
import io.kabuto.persistence.store.StoreConfig;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real LevelDB stores written the way the journal plugin writes them (Pekko's serialization of
 * each PersistentRepr, epochs per entry) are read back, decoded and merged: two replicas agree,
 * a third holds an older incarnation's entry at the last seqNr, which the higher epoch overrules.
 */
class JournalReaderTest {
  static ActorSystem writer;
  static Serialization serialization;

  @BeforeAll
  static void start() {
    writer = ActorSystem.create("journal-writer", ConfigFactory.parseString("""
        pekko.actor.provider = local
        pekko.actor.serialization-bindings { "io.kabuto.CborSerializable" = jackson-cbor }
        pekko.loglevel = WARNING
        """).withFallback(ConfigFactory.load()));
    serialization = SerializationExtension.get(writer);
  }

  @AfterAll
  static void stop() {
    writer.terminate();
  }

  static byte[] stored(Object event, long seqNr, String writerUuid) {
    PersistentRepr r = PersistentRepr.apply(event, seqNr, BookJournal.persistenceId("7203"), "", false, null,
        writerUuid);
    return serialization.serialize(r).get();
  }

  static OrderBook.EventData phase(int code) {
    return new OrderBook.EventData(EventType.PHASE, 1000, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, code, 0);
  }

  static void write(Path dir, String replica, List<LogEntry> entries) {
    try (LevelDbStore s = LevelDbStore.open(dir, StoreConfig.of("kabuto", replica, false, FsyncPolicy.OFF))) {
      LevelDbStore.Batch b = s.batch();
      for (LogEntry e : entries) {
        b.putEntry(BookJournal.persistenceId("7203"), e);
      }
      b.putHighest(BookJournal.persistenceId("7203"), entries.get(entries.size() - 1).seqNr());
      s.write(b, true);
    }
  }

  @Test
  void storesAreReadDecodedAndMergedByEpoch(@TempDir Path tmp) {
    BookRules rules = BookRules.tse("7203", TickTable.TOPIX500, Prices.yen(2000));
    OrderBook.Opened opened = new OrderBook.Opened(rules);
    OrderBook.Applied first = new OrderBook.Applied(1, List.of(phase(3)));
    OrderBook.Applied stale = new OrderBook.Applied(2, List.of(phase(2)));
    OrderBook.Applied winner = new OrderBook.Applied(2, List.of(phase(4)));
    List<LogEntry> good = List.of(new LogEntry(1, 1, stored(opened, 1, "w1")), new LogEntry(2, 1, stored(first, 2, "w1")),
        new LogEntry(3, 2, stored(winner, 3, "w2")));
    write(tmp.resolve("a"), "node-1", good);
    write(tmp.resolve("b"), "node-2", good);
    write(tmp.resolve("c"), "node-3", List.of(new LogEntry(1, 1, stored(opened, 1, "w1")),
        new LogEntry(2, 1, stored(first, 2, "w1")), new LogEntry(3, 1, stored(stale, 3, "w1"))));

    StoredJournal j = JournalReader.read(List.of(
        new JournalReader.Store("node-1", tmp.resolve("a"), StoreConfig.of("kabuto", "node-1", true, FsyncPolicy.OFF)),
        new JournalReader.Store("node-2", tmp.resolve("b"), StoreConfig.of("kabuto", "node-2", true, FsyncPolicy.OFF)),
        new JournalReader.Store("node-3", tmp.resolve("c"), StoreConfig.of("kabuto", "node-3", true, FsyncPolicy.OFF)),
        new JournalReader.Store("node-4", tmp.resolve("none"), StoreConfig.of("kabuto", "node-4", true, FsyncPolicy.OFF))),
        List.of("7203", "6758"), tmp.resolve("work"));

    assertEquals(List.of("node-1", "node-2", "node-3"), j.replicas());
    assertEquals(1, j.problems().size(), "node-4 has no store: " + j.problems());
    BookJournal b = j.books().get("7203");
    assertNull(j.books().get("6758"), "no log of 6758 anywhere");
    List<JournalEntry> merged = b.merged();
    assertEquals(3, merged.size());
    assertEquals(opened, merged.get(0).event());
    assertEquals(winner, merged.get(2).event(), "the higher epoch wins");
    assertEquals("w2", merged.get(2).writerUuid());
    assertEquals(2, merged.get(2).epoch());
    assertEquals(stale, b.byReplica().get("node-3").get(2).event(), "each replica's raw view is kept");
    assertTrue(tmp.resolve("c").resolve("LOCK").toFile().exists(), "the store itself is left as it was");
  }

  @Test
  void aStoreOfAnotherReplicaIsReportedNotRead(@TempDir Path tmp) {
    BookRules rules = BookRules.tse("7203", TickTable.TOPIX500, Prices.yen(2000));
    write(tmp.resolve("a"), "node-1", List.of(new LogEntry(1, 1, stored(new OrderBook.Opened(rules), 1, "w1"))));
    StoredJournal j = JournalReader.read(List.of(new JournalReader.Store("node-2", tmp.resolve("a"),
        StoreConfig.of("kabuto", "node-2", true, FsyncPolicy.OFF))), List.of("7203"), tmp.resolve("work"));
    assertTrue(j.replicas().isEmpty());
    assertTrue(j.problems().get(0).contains("node-2") && j.problems().get(0).contains("replica 'node-1'"),
        j.problems().toString());
  }
}
