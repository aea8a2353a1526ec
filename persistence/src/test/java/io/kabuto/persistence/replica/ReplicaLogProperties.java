package io.kabuto.persistence.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kabuto.persistence.store.FsyncPolicy;
import io.kabuto.persistence.store.LevelDbStore;
import io.kabuto.persistence.store.LogEntry;
import io.kabuto.persistence.store.StoreConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random interleavings of promise/append (and rewinds, deletes, restarts) from three incarnations
 * of one persistence id against one replica. After every step: reads are gap-free and ordered,
 * epochs never decrease along the log nor exceed {@code promised}, no seqNr holds an entry from an
 * epoch lower than one whose append there was accepted, and refused operations change nothing.
 */
class ReplicaLogProperties {
  static final String PID = "book-7203";
  static final StoreConfig CFG = StoreConfig.of("kabuto-test", "r1", false, FsyncPolicy.OFF);

  enum Kind { PROMISE, APPEND, REWIND, DELETE, RESTART }

  /** {@code a}: epoch for PROMISE, entry count for APPEND, target seqNr for REWIND/DELETE. */
  record Op(Kind kind, int incarnation, int a) {}

  /** A writer's view: its epoch (0 = never promised) and where it thinks the log ends. */
  static final class Incarnation {
    long epoch;
    long next = 1;
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Kind> kind = Arbitraries.frequency(
        Tuple.of(20, Kind.PROMISE), Tuple.of(55, Kind.APPEND), Tuple.of(15, Kind.REWIND),
        Tuple.of(5, Kind.DELETE), Tuple.of(5, Kind.RESTART));
    Arbitrary<Op> op = Combinators.combine(kind, Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(1, 12)).as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(60);
  }

  @Property(tries = 150)
  void fencingAndConflictResolutionKeepTheLogSound(@ForAll("ops") List<Op> ops)
      throws IOException {
    Path dir = Files.createTempDirectory("kabuto-replica-prop");
    LevelDbStore store = LevelDbStore.open(dir.resolve("db"), CFG);
    try {
      ReplicaLog log = new ReplicaLog(store);
      Incarnation[] incs = {new Incarnation(), new Incarnation(), new Incarnation()};
      Map<Long, Long> acceptedEpochAt = new HashMap<>();
      for (Op op : ops) {
        Incarnation inc = incs[op.incarnation()];
        State before = State.of(log);
        switch (op.kind()) {
          case PROMISE -> {
            PromiseResult r = log.promise(PID, op.a(), 0);
            if (r instanceof PromiseResult.Promised p) {
              assertTrue(op.a() > before.promised);
              inc.epoch = op.a();
              inc.next = p.highestSeqNr() + 1;
              assertEquals(p.lastEntries(), before.entryEpochs(), "promise answers the log");
            } else {
              assertTrue(op.a() <= before.promised);
              assertEquals(before, State.of(log), "a rejected promise changes nothing");
            }
          }
          case APPEND -> {
            if (inc.epoch == 0) {
              continue;
            }
            List<NewEntry> batch = new ArrayList<>();
            for (long s = inc.next; s < inc.next + op.a(); s++) {
              batch.add(new NewEntry(s, payload(op.incarnation(), inc.epoch, s)));
            }
            AppendResult r = log.append(PID, inc.epoch, batch);
            if (r instanceof AppendResult.Appended a) {
              assertTrue(inc.epoch >= before.promised, "accepted below promised: " + r);
              for (NewEntry e : batch) {
                acceptedEpochAt.merge(e.seqNr(), inc.epoch, Math::max);
                if (e.seqNr() > store.deletedTo(PID)) {
                  LogEntry stored = log.read(PID, e.seqNr(), e.seqNr(), 1).get(0);
                  assertEquals(new LogEntry(e.seqNr(), inc.epoch, e.payload()), stored);
                }
              }
              assertEquals(a.highestSeqNr(), log.highestSeqNr(PID));
              inc.next += op.a();
            } else {
              if (r instanceof AppendResult.Fenced f) {
                assertTrue(inc.epoch < before.promised);
                assertEquals(before.promised, f.promisedEpoch());
              } else {
                assertTrue(inc.next > before.highest + 1, "gap reported wrongly: " + r);
              }
              assertEquals(before, State.of(log), "a refused append changes nothing: " + r);
            }
          }
          case REWIND -> inc.next = Math.max(1, Math.min(inc.next, op.a()));
          case DELETE -> log.deleteTo(PID, op.a());
          case RESTART -> {
            store.close();
            store = LevelDbStore.open(dir.resolve("db"), CFG.withExpectExisting(true));
            log = new ReplicaLog(store);
            assertEquals(before, State.of(log), "a restart changes nothing");
          }
          default -> fail();
        }
        checkInvariants(log, acceptedEpochAt);
      }
    } finally {
      store.close();
      deleteRecursively(dir);
    }
  }

  static void checkInvariants(ReplicaLog log, Map<Long, Long> acceptedEpochAt) {
    long promised = log.promised(PID);
    long highest = log.highestSeqNr(PID);
    long deletedTo = log.store().deletedTo(PID);
    List<LogEntry> all = log.read(PID, 1, Long.MAX_VALUE, Long.MAX_VALUE);
    long expected = deletedTo + 1;
    long lastEpoch = 0;
    for (LogEntry e : all) {
      assertEquals(expected, e.seqNr(), "reads are gap-free and ordered");
      expected++;
      assertTrue(e.epoch() >= lastEpoch, "epochs never decrease along the log");
      assertTrue(e.epoch() <= promised, "no entry above the promised epoch");
      lastEpoch = e.epoch();
      Long accepted = acceptedEpochAt.get(e.seqNr());
      assertTrue(accepted != null && e.epoch() >= accepted,
          "seqNr " + e.seqNr() + " holds epoch " + e.epoch() + " after epoch " + accepted
              + " was accepted there");
      ByteBuffer b = ByteBuffer.wrap(e.payload());
      b.getInt();
      assertEquals(e.epoch(), b.getLong(), "payload belongs to the epoch");
      assertEquals(e.seqNr(), b.getLong(), "payload belongs to the seqNr");
    }
    assertEquals(highest, expected - 1, "the log ends at the highest seqNr (or all is deleted)");
  }

  static byte[] payload(int incarnation, long epoch, long seqNr) {
    return ByteBuffer.allocate(20).putInt(incarnation).putLong(epoch).putLong(seqNr).array();
  }

  record State(long promised, long highest, long deletedTo, List<LogEntry> entries) {
    static State of(ReplicaLog log) {
      return new State(log.promised(PID), log.highestSeqNr(PID), log.store().deletedTo(PID),
          log.read(PID, 1, Long.MAX_VALUE, Long.MAX_VALUE));
    }

    List<EntryEpoch> entryEpochs() {
      return entries.stream().map(e -> new EntryEpoch(e.seqNr(), e.epoch())).toList();
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
