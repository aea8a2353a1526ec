package io.kabuto.persistence.journal;

import io.kabuto.persistence.node.StorageNode;
import io.kabuto.persistence.node.StorageProtocol.AckReply;
import io.kabuto.persistence.node.StorageProtocol.AppendReply;
import io.kabuto.persistence.node.StorageProtocol.Entry;
import io.kabuto.persistence.node.StorageProtocol.Outcome;
import io.kabuto.persistence.node.StorageProtocol.PromiseReply;
import io.kabuto.persistence.node.StorageProtocol.ReadReply;
import io.kabuto.persistence.node.StorageSettings;
import io.kabuto.persistence.replica.EntryEpoch;
import io.kabuto.persistence.replica.PromiseResult;
import io.kabuto.persistence.replica.RecoveryMerge;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * Kabuto's journal plugin: every write goes to the storage replicas ({@link StorageNode}) and is
 * acknowledged once a majority stored it durably; every recovery is a fencing round that makes
 * older incarnations of the persistence id unable to write (design: {@code storage-protocol.md}).
 *
 * <ul>
 *   <li>{@link #doAsyncReadHighestSequenceNr} (Pekko calls it first in every recovery): promise
 *       a new epoch to a majority of voting replicas (retrying higher when refused), merge their
 *       entries above the snapshot by the highest-epoch rule, re-write them under the new epoch to
 *       a majority (repair), and keep them for the replay that follows.
 *   <li>{@link #doAsyncWriteMessages}: {@code Append} under the incarnation's epoch to all
 *       replicas; acknowledged at a majority; a {@code Fenced} answer fails it and every later
 *       write of this incarnation ({@link FencedException}).
 * </ul>
 *
 * <p>An event that cannot be serialized is rejected (Pekko's contract) and its sequence number is
 * stored as an empty placeholder so the log stays gap-free; replay skips placeholders.
 */
public final class ReplicatedJournal extends AsyncWriteJournal {

  /** What this journal knows of an incarnation it recovered. */
  private static final class Incarnation {
    final long epoch;
    volatile boolean fenced;
    volatile String fencedBy;
    volatile List<Entry> replay;

    Incarnation(long epoch, List<Entry> replay) {
      this.epoch = epoch;
      this.replay = replay;
    }
  }

  private static final int MAX_PROMISE_ROUNDS = 20;
  /** Rounds of 200 ms to wait for replicas that are catching up (a cold start): 10 s. */
  private static final int CATCH_UP_ROUNDS = 50;

  private final ActorSystem<?> system;
  private final StorageReplicas replicas;
  private final StorageSettings settings;
  private final Serialization serialization;
  private final Map<String, Incarnation> incarnations = new ConcurrentHashMap<>();
  /** Every write of this node's persistent actors goes through it, in rounds. */
  private final AppendCoalescer coalescer;

  public ReplicatedJournal() {
    this.system = Adapter.toTyped(context().system());
    this.replicas = StorageReplicas.get(system);
    this.settings = replicas.settings();
    this.serialization = SerializationExtension.get(context().system());
    this.coalescer = new AppendCoalescer(system, () -> replicas.await(settings.quorum()),
        settings.quorum(), settings.requestTimeout(), 2);
  }

  // ---------------------------------------------------------------- write

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    List<Optional<Exception>> results = new ArrayList<>();
    Map<String, List<Entry>> byPid = new java.util.LinkedHashMap<>();
    for (AtomicWrite w : messages) {
      List<Entry> entries = new ArrayList<>();
      Exception rejected = null;
      for (PersistentRepr repr : scala.jdk.javaapi.CollectionConverters.asJava(w.payload())) {
        try {
          entries.add(new Entry(repr.sequenceNr(), 0, serialization.serialize(repr).get()));
        } catch (Exception e) {
          rejected = e;
          break;
        }
      }
      if (rejected != null) {
        entries.clear();
        for (long s = w.lowestSequenceNr(); s <= w.highestSequenceNr(); s++) {
          entries.add(new Entry(s, 0, new byte[0]));
        }
      }
      results.add(rejected == null ? Optional.empty() : Optional.of(rejected));
      byPid.computeIfAbsent(w.persistenceId(), k -> new ArrayList<>()).addAll(entries);
    }
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (Map.Entry<String, List<Entry>> e : byPid.entrySet()) {
      writes.add(append(e.getKey(), e.getValue()).toCompletableFuture());
    }
    CompletableFuture<Iterable<Optional<Exception>>> all =
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(v -> results);
    return FutureConverters.asScala(all);
  }

  private CompletionStage<Void> append(String pid, List<Entry> entries) {
    Incarnation inc = incarnations.get(pid);
    if (inc == null) {
      // A write without a recovery first (Recovery.none, tools, the TCK): this writer becomes
      // the newest incarnation, fencing older ones, and may only continue the log where it ends.
      long expected = entries.get(0).seqNr() - 1;
      return fence(pid, expected, 1, 0).thenCompose(highest -> {
        if (highest != expected) {
          throw new IllegalStateException("write of " + pid + " at seqNr " + (expected + 1)
              + " without recovery, but the log already holds entries after " + expected);
        }
        return append(pid, entries);
      });
    }
    if (inc.fenced) {
      return CompletableFuture.failedFuture(fenced(pid, inc));
    }
    int q = settings.quorum();
    return coalescer.append(pid, inc.epoch, entries)
        .thenApply(answers -> {
          for (AppendReply a : answers) {
            if (a.outcome() == Outcome.FENCED) {
              inc.fenced = true;
              inc.fencedBy = a.error();
            }
          }
          if (count(answers, Outcome.OK) >= q && !inc.fenced) {
            return null;
          }
          if (inc.fenced) {
            throw fenced(pid, inc);
          }
          throw new QuorumException("write of " + pid + " seqNr " + entries.get(0).seqNr()
              + ".." + entries.get(entries.size() - 1).seqNr() + " not acknowledged: "
              + describe(answers, q));
        });
  }

  private FencedException fenced(String pid, Incarnation inc) {
    return new FencedException("incarnation of " + pid + " with epoch " + inc.epoch
        + " is fenced (" + inc.fencedBy + "): a newer incarnation owns the log; this one stops");
  }

  // ---------------------------------------------------------------- recovery

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String pid, long fromSequenceNr) {
    return FutureConverters.asScala(
        fence(pid, fromSequenceNr, 1, 0).toCompletableFuture());
  }

  private CompletionStage<Long> fence(String pid, long from, long epoch, int round) {
    int q = settings.quorum();
    return replicas.await(q).thenCompose(refs -> QuorumCall.<StorageNode.Command, PromiseReply>call(
        refs, r -> new StorageNode.Promise(pid, epoch, from, 0, r), settings.requestTimeout(),
        system, answers -> votes(answers) >= q))
        .thenCompose(answers -> {
          if (votes(answers) >= q) {
            return repair(pid, from, epoch, answers);
          }
          long higher = answers.stream().filter(a -> a.outcome() == Outcome.REJECTED)
              .mapToLong(PromiseReply::promisedEpoch).max().orElse(0);
          if (higher > 0 && round < MAX_PROMISE_ROUNDS) {
            // Another incarnation is recovering at the same time: back off a little, go higher.
            long next = Math.max(higher, epoch) + 1;
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(
                    ThreadLocalRandom.current().nextInt(5, 50), TimeUnit.MILLISECONDS,
                    system.executionContext()))
                .thenCompose(v -> fence(pid, from, next, round + 1));
          }
          long catchingUp = answers.stream()
              .filter(a -> a.outcome() == Outcome.OK && !a.voter()).count();
          if (catchingUp > 0 && round < CATCH_UP_ROUNDS) {
            // Replicas that are still catching up (just started) will vote shortly.
            long next = Math.max(higher, epoch) + 1;
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(
                    200, TimeUnit.MILLISECONDS, system.executionContext()))
                .thenCompose(v -> fence(pid, from, next, round + 1));
          }
          throw new QuorumException("recovery of " + pid + " could not fence older "
              + "incarnations: " + describePromises(answers, q));
        });
  }

  private CompletionStage<Long> repair(String pid, long from, long epoch,
      List<PromiseReply> answers) {
    List<PromiseResult.Promised> promised = new ArrayList<>();
    long base = from;
    for (PromiseReply a : answers) {
      if (a.outcome() != Outcome.OK || !a.voter()) {
        continue;
      }
      List<EntryEpoch> ee = new ArrayList<>();
      for (int i = 0; i + 1 < a.entryEpochs().length; i += 2) {
        ee.add(new EntryEpoch(a.entryEpochs()[i], a.entryEpochs()[i + 1]));
      }
      promised.add(new PromiseResult.Promised(pid, epoch, a.replicaId(), a.highestSeqNr(),
          a.deletedTo(), ee));
      base = Math.max(base, a.deletedTo());
    }
    List<RecoveryMerge.Choice> choices = RecoveryMerge.merge(base, promised);
    long highest = choices.isEmpty() ? base : choices.get(choices.size() - 1).seqNr();
    long finalBase = base;
    return fetch(pid, choices, 0, new ArrayList<>()).thenCompose(entries -> {
      if (entries.isEmpty()) {
        incarnations.put(pid, new Incarnation(epoch, List.of()));
        return CompletableFuture.completedFuture(highest);
      }
      return rewrite(pid, epoch, entries, 0, finalBase).thenApply(v -> {
        incarnations.put(pid, new Incarnation(epoch, entries));
        return highest;
      });
    });
  }

  /** Re-writes {@code entries} from {@code from} on under {@code epoch}, in pages, each to a majority. */
  private CompletionStage<Void> rewrite(String pid, long epoch, List<Entry> entries, int from,
      long base) {
    if (from >= entries.size()) {
      return CompletableFuture.completedFuture(null);
    }
    int to = from;
    long bytes = 0;
    while (to < entries.size()
        && (to == from || bytes + entries.get(to).payload().length <= StorageNode.MAX_PAGE_BYTES)) {
      bytes += entries.get(to).payload().length + 32;
      to++;
    }
    List<Entry> page = entries.subList(from, to);
    int end = to;
    boolean endsLog = end >= entries.size();
    int q = settings.quorum();
    return QuorumCall.<StorageNode.Command, AppendReply>call(replicas.visible(),
            r -> new StorageNode.Append(pid, epoch, List.copyOf(page), 0, endsLog, r),
            settings.requestTimeout(), system, a -> count(a, Outcome.OK) >= q)
        .thenCompose(written -> {
          if (count(written, Outcome.OK) < q) {
            throw new QuorumException("recovery of " + pid + ": re-writing " + entries.size()
                + " entries above " + base + " under epoch " + epoch + " failed: "
                + describe(written, q));
          }
          return rewrite(pid, epoch, entries, end, base);
        });
  }

  /** Reads the winning entries from their holders, in runs of consecutive sequence numbers. */
  private CompletionStage<List<Entry>> fetch(String pid, List<RecoveryMerge.Choice> choices,
      int index, List<Entry> acc) {
    if (index >= choices.size()) {
      return CompletableFuture.completedFuture(acc);
    }
    RecoveryMerge.Choice first = choices.get(index);
    String holder = first.replicaIds().get(0);
    int end = index;
    while (end + 1 < choices.size() && choices.get(end + 1).replicaIds().contains(holder)) {
      end++;
    }
    long fromSeq = first.seqNr();
    long toSeq = choices.get(end).seqNr();
    ActorRef<StorageNode.Command> ref = replicas.visible().get(holder);
    if (ref == null) {
      return CompletableFuture.failedFuture(new QuorumException("recovery of " + pid
          + ": replica " + holder + " holding entries " + fromSeq + ".." + toSeq + " vanished"));
    }
    return io.kabuto.persistence.node.Asks.<StorageNode.Command, ReadReply>ask(
            ref, r -> new StorageNode.Read(pid, fromSeq, toSeq, toSeq - fromSeq + 1, r),
            settings.requestTimeout(), system)
        .thenCompose(reply -> {
          if (reply.outcome() != Outcome.OK || reply.entries().isEmpty()) {
            throw new QuorumException("recovery of " + pid + ": reading " + fromSeq + ".."
                + toSeq + " from " + holder + " failed: " + reply.outcome() + " " + reply.error());
          }
          for (int i = 0; i < reply.entries().size(); i++) {
            Entry e = reply.entries().get(i);
            RecoveryMerge.Choice c = choices.get((int) (index + i));
            if (e.seqNr() != c.seqNr() || e.epoch() != c.epoch()) {
              throw new QuorumException("recovery of " + pid + ": replica " + holder
                  + " changed entry " + c.seqNr() + " while recovering; retrying");
            }
            acc.add(e);
          }
          // A reply is one page (bounded in bytes): go on from where it ended.
          return fetch(pid, choices, index + reply.entries().size(), acc);
        });
  }

  @Override
  public Future<Void> doAsyncReplayMessages(String pid, long fromSequenceNr, long toSequenceNr,
      long max, Consumer<PersistentRepr> replayCallback) {
    Incarnation inc = incarnations.get(pid);
    List<Entry> entries = inc == null ? List.of() : inc.replay;
    long n = 0;
    try {
      for (Entry e : entries) {
        if (e.seqNr() < fromSequenceNr || e.payload().length == 0) {
          continue;
        }
        if (e.seqNr() > toSequenceNr || n >= max) {
          break;
        }
        replayCallback.accept(serialization.deserialize(e.payload(), PersistentRepr.class).get());
        n++;
      }
    } catch (Exception e) {
      return FutureConverters.asScala(CompletableFuture.failedFuture(e));
    } finally {
      if (inc != null) {
        inc.replay = List.of();
      }
    }
    return FutureConverters.asScala(CompletableFuture.completedFuture(null));
  }

  // ---------------------------------------------------------------- delete

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String pid, long toSequenceNr) {
    Incarnation known = incarnations.get(pid);
    CompletionStage<Long> epochStage = known != null
        ? CompletableFuture.completedFuture(known.epoch)
        : fence(pid, toSequenceNr, 1, 0).thenApply(h -> incarnations.get(pid).epoch);
    int q = settings.quorum();
    CompletionStage<Void> done = epochStage.thenCompose(epoch -> replicas.await(q)
            .thenCompose(refs -> QuorumCall.<StorageNode.Command, AckReply>call(refs,
                r -> new StorageNode.DeleteTo(pid, epoch, toSequenceNr, 0, r),
                settings.requestTimeout(), system, a -> countAcks(a, Outcome.OK) >= q)))
        .thenApply(answers -> {
          if (countAcks(answers, Outcome.OK) < q) {
            throw new QuorumException("delete of " + pid + " to " + toSequenceNr
                + " not acknowledged by a majority (" + answers.size() + " answers)");
          }
          return null;
        });
    return FutureConverters.asScala(done.toCompletableFuture());
  }

  // ---------------------------------------------------------------- helpers

  private static long count(List<AppendReply> answers, Outcome o) {
    return answers.stream().filter(a -> a.outcome() == o).count();
  }

  private static long countAcks(List<AckReply> answers, Outcome o) {
    return answers.stream().filter(a -> a.outcome() == o).count();
  }

  private static long votes(List<PromiseReply> answers) {
    return answers.stream().filter(a -> a.outcome() == Outcome.OK && a.voter()).count();
  }

  private String describe(List<AppendReply> answers, int q) {
    StringBuilder b = new StringBuilder();
    b.append(count(answers, Outcome.OK)).append(" of ").append(settings.replicas().size())
        .append(" replicas stored it, ").append(q).append(" needed; answers: ");
    for (AppendReply a : answers) {
      b.append(a.replicaId()).append('=').append(a.outcome());
      if (a.error() != null) {
        b.append(" (").append(a.error()).append(')');
      }
      b.append("; ");
    }
    b.append("visible: ").append(replicas.visible().keySet())
        .append(". Is a majority of the storage nodes up and reachable?");
    return b.toString();
  }

  private String describePromises(List<PromiseReply> answers, int q) {
    StringBuilder b = new StringBuilder();
    b.append(votes(answers)).append(" voting promises, ").append(q).append(" needed; answers: ");
    for (PromiseReply a : answers) {
      b.append(a.replicaId()).append('=').append(a.outcome()).append(a.voter() ? "" : "/non-voter")
          .append("; ");
    }
    b.append("visible: ").append(replicas.visible().keySet())
        .append(". Is a majority of the storage nodes up, reachable and caught up?");
    return b.toString();
  }
}
