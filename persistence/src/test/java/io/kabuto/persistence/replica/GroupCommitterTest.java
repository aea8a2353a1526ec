package io.kabuto.persistence.replica;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.persistence.store.FsyncPolicy;
import io.kabuto.persistence.store.LevelDbStore;
import io.kabuto.persistence.store.LogEntry;
import io.kabuto.persistence.store.StoreConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupCommitterTest {
  @TempDir Path tmp;
  LevelDbStore store;
  ReplicaLog log;
  GroupCommitter committer;

  @BeforeEach
  void open() {
    store = LevelDbStore.open(tmp.resolve("db"),
        StoreConfig.of("kabuto-test", "r1", false, FsyncPolicy.ALWAYS));
    log = new ReplicaLog(store);
    committer = new GroupCommitter(log, 256);
  }

  @AfterEach
  void close() {
    committer.close();
    store.close();
  }

  static List<NewEntry> one(long seqNr, String tag) {
    return List.of(new NewEntry(seqNr, (tag + seqNr).getBytes(UTF_8)));
  }

  @Test
  void concurrentAppendsFromManyThreadsShareWritesAndAllLand() throws Exception {
    int threads = 8;
    int perThread = 100;
    CountDownLatch go = new CountDownLatch(1);
    List<List<CompletableFuture<AppendResult>>> futures = new ArrayList<>();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<CompletableFuture<AppendResult>> mine = new ArrayList<>();
      futures.add(mine);
      String pid = "book-" + t;
      Thread th = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (long s = 1; s <= perThread; s++) {
          mine.add(committer.append(pid, 1, one(s, pid)));
        }
      });
      th.start();
      ts.add(th);
    }
    go.countDown();
    for (Thread th : ts) {
      th.join();
    }
    for (int t = 0; t < threads; t++) {
      for (CompletableFuture<AppendResult> f : futures.get(t)) {
        assertInstanceOf(AppendResult.Appended.class, f.join());
      }
      String pid = "book-" + t;
      List<LogEntry> es = log.read(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE);
      assertEquals(perThread, es.size());
      for (int i = 0; i < perThread; i++) {
        assertEquals(i + 1, es.get(i).seqNr(), "in submission order, no gaps");
      }
      assertEquals(perThread, log.highestSeqNr(pid));
    }
    assertEquals((long) threads * perThread, committer.requests());
    assertTrue(committer.writes() < committer.requests(),
        "group commit: " + committer.writes() + " writes for " + committer.requests()
            + " appends");
  }

  @Test
  void requestsForOnePidAreDecidedInOrderAndFencingApplies() {
    List<CompletableFuture<?>> fs = new ArrayList<>();
    fs.add(committer.promise("p", 1, 0));
    for (long s = 1; s <= 20; s++) {
      fs.add(committer.append("p", 1, one(s, "a")));
    }
    CompletableFuture<PromiseResult> p5 = committer.promise("p", 5, 0);
    CompletableFuture<AppendResult> zombie = committer.append("p", 1, one(21, "z"));
    CompletableFuture<PromiseResult> p4 = committer.promise("p", 4, 0);
    fs.forEach(CompletableFuture::join);
    PromiseResult.Promised promised = (PromiseResult.Promised) p5.join();
    assertEquals(20, promised.highestSeqNr());
    assertEquals(new AppendResult.Fenced("p", 1, 5), zombie.join());
    assertEquals(new PromiseResult.Rejected("p", 4, 5), p4.join());
    assertEquals(20, log.highestSeqNr("p"));
  }

  @Test
  void malformedRequestFailsAloneAndClosedCommitterRefuses() {
    CompletableFuture<AppendResult> ok1 = committer.append("a", 1, one(1, "a"));
    CompletableFuture<AppendResult> bad = committer.append("b", 0, one(1, "b"));
    CompletableFuture<AppendResult> ok2 = committer.append("c", 1, one(1, "c"));
    assertInstanceOf(AppendResult.Appended.class, ok1.join());
    assertInstanceOf(AppendResult.Appended.class, ok2.join());
    CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(
        CompletionException.class, bad::join);
    assertInstanceOf(IllegalArgumentException.class, e.getCause());

    committer.close();
    CompletionException closed = org.junit.jupiter.api.Assertions.assertThrows(
        CompletionException.class, () -> committer.append("a", 1, one(2, "a")).join());
    assertInstanceOf(IllegalStateException.class, closed.getCause());
    assertEquals(1, log.highestSeqNr("a"));
  }
}
