package io.kabuto.persistence.cluster;

import static io.kabuto.persistence.cluster.StorageTestCluster.await;
import static io.kabuto.persistence.cluster.StorageTestCluster.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.persistence.node.StorageNode;
import io.kabuto.persistence.node.StorageProtocol;
import io.kabuto.persistence.node.StorageProtocol.Fault;
import io.kabuto.persistence.store.StoreIdentityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;

/**
 * The replicated journal on a 3-replica cluster of ActorSystems in one JVM: storage node loss,
 * zombies, catch-up, wiped and wrong directories, disk faults.
 */
class ReplicatedJournalTest {
  private static final List<String> THREE = List.of("s1", "s2", "s3");

  private static Long write(ActorSystem<?> sys, ActorRef<TestLog.Command> log, long v) {
    return AskPattern.<TestLog.Command, Long>ask(log, r -> new TestLog.Write(v, r),
        Duration.ofSeconds(6), sys.scheduler()).toCompletableFuture().join();
  }

  private static List<Long> read(ActorSystem<?> sys, ActorRef<TestLog.Command> log,
      Duration timeout) {
    return AskPattern.<TestLog.Command, List<Long>>ask(log, TestLog.Get::new, timeout,
        sys.scheduler()).toCompletableFuture().join();
  }

  private static List<Long> range(long from, long toInclusive) {
    return LongStream.rangeClosed(from, toInclusive).boxed().toList();
  }

  @Test
  void killing_a_storage_node_while_books_write_loses_no_acknowledged_event() throws Exception {
    try (StorageTestCluster c = new StorageTestCluster(THREE, "")) {
      c.startStorage("s1");
      ActorSystem<Void> s2 = c.startStorage("s2");
      c.startStorage("s3");
      ActorSystem<Void> w = c.startWriter("w");
      List<ActorRef<TestLog.Command>> books = new ArrayList<>();
      for (int b = 0; b < 3; b++) {
        books.add(c.spawn(w, TestLog.create("book-" + b), "book-" + b));
      }
      List<List<Long>> acked = new ArrayList<>();
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int b = 0; b < 3; b++) {
        List<Long> mine = new CopyOnWriteArrayList<>();
        acked.add(mine);
        ActorRef<TestLog.Command> book = books.get(b);
        writers.add(CompletableFuture.runAsync(() -> {
          for (long v = 1; v <= 150; v++) {
            mine.add(write(w, book, v));
          }
        }));
      }
      await("books wrote 50 events", Duration.ofSeconds(30),
          () -> acked.stream().allMatch(a -> a.size() >= 50));
      c.kill(s2);
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).join();
      for (List<Long> a : acked) {
        assertEquals(range(1, 150), a, "every write was acknowledged despite the lost replica");
      }

      c.kill(w);
      ActorSystem<Void> w2 = c.startWriter("w2");
      for (int b = 0; b < 3; b++) {
        ActorRef<TestLog.Command> again = c.spawn(w2, TestLog.create("book-" + b), "book-" + b);
        assertEquals(range(1, 150), read(w2, again, Duration.ofSeconds(15)),
            "a new incarnation on another node replays every acknowledged event, once, in order");
      }
    }
  }

  @Test
  void of_two_incarnations_writing_at_once_only_the_newest_gets_acks() throws Exception {
    try (StorageTestCluster c = new StorageTestCluster(THREE, "")) {
      for (String r : THREE) {
        c.startStorage(r);
      }
      ActorSystem<Void> w1 = c.startWriter("w1");
      ActorSystem<Void> w2 = c.startWriter("w2");
      ActorRef<TestLog.Command> zombie = c.spawn(w1, TestLog.create("book-z"), "book-z");
      List<Long> zombieAcks = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> zombieLoop = CompletableFuture.runAsync(() -> {
        for (long v = 1000; v < 1400; v++) {
          try {
            zombieAcks.add(write(w1, zombie, v));
          } catch (RuntimeException stopped) {
            return; // fenced: the incarnation stopped, its asks time out
          }
        }
      });
      await("the first incarnation wrote", Duration.ofSeconds(20), () -> zombieAcks.size() >= 30);

      ActorRef<TestLog.Command> winner = c.spawn(w2, TestLog.create("book-z"), "book-z");
      List<Long> recovered = read(w2, winner, Duration.ofSeconds(15));
      List<Long> winnerAcks = new ArrayList<>();
      for (long v = 2000; v < 2040; v++) {
        winnerAcks.add(write(w2, winner, v));
      }
      zombieLoop.join();

      List<Long> zombieAcked = List.copyOf(zombieAcks);
      assertTrue(recovered.containsAll(zombieAcked),
          "everything the old incarnation got acknowledged is in the new one's recovery: "
              + "recovered " + recovered + ", acked " + zombieAcked);
      assertTrue(recovered.size() <= zombieAcked.size() + 1,
          "at most the one write in flight when it was fenced is added: " + recovered);
      assertEquals(range(1000, 999 + recovered.size()), recovered, "nothing interleaved");
      assertTrue(zombieAcked.size() < 400, "the old incarnation was stopped by the fence");

      c.kill(w1);
      c.kill(w2);
      ActorSystem<Void> w3 = c.startWriter("w3");
      List<Long> replay = read(w3, c.spawn(w3, TestLog.create("book-z"), "book-z"),
          Duration.ofSeconds(15));
      List<Long> expected = new ArrayList<>(recovered);
      expected.addAll(winnerAcks);
      assertEquals(expected, replay, "replay: the winner's log, nothing of the zombie after it");
    }
  }

  @Test
  void with_fencing_off_both_incarnations_get_acks_and_the_histories_mix() throws Exception {
    // The FXTF 2014 replay: only with kabuto.storage.fencing = off (an audited error).
    try (StorageTestCluster c = new StorageTestCluster(THREE, "kabuto.storage.fencing = off")) {
      for (String r : THREE) {
        c.startStorage(r);
      }
      ActorSystem<Void> w1 = c.startWriter("w1");
      ActorSystem<Void> w2 = c.startWriter("w2");
      ActorRef<TestLog.Command> first = c.spawn(w1, TestLog.create("book-x"), "book-x");
      for (long v = 1; v <= 5; v++) {
        write(w1, first, v);
      }
      ActorRef<TestLog.Command> second = c.spawn(w2, TestLog.create("book-x"), "book-x");
      assertEquals(range(1, 5), read(w2, second, Duration.ofSeconds(15)));
      List<Long> oldAcks = new ArrayList<>();
      for (long v = 0; v < 5; v++) {
        oldAcks.add(write(w1, first, 100 + v)); // the old incarnation is not stopped ...
        write(w2, second, 200 + v); // ... and both are acknowledged
      }
      assertEquals(range(100, 104), oldAcks);
      c.kill(w1);
      c.kill(w2);
      ActorSystem<Void> w3 = c.startWriter("w3");
      List<Long> replay = read(w3, c.spawn(w3, TestLog.create("book-x"), "book-x"),
          Duration.ofSeconds(15));
      assertEquals(10, replay.size(), "both wrote seqNrs 6..10: the later write of each wins");
      assertFalse(replay.containsAll(oldAcks),
          "acknowledged events of the old incarnation are gone: the divergence the checker must "
              + "catch; replay " + replay);
    }
  }

  @Test
  void a_history_larger_than_a_remote_frame_recovers_on_another_node_and_catches_up()
      throws Exception {
    try (StorageTestCluster c = new StorageTestCluster(THREE, "")) {
      c.startStorage("s1");
      c.startStorage("s2");
      ActorSystem<Void> s3 = c.startStorage("s3");
      ActorSystem<Void> w = c.startWriter("w");
      ActorRef<TestLog.Command> book = c.spawn(w, TestLog.create("book-big"), "book-big");
      c.kill(s3);
      for (long v = 1; v <= 40; v++) { // 40 x 20 KB: 800 KB, three times Artery's 256 KiB frame
        long value = v;
        AskPattern.<TestLog.Command, Long>ask(book, r -> new TestLog.WriteBig(value, 20_000, r),
            Duration.ofSeconds(6), w.scheduler()).toCompletableFuture().join();
      }
      ActorSystem<Void> w2 = c.startWriter("w2");
      ActorRef<TestLog.Command> again = c.spawn(w2, TestLog.create("book-big"), "book-big");
      assertEquals(range(1, 40), read(w2, again, Duration.ofSeconds(20)),
          "recovery reads and re-writes the history in pages");
      ActorSystem<Void> s3b = c.startStorage("s3");
      ActorRef<StorageNode.Command> ref = c.storageRef(s3b, "s3");
      await("s3 catches up the big history", Duration.ofSeconds(30),
          () -> status(s3b, ref).upToDate());
      assertEquals(40, StorageTestCluster.<StorageProtocol.ReadReply>ask(s3b, ref,
          x -> new StorageNode.Read("book-big", 1, 1, 1, x)).highestSeqNr());
    }
  }

  @Test
  void a_replica_that_was_down_catches_up_and_serves_again() throws Exception {
    try (StorageTestCluster c = new StorageTestCluster(THREE, "")) {
      c.startStorage("s1");
      c.startStorage("s2");
      ActorSystem<Void> s3 = c.startStorage("s3");
      ActorSystem<Void> w = c.startWriter("w");
      ActorRef<TestLog.Command> book = c.spawn(w, TestLog.create("book-c", 50), "book-c");
      write(w, book, 0);
      c.kill(s3);
      for (long v = 1; v <= 200; v++) {
        write(w, book, v);
      }
      ActorSystem<Void> s3b = c.startStorage("s3");
      ActorRef<StorageNode.Command> ref = c.storageRef(s3b, "s3");
      await("s3 up to date", Duration.ofSeconds(20), () -> status(s3b, ref).upToDate());
      StorageProtocol.ReadReply r = StorageTestCluster.ask(s3b, ref,
          x -> new StorageNode.Read("book-c", 1, Long.MAX_VALUE, Long.MAX_VALUE, x));
      assertEquals(201, r.highestSeqNr(), "s3 copied what it missed");
      assertEquals(201, r.entries().size());
      StorageProtocol.SnapshotReply snap = StorageTestCluster.ask(s3b, ref,
          x -> new StorageNode.LoadSnapshot("book-c", Long.MAX_VALUE, Long.MAX_VALUE, 0, 0, x));
      assertTrue(snap.found() && snap.seqNr() == 200, "and the latest snapshot: " + snap.seqNr());
      // A write that reaches s3 is stored there; one that does not (the writer's link to the
      // restarted s3 not yet set up, or slow) leaves a gap that the next write reveals and s3
      // fills from its peers. So keep writing until s3 holds the latest write.
      long[] last = {201};
      write(w, book, 201);
      await("s3 takes new writes again", Duration.ofSeconds(30), () -> {
        long seq = last[0] + 1;
        if (StorageTestCluster.<StorageProtocol.ReadReply>ask(s3b, ref,
            x -> new StorageNode.Read("book-c", seq, seq, 1, x)).entries().size() == 1) {
          return true;
        }
        write(w, book, ++last[0]);
        return false;
      });
    }
  }

  @Test
  void a_wiped_replica_does_not_vote_until_it_caught_up_from_a_majority() throws Exception {
    try (StorageTestCluster c = new StorageTestCluster(THREE, "")) {
      ActorSystem<Void> s1 = c.startStorage("s1");
      ActorSystem<Void> s2 = c.startStorage("s2");
      ActorSystem<Void> s3 = c.startStorage("s3");
      ActorSystem<Void> w = c.startWriter("w");
      ActorRef<TestLog.Command> book = c.spawn(w, TestLog.create("book-w"), "book-w");
      for (long v = 1; v <= 20; v++) {
        write(w, book, v);
      }
      c.kill(s2);
      for (long v = 21; v <= 40; v++) {
        write(w, book, v); // on s1 and s3 only
      }
      c.kill(w);
      c.kill(s1);
      c.kill(s3);
      try (var walk = java.nio.file.Files.walk(c.dir("s3"))) {
        walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      ActorSystem<Void> s3b = c.startStorage("s3"); // empty directory: the maintenance mistake
      ActorSystem<Void> s2b = c.startStorage("s2");
      StorageProtocol.StatusReply st = status(s3b, c.storageRef(s3b, "s3"));
      assertFalse(st.voter(), "a new, empty store must not vote: " + st);
      assertFalse(st.upToDate());

      ActorSystem<Void> w2 = c.startWriter("w2");
      ActorRef<TestLog.Command> early = c.spawn(w2, TestLog.create("book-w"), "book-w");
      assertThrows(RuntimeException.class, () -> read(w2, early, Duration.ofSeconds(5)),
          "with s1 down, s2 plus an empty s3 are not a majority that holds events 21..40");

      c.startStorage("s1");
      ActorRef<StorageNode.Command> s3ref = c.storageRef(s3b, "s3");
      await("s3 caught up", Duration.ofSeconds(20), () -> status(s3b, s3ref).upToDate());
      ActorSystem<Void> w3 = c.startWriter("w3");
      ActorRef<TestLog.Command> again = c.spawn(w3, TestLog.create("book-w"), "book-w");
      assertEquals(range(1, 40), read(w3, again, Duration.ofSeconds(15)));
      assertTrue(s2b.whenTerminated().isCompleted() == false);
    }
  }

  @Test
  void a_store_of_another_replica_is_refused() throws Exception {
    try (StorageTestCluster c = new StorageTestCluster(THREE, "")) {
      ActorSystem<Void> s1 = c.startStorage("s1");
      c.kill(s1);
      StoreIdentityException e = assertThrows(StoreIdentityException.class,
          () -> c.startStorage("s2", c.dir("s1")));
      assertTrue(e.getMessage().contains("wrong data directory"), e.getMessage());
    }
  }

  @Test
  void disk_faults_and_hangs_of_a_minority_do_not_stop_writes_and_a_majority_fault_acks_nothing()
      throws Exception {
    try (StorageTestCluster c = new StorageTestCluster(THREE, "")) {
      ActorSystem<Void> s1 = c.startStorage("s1");
      ActorSystem<Void> s2 = c.startStorage("s2");
      c.startStorage("s3");
      ActorSystem<Void> w = c.startWriter("w");
      ActorRef<StorageNode.Command> r1 = c.storageRef(s1, "s1");
      ActorRef<StorageNode.Command> r2 = c.storageRef(s2, "s2");
      ActorRef<TestLog.Command> book = c.spawn(w, TestLog.create("book-f"), "book-f");
      write(w, book, 1);
      StorageTestCluster.fault(s1, r1, Fault.FULL_DISK, 0);
      write(w, book, 2);
      StorageTestCluster.fault(s2, r2, Fault.HANG, 0);
      assertThrows(RuntimeException.class, () -> write(w, book, 3),
          "one replica full, one hung: no majority, no acknowledgement");
      StorageTestCluster.fault(s1, r1, Fault.CLEAR, 0);
      StorageTestCluster.fault(s2, r2, Fault.CLEAR, 0);
      StorageTestCluster.fault(s1, r1, Fault.SLOW_DISK, 30);
      ActorRef<TestLog.Command> again = c.spawn(w, TestLog.create("book-f"), "book-f-2");
      List<Long> recovered = read(w, again, Duration.ofSeconds(15));
      assertEquals(List.of(1L, 2L), recovered.subList(0, 2));
      write(w, again, 4);
      assertEquals(List.of(1L, 2L, 4L), read(w, again, Duration.ofSeconds(5)).stream()
          .filter(v -> v != 3).toList());
    }
  }
}
