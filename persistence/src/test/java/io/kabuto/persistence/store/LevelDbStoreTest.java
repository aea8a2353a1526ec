package io.kabuto.persistence.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LevelDbStoreTest {
  @TempDir Path tmp;

  private static StoreConfig cfg(FsyncPolicy p) {
    return StoreConfig.of("kabuto-test", "r1", false, p);
  }

  private static final StoreConfig CFG = cfg(FsyncPolicy.OFF);

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static void putEntries(LevelDbStore s, String pid, long from, long to, long epoch) {
    LevelDbStore.Batch b = s.batch();
    for (long i = from; i <= to; i++) {
      b.putEntry(pid, new LogEntry(i, epoch, bytes(pid + "-" + i + "@" + epoch)));
    }
    b.putHighest(pid, Math.max(s.highestSeqNr(pid), to));
    s.write(b, true);
  }

  private static List<Long> seqNrs(List<LogEntry> es) {
    List<Long> out = new ArrayList<>();
    es.forEach(e -> out.add(e.seqNr()));
    return out;
  }

  // ------------------------------------------------------------------ identity

  @Test
  void emptyDirectoryBecomesNewStoreThenVerifiedOnReopen() {
    Path dir = tmp.resolve("db");
    String uuid;
    try (LevelDbStore s = LevelDbStore.open(dir, CFG)) {
      assertEquals(StoreIdentity.Status.NEW, s.identity().status());
      assertEquals("kabuto-test", s.identity().clusterId());
      assertEquals("r1", s.identity().replicaId());
      uuid = s.identity().storeUuid();
    }
    try (LevelDbStore s = LevelDbStore.open(dir, CFG.withExpectExisting(true))) {
      assertEquals(StoreIdentity.Status.VERIFIED, s.identity().status());
      assertTrue(s.identity().status().upToDateCandidate());
      assertEquals(uuid, s.identity().storeUuid());
    }
  }

  @Test
  void wipedDirectoryGetsNewUuid() throws Exception {
    Path dir = tmp.resolve("db");
    String first;
    try (LevelDbStore s = LevelDbStore.open(dir, CFG)) {
      first = s.identity().storeUuid();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    try (LevelDbStore s = LevelDbStore.open(dir, CFG)) {
      assertNotEquals(first, s.identity().storeUuid());
    }
  }

  @Test
  void clusterMismatchIsRefusedNamingBoth() {
    Path dir = tmp.resolve("db");
    LevelDbStore.open(dir, CFG).close();
    StoreIdentityException e = assertThrows(StoreIdentityException.class,
        () -> LevelDbStore.open(dir, StoreConfig.of("other-cluster", "r1", true, FsyncPolicy.OFF)));
    assertTrue(e.getMessage().contains("'kabuto-test'"), e.getMessage());
    assertTrue(e.getMessage().contains("'other-cluster'"), e.getMessage());
    // the failed open released the directory
    LevelDbStore.open(dir, CFG).close();
  }

  @Test
  void replicaMismatchIsRefusedNamingBoth() {
    Path dir = tmp.resolve("db");
    LevelDbStore.open(dir, CFG).close();
    StoreIdentityException e = assertThrows(StoreIdentityException.class,
        () -> LevelDbStore.open(dir, StoreConfig.of("kabuto-test", "r2", true, FsyncPolicy.OFF)));
    assertTrue(e.getMessage().contains("replica 'r1'"), e.getMessage());
    assertTrue(e.getMessage().contains("replica 'r2'"), e.getMessage());
  }

  @Test
  void emptyDirectoryWhereAStoreWasExpectedIsNewEmpty() {
    Path dir = tmp.resolve("db");
    try (LevelDbStore s = LevelDbStore.open(dir, CFG.withExpectExisting(true))) {
      assertEquals(StoreIdentity.Status.NEW_EMPTY, s.identity().status());
      assertFalse(s.identity().status().upToDateCandidate());
      putEntries(s, "p", 1, 1, 1); // still usable, e.g. for catch-up
    }
    try (LevelDbStore s = LevelDbStore.open(dir, CFG.withExpectExisting(true))) {
      assertEquals(StoreIdentity.Status.VERIFIED, s.identity().status());
    }
  }

  @Test
  void foreignLevelDbWithoutIdentityIsRefused() throws Exception {
    Path dir = tmp.resolve("foreign");
    DB raw = JniDBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true));
    raw.put(bytes("some-key"), bytes("v"));
    raw.close();
    StoreIdentityException e =
        assertThrows(StoreIdentityException.class, () -> LevelDbStore.open(dir, CFG));
    assertTrue(e.getMessage().contains("no Kabuto store identity"), e.getMessage());
  }

  // ------------------------------------------------------------------ lifecycle

  @Test
  void secondOpenOfSameDirectoryInThisJvmFailsClearly() {
    Path dir = tmp.resolve("db");
    try (LevelDbStore s = LevelDbStore.open(dir, CFG)) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> LevelDbStore.open(dir, CFG));
      assertTrue(e.getMessage().contains("already open"), e.getMessage());
      // also through another spelling of the same path (a symlink)
      Path link = tmp.resolve("link");
      assertDoesNotThrow(() -> Files.createSymbolicLink(link, dir));
      assertThrows(IllegalStateException.class, () -> LevelDbStore.open(link, CFG));
      assertFalse(s.isClosed(), "the failed opens did not disturb the open store");
      assertEquals(0, s.highestSeqNr("p"));
    }
    LevelDbStore.open(dir, CFG).close();
  }

  @Test
  void directoryLockedOutsideThisRegistryIsReportedAsLocked() throws Exception {
    // Stands in for another process: a raw open holds LevelDB's LOCK file (leveldbjni 1.8 reports
    // "IO error: lock .../LOCK: already held by process").
    Path dir = tmp.resolve("raw");
    DB raw = JniDBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true));
    try {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> LevelDbStore.open(dir, CFG));
      assertTrue(e.getMessage().contains("locked by another process"), e.getMessage());
    } finally {
      raw.close();
    }
    try (LevelDbStore s = LevelDbStore.open(dir, CFG)) {
      assertEquals(StoreIdentity.Status.NEW, s.identity().status());
    }
  }

  @Test
  void closedStoreRefusesOperationsAndCloseIsIdempotent() {
    LevelDbStore s = LevelDbStore.open(tmp.resolve("db"), CFG);
    s.close();
    s.close();
    assertTrue(s.isClosed());
    assertThrows(IllegalStateException.class, () -> s.highestSeqNr("p"));
    assertThrows(IllegalStateException.class, () -> s.read("p", 1, 10, 10));
    assertThrows(IllegalStateException.class, s::batch);
  }

  // ------------------------------------------------------------------ writes and reads

  @ParameterizedTest
  @EnumSource(FsyncPolicy.class)
  void everyFsyncPolicyWritesAndReadsBackAcrossReopen(FsyncPolicy policy) {
    Path dir = tmp.resolve("db-" + policy);
    try (LevelDbStore s = LevelDbStore.open(dir, cfg(policy))) {
      assertEquals(policy, s.fsyncPolicy());
      LevelDbStore.Batch b = s.batch().putPromised("p", 3)
          .putEntry("p", new LogEntry(1, 3, bytes("one")))
          .putHighest("p", 1);
      boolean synced = s.write(b, true);
      assertEquals(policy != FsyncPolicy.OFF, synced);
      boolean syncedPlain = s.write(s.batch().putDeletedTo("q", 0), false);
      assertEquals(policy == FsyncPolicy.ALWAYS, syncedPlain);
      assertEquals(3, s.promised("p"));
      assertArrayEquals(bytes("one"), s.entry("p", 1).orElseThrow().payload());
    }
    try (LevelDbStore s = LevelDbStore.open(dir, cfg(policy).withExpectExisting(true))) {
      assertEquals(3, s.promised("p"));
      assertEquals(1, s.highestSeqNr("p"));
      assertEquals(List.of(new LogEntry(1, 3, bytes("one"))), s.read("p", 1, 100, 100));
    }
  }

  @Test
  void dataSurvivesCloseAndReopen() {
    Path dir = tmp.resolve("db");
    try (LevelDbStore s = LevelDbStore.open(dir, CFG)) {
      putEntries(s, "book-7203", 1, 50, 2);
      s.write(s.batch().putPromised("book-7203", 2), true);
      s.saveSnapshot(new StoredSnapshot("book-7203", 40, 1000, bytes("snap")));
      s.deleteTo("book-7203", 10);
    }
    try (LevelDbStore s = LevelDbStore.open(dir, CFG.withExpectExisting(true))) {
      assertEquals(50, s.highestSeqNr("book-7203"));
      assertEquals(2, s.promised("book-7203"));
      assertEquals(10, s.deletedTo("book-7203"));
      List<LogEntry> es = s.read("book-7203", 1, Long.MAX_VALUE, Long.MAX_VALUE);
      assertEquals(40, es.size());
      assertEquals(11, es.get(0).seqNr());
      assertArrayEquals(bytes("book-7203-50@2"), es.get(39).payload());
      assertEquals(40, s.loadSnapshot("book-7203", SnapshotCriteria.LATEST).orElseThrow().seqNr());
    }
  }

  @Test
  void rangeReadsRespectBoundsMaxAndPersistenceIdBoundaries() {
    try (LevelDbStore s = LevelDbStore.open(tmp.resolve("db"), CFG)) {
      putEntries(s, "a", 1, 20, 1);
      putEntries(s, "ab", 1, 5, 1); // "a" must not see "ab"'s keys
      putEntries(s, "", 1, 3, 1);
      assertEquals(List.of(5L, 6L, 7L), seqNrs(s.read("a", 5, 7, 100)));
      assertEquals(List.of(5L, 6L), seqNrs(s.read("a", 5, 7, 2)));
      assertEquals(20, s.read("a", 0, Long.MAX_VALUE, Long.MAX_VALUE).size());
      assertEquals(5, s.read("ab", 1, Long.MAX_VALUE, Long.MAX_VALUE).size());
      assertEquals(3, s.read("", 1, Long.MAX_VALUE, Long.MAX_VALUE).size());
      assertTrue(s.read("a", 21, 30, 10).isEmpty());
      assertTrue(s.read("a", 7, 5, 10).isEmpty());
      assertTrue(s.read("a", 1, 5, 0).isEmpty());
      assertTrue(s.read("nobody", 1, 5, 10).isEmpty());
      assertEquals(0, s.highestSeqNr("nobody"));
      assertEquals(0, s.promised("nobody"));
      assertEquals(Optional.empty(), s.entry("a", 21));
    }
  }

  @Test
  void batchIsAtomicForConcurrentReaders() throws Exception {
    try (LevelDbStore s = LevelDbStore.open(tmp.resolve("db"), CFG)) {
      putEntries(s, "p", 1, 200, 1);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<String> violation = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        while (!stop.get() && violation.get() == null) {
          List<LogEntry> es = s.read("p", 1, 200, 200);
          long epoch = es.get(0).epoch();
          for (LogEntry e : es) {
            if (e.epoch() != epoch) {
              violation.set("saw epochs " + epoch + " and " + e.epoch() + " in one read");
            }
          }
          if (es.size() != 200) {
            violation.set("saw " + es.size() + " entries");
          }
        }
      });
      reader.start();
      for (long epoch = 2; epoch <= 60; epoch++) {
        putEntries(s, "p", 1, 200, epoch);
      }
      stop.set(true);
      reader.join();
      assertEquals(null, violation.get());
    }
  }

  @Test
  void unwrittenBatchLeavesNoTrace() {
    try (LevelDbStore s = LevelDbStore.open(tmp.resolve("db"), CFG)) {
      LevelDbStore.Batch b = s.batch().putEntry("p", new LogEntry(1, 1, bytes("x")))
          .putHighest("p", 1);
      assertEquals(2, b.size());
      b.close();
      assertEquals(0, s.highestSeqNr("p"));
      assertTrue(s.read("p", 1, 10, 10).isEmpty());
    }
  }

  // ------------------------------------------------------------------ deleteTo

  @Test
  void deleteToHidesEntriesButKeepsHighestSeqNr() {
    try (LevelDbStore s = LevelDbStore.open(tmp.resolve("db"), CFG)) {
      putEntries(s, "p", 1, 10, 1);
      putEntries(s, "q", 1, 10, 1);
      assertEquals(4, s.deleteTo("p", 4));
      assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 10L), seqNrs(s.read("p", 1, 100, 100)));
      assertEquals(Optional.empty(), s.entry("p", 3));
      assertEquals(10, s.highestSeqNr("p"));
      assertEquals(4, s.deleteTo("p", 2), "the mark never moves back");
      assertEquals(10, s.deleteTo("p", Long.MAX_VALUE), "capped at the highest seqNr");
      assertTrue(s.read("p", 1, 100, 100).isEmpty());
      assertEquals(10, s.highestSeqNr("p"));
      assertEquals(10, s.read("q", 1, 100, 100).size(), "other pids untouched");
      assertEquals(0, s.deleteTo("nobody", 5));
      putEntries(s, "p", 11, 12, 1);
      assertEquals(List.of(11L, 12L), seqNrs(s.read("p", 1, 100, 100)));
    }
  }

  // ------------------------------------------------------------------ snapshots

  @Test
  void snapshotsLoadLatestMatchingAndDelete() {
    try (LevelDbStore s = LevelDbStore.open(tmp.resolve("db"), CFG)) {
      s.saveSnapshot(new StoredSnapshot("p", 5, 100, bytes("s5")));
      s.saveSnapshot(new StoredSnapshot("p", 10, 200, bytes("s10")));
      s.saveSnapshot(new StoredSnapshot("p", 15, 300, bytes("s15")));
      s.saveSnapshot(new StoredSnapshot("pp", 99, 999, bytes("other")));
      assertArrayEquals(bytes("s15"),
          s.loadSnapshot("p", SnapshotCriteria.LATEST).orElseThrow().data());
      assertEquals(10, s.loadSnapshot("p", SnapshotCriteria.upTo(12, Long.MAX_VALUE))
          .orElseThrow().seqNr());
      assertEquals(5, s.loadSnapshot("p", SnapshotCriteria.upTo(Long.MAX_VALUE, 150))
          .orElseThrow().seqNr());
      assertEquals(10, s.loadSnapshot("p", new SnapshotCriteria(Long.MAX_VALUE, 250, 6, 0))
          .orElseThrow().seqNr());
      assertEquals(Optional.empty(), s.loadSnapshot("p", SnapshotCriteria.NONE));
      assertEquals(Optional.empty(), s.loadSnapshot("nobody", SnapshotCriteria.LATEST));

      s.deleteSnapshot("p", 15, 300);
      assertEquals(10, s.loadSnapshot("p", SnapshotCriteria.LATEST).orElseThrow().seqNr());
      s.deleteSnapshot("p", 15, 300); // no-op
      assertEquals(2, s.deleteSnapshots("p", SnapshotCriteria.upTo(10, Long.MAX_VALUE)));
      assertEquals(Optional.empty(), s.loadSnapshot("p", SnapshotCriteria.LATEST));
      assertEquals(99, s.loadSnapshot("pp", SnapshotCriteria.LATEST).orElseThrow().seqNr());
    }
  }
}
