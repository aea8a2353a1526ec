package io.kabuto.persistence.replica;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.persistence.replica.AppendResult.Appended;
import io.kabuto.persistence.replica.AppendResult.Fenced;
import io.kabuto.persistence.replica.AppendResult.Gap;
import io.kabuto.persistence.replica.PromiseResult.Promised;
import io.kabuto.persistence.replica.PromiseResult.Rejected;
import io.kabuto.persistence.store.FsyncPolicy;
import io.kabuto.persistence.store.LevelDbStore;
import io.kabuto.persistence.store.LogEntry;
import io.kabuto.persistence.store.StoreConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaLogTest {
  static final String PID = "book-7203";
  static final StoreConfig CFG = StoreConfig.of("kabuto-test", "r1", false, FsyncPolicy.ALWAYS);

  @TempDir Path tmp;
  LevelDbStore store;
  ReplicaLog log;

  @BeforeEach
  void open() {
    store = LevelDbStore.open(tmp.resolve("db"), CFG);
    log = new ReplicaLog(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  static List<NewEntry> entries(long from, long to, String tag) {
    List<NewEntry> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(new NewEntry(s, (tag + s).getBytes(UTF_8)));
    }
    return out;
  }

  List<EntryEpoch> stored() {
    List<EntryEpoch> out = new ArrayList<>();
    for (LogEntry e : log.read(PID, 1, Long.MAX_VALUE, Long.MAX_VALUE)) {
      out.add(new EntryEpoch(e.seqNr(), e.epoch()));
    }
    return out;
  }

  // ------------------------------------------------------------------ promise

  @Test
  void promiseOnlyForAStrictlyHigherEpoch() {
    assertEquals(new Promised(PID, 1, "r1", 0, 0, List.of()), log.promise(PID, 1, 0));
    assertEquals(new Rejected(PID, 1, 1), log.promise(PID, 1, 0), "equal epoch");
    assertTrue(log.promise(PID, 3, 0) instanceof Promised);
    assertEquals(new Rejected(PID, 2, 3), log.promise(PID, 2, 0), "lower epoch");
    assertEquals(3, log.promised(PID));
    assertTrue(log.promise("other", 1, 0) instanceof Promised, "promises are per pid");
    assertThrows(IllegalArgumentException.class, () -> log.promise(PID, 0, 0));
  }

  @Test
  void promiseAnswersEntriesAboveTheCommittedSeqNr() {
    log.promise(PID, 1, 0);
    log.append(PID, 1, entries(1, 3, "a"));
    log.promise(PID, 2, 0);
    log.append(PID, 2, entries(4, 5, "b"));
    Promised p = (Promised) log.promise(PID, 3, 2);
    assertEquals(5, p.highestSeqNr());
    assertEquals(List.of(new EntryEpoch(3, 1), new EntryEpoch(4, 2), new EntryEpoch(5, 2)),
        p.lastEntries());
  }

  @Test
  void promiseSurvivesRestartSoAZombieStaysFenced() {
    log.promise(PID, 7, 0);
    store.close();
    store = LevelDbStore.open(tmp.resolve("db"), CFG.withExpectExisting(true));
    log = new ReplicaLog(store);
    assertEquals(7, log.promised(PID));
    assertEquals(new Fenced(PID, 6, 7), log.append(PID, 6, entries(1, 1, "z")));
    assertEquals(new Rejected(PID, 7, 7), log.promise(PID, 7, 0));
  }

  // ------------------------------------------------------------------ append

  @Test
  void lowerEpochIsFencedAndWritesNothing() {
    log.promise(PID, 1, 0);
    log.append(PID, 1, entries(1, 2, "a"));
    log.promise(PID, 5, 0);
    assertEquals(new Fenced(PID, 1, 5), log.append(PID, 1, entries(3, 4, "zombie")));
    assertEquals(new Fenced(PID, 4, 5), log.append(PID, 4, entries(1, 1, "zombie")));
    assertEquals(List.of(new EntryEpoch(1, 1), new EntryEpoch(2, 1)), stored());
    assertEquals(2, log.highestSeqNr(PID));
    assertEquals(5, log.promised(PID));
  }

  @Test
  void appendAtTheCurrentOrAHigherEpochIsAcceptedAndRaisesPromised() {
    assertEquals(new Appended(PID, 2, 1, 3, 3, 0), log.append(PID, 2, entries(1, 3, "a")));
    assertEquals(2, log.promised(PID), "an accepted append is an implicit promise");
    assertEquals(new Rejected(PID, 2, 2), log.promise(PID, 2, 0));
    assertEquals(new Appended(PID, 2, 4, 4, 4, 0), log.append(PID, 2, entries(4, 4, "a")));
    assertArrayEquals("a4".getBytes(UTF_8), log.read(PID, 4, 4, 1).get(0).payload());
  }

  @Test
  void conflictingLowerEpochSuffixIsReplaced() {
    log.append(PID, 1, entries(1, 5, "old"));
    log.promise(PID, 2, 0);
    Appended a = (Appended) log.append(PID, 2, entries(3, 4, "new"));
    assertEquals(1, a.dropped(), "seqNr 5 of epoch 1 is after the conflict");
    assertEquals(4, a.highestSeqNr());
    assertEquals(List.of(new EntryEpoch(1, 1), new EntryEpoch(2, 1), new EntryEpoch(3, 2),
        new EntryEpoch(4, 2)), stored());
    assertEquals(4, log.highestSeqNr(PID));
    assertArrayEquals("new3".getBytes(UTF_8), log.read(PID, 3, 3, 1).get(0).payload());
  }

  @Test
  void aHigherEpochReStampOfTheSameEntriesKeepsTheEntriesAfterThem() {
    // a recovery's first re-write page: if the recovery is fenced before its later pages, the
    // entries after this page must still be here (they may have been acknowledged)
    log.append(PID, 1, entries(1, 10, "a"));
    log.promise(PID, 2, 0);
    Appended a = (Appended) log.append(PID, 2, entries(1, 4, "a"));
    assertEquals(0, a.dropped());
    assertEquals(10, a.highestSeqNr());
    assertEquals(10, log.highestSeqNr(PID));
    assertEquals(new EntryEpoch(4, 2), stored().get(3));
    assertEquals(new EntryEpoch(5, 1), stored().get(4));
    assertArrayEquals("a10".getBytes(UTF_8), log.read(PID, 10, 10, 1).get(0).payload());
    // a page whose content differs at one seqNr still replaces the suffix after it
    log.promise(PID, 3, 0);
    Appended b = (Appended) log.append(PID, 3, entries(5, 6, "b"));
    assertEquals(4, b.dropped());
    assertEquals(6, log.highestSeqNr(PID));
  }

  @Test
  void theLastPageOfARecoveryDropsTheOlderEntriesAfterIt() {
    // 8..10 reached only this replica (too few to be chosen); the recovery chose ..7. Kept, they
    // would be merged by a later recovery with the new incarnation's 8 into a mixed history.
    log.append(PID, 1, entries(1, 10, "a"));
    log.promise(PID, 2, 0);
    Appended a = (Appended) log.append(PID, 2, entries(5, 7, "a"), true);
    assertEquals(3, a.dropped());
    assertEquals(7, a.highestSeqNr());
    assertEquals(7, log.highestSeqNr(PID));
    assertEquals(List.of(), log.read(PID, 8, 10, 10));
    assertEquals(new EntryEpoch(7, 2), stored().get(6));
    assertEquals(new EntryEpoch(4, 1), stored().get(3), "before the page: untouched");
  }

  @Test
  void sameEpochRetryOfAnOlderBatchKeepsLaterEntries() {
    log.append(PID, 1, entries(1, 5, "a"));
    Appended a = (Appended) log.append(PID, 1, entries(2, 3, "a"));
    assertEquals(0, a.dropped());
    assertEquals(5, a.highestSeqNr());
    assertEquals(5, stored().size());
  }

  @Test
  void appendBeyondTheEndIsAGapAndWritesNothing() {
    log.append(PID, 1, entries(1, 2, "a"));
    assertEquals(new Gap(PID, 3, 2), log.append(PID, 3, entries(4, 5, "b")));
    assertEquals(1, log.promised(PID), "a refused append does not promise");
    assertEquals(2, log.highestSeqNr(PID));
  }

  @Test
  void malformedAppendsAreProgrammingErrors() {
    assertThrows(IllegalArgumentException.class, () -> log.append(PID, 1, List.of()));
    assertThrows(IllegalArgumentException.class, () -> log.append(PID, 0, entries(1, 1, "a")));
    List<NewEntry> holey = List.of(new NewEntry(1, new byte[0]), new NewEntry(3, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> log.append(PID, 1, holey));
  }

  @Test
  void deletedEntriesAreNotResurrectedByARewrite() {
    log.append(PID, 1, entries(1, 5, "a"));
    assertEquals(3, log.deleteTo(PID, 3));
    log.promise(PID, 2, 0);
    Appended a = (Appended) log.append(PID, 2, entries(2, 5, "b"));
    assertEquals(5, a.highestSeqNr());
    assertEquals(List.of(new EntryEpoch(4, 2), new EntryEpoch(5, 2)), stored());
  }

  // ------------------------------------------------------------------ highest epoch wins

  @Test
  void recoveryTakesTheHighestEpochAtEverySeqNr() {
    Promised a = new Promised(PID, 9, "a", 4, 0,
        List.of(new EntryEpoch(3, 1), new EntryEpoch(4, 1)));
    Promised b = new Promised(PID, 9, "b", 3, 0, List.of(new EntryEpoch(3, 2)));
    Promised c = new Promised(PID, 9, "c", 5, 0,
        List.of(new EntryEpoch(3, 1), new EntryEpoch(4, 1), new EntryEpoch(5, 1)));
    assertEquals(List.of(
            new RecoveryMerge.Choice(3, 2, List.of("b")),
            new RecoveryMerge.Choice(4, 1, List.of("a", "c")),
            new RecoveryMerge.Choice(5, 1, List.of("c"))),
        RecoveryMerge.merge(2, List.of(a, b, c)));
    assertEquals(List.of(new RecoveryMerge.Choice(5, 1, List.of("c"))),
        RecoveryMerge.merge(4, List.of(a, b, c)), "at or below committed is ignored");
    assertEquals(List.of(), RecoveryMerge.merge(0, List.of()));
  }

  @Test
  void recoveryStopsAtAHole() {
    Promised a = new Promised(PID, 9, "a", 5, 0,
        List.of(new EntryEpoch(1, 1), new EntryEpoch(2, 1), new EntryEpoch(4, 1)));
    assertEquals(2, RecoveryMerge.merge(0, List.of(a)).size());
  }

  @Test
  void recoveryOverRealReplicasPicksTheEntryTheNewerIncarnationWrote() throws Exception {
    // Three replicas; epoch 1 wrote 1..3 to all, then 4 only to r1 (not acknowledged); epoch 2
    // promised on r2, r3 and wrote its own 4 to r2 only before dying. Epoch 3 recovers from r1, r2.
    List<LevelDbStore> stores = new ArrayList<>();
    try {
      List<ReplicaLog> rs = new ArrayList<>();
      for (String id : List.of("r1", "r2", "r3")) {
        LevelDbStore s = LevelDbStore.open(tmp.resolve(id),
            StoreConfig.of("kabuto-test", id, false, FsyncPolicy.OFF));
        stores.add(s);
        rs.add(new ReplicaLog(s));
      }
      for (ReplicaLog r : rs) {
        r.promise(PID, 1, 0);
        r.append(PID, 1, entries(1, 3, "e1-"));
      }
      rs.get(0).append(PID, 1, entries(4, 4, "e1-"));
      rs.get(1).promise(PID, 2, 0);
      rs.get(2).promise(PID, 2, 0);
      rs.get(1).append(PID, 2, entries(4, 4, "e2-"));
      assertEquals(new Fenced(PID, 1, 2), rs.get(1).append(PID, 1, entries(5, 5, "e1-")));

      Promised p1 = (Promised) rs.get(0).promise(PID, 3, 3);
      Promised p2 = (Promised) rs.get(1).promise(PID, 3, 3);
      List<RecoveryMerge.Choice> plan = RecoveryMerge.merge(3, List.of(p1, p2));
      assertEquals(List.of(new RecoveryMerge.Choice(4, 2, List.of("r2"))), plan);
      // re-write the winner under epoch 3 to r1: replaces r1's unacknowledged epoch-1 entry
      byte[] payload = rs.get(1).read(PID, 4, 4, 1).get(0).payload();
      assertTrue(rs.get(0).append(PID, 3, List.of(new NewEntry(4, payload))) instanceof Appended);
      assertArrayEquals("e2-4".getBytes(UTF_8), rs.get(0).read(PID, 4, 4, 1).get(0).payload());
      assertEquals(3, rs.get(0).read(PID, 4, 4, 1).get(0).epoch());
    } finally {
      stores.forEach(LevelDbStore::close);
    }
  }
}
