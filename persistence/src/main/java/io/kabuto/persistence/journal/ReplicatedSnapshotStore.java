package io.kabuto.persistence.journal;

import io.kabuto.persistence.node.StorageNode;
import io.kabuto.persistence.node.StorageProtocol.AckReply;
import io.kabuto.persistence.node.StorageProtocol.Outcome;
import io.kabuto.persistence.node.StorageProtocol.SnapshotReply;
import io.kabuto.persistence.node.StorageSettings;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.serialization.Snapshot;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.actor.typed.ActorRef;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * Kabuto's snapshot store: snapshots live on the storage replicas, are written to all of them and
 * acknowledged by a majority; a load asks a majority and takes the newest matching snapshot any of
 * them has (a snapshot acknowledged by a majority is on at least one of any majority).
 */
public final class ReplicatedSnapshotStore extends SnapshotStore {
  private final ActorSystem<?> system;
  private final StorageReplicas replicas;
  private final StorageSettings settings;
  private final Serialization serialization;

  public ReplicatedSnapshotStore() {
    this.system = Adapter.toTyped(context().system());
    this.replicas = StorageReplicas.get(system);
    this.settings = replicas.settings();
    this.serialization = SerializationExtension.get(context().system());
  }

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(String pid,
      SnapshotSelectionCriteria c) {
    int q = settings.quorum();
    CompletionStage<Optional<SelectedSnapshot>> r = loadAnswers(pid, c, 0)
        .thenApply(answers -> {
          if (answers.stream().filter(a -> a.outcome() == Outcome.OK).count() < q) {
            throw new QuorumException("loading a snapshot of " + pid + ": only " + answers.size()
                + " storage replicas answered, " + q + " needed; is a majority of the storage "
                + "nodes up?");
          }
          Optional<SnapshotReply> best = answers.stream()
              .filter(a -> a.outcome() == Outcome.OK && a.found())
              .max(Comparator.comparingLong(SnapshotReply::seqNr)
                  .thenComparingLong(SnapshotReply::timestamp));
          return best.map(b -> {
            Snapshot s = serialization.deserialize(SnapshotCompression.unpack(b.data()), Snapshot.class).get();
            return SelectedSnapshot.create(
                new SnapshotMetadata(pid, b.seqNr(), b.timestamp()), s.data());
          });
        });
    return FutureConverters.asScala(r.toCompletableFuture());
  }

  /** Rounds of 300 ms to wait for a majority to answer a load (a cold start): 10 s. */
  private static final int LOAD_ROUNDS = 33;

  private CompletionStage<java.util.List<SnapshotReply>> loadAnswers(String pid,
      SnapshotSelectionCriteria c, int round) {
    int q = settings.quorum();
    return call(ref -> new StorageNode.LoadSnapshot(pid, c.maxSequenceNr(), c.maxTimestamp(),
            c.minSequenceNr(), c.minTimestamp(), ref), SnapshotReply::outcome)
        .thenCompose(answers -> {
          if (answers.stream().filter(a -> a.outcome() == Outcome.OK).count() >= q
              || round >= LOAD_ROUNDS) {
            return java.util.concurrent.CompletableFuture.completedFuture(answers);
          }
          // Storage nodes not (yet) reachable, e.g. the whole cluster just started.
          return java.util.concurrent.CompletableFuture.supplyAsync(() -> null,
                  java.util.concurrent.CompletableFuture.delayedExecutor(300,
                      java.util.concurrent.TimeUnit.MILLISECONDS, system.executionContext()))
              .thenCompose(v -> loadAnswers(pid, c, round + 1));
        });
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata m, Object snapshot) {
    byte[] data;
    try {
      data = SnapshotCompression.pack(serialization.serialize(new Snapshot(snapshot)).get());
    } catch (Exception e) {
      return FutureConverters.asScala(java.util.concurrent.CompletableFuture.failedFuture(e));
    }
    return acked("saving snapshot " + m.sequenceNr() + " of " + m.persistenceId(), false,
        ref -> new StorageNode.SaveSnapshot(m.persistenceId(), m.sequenceNr(), m.timestamp(),
            data, 0, ref));
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata m) {
    long ts = m.timestamp() == 0 ? Long.MAX_VALUE : m.timestamp();
    long minTs = m.timestamp() == 0 ? 0 : m.timestamp();
    return acked("deleting snapshot " + m.sequenceNr() + " of " + m.persistenceId(), true,
        ref -> new StorageNode.DeleteSnapshots(m.persistenceId(), m.sequenceNr(), ts,
            m.sequenceNr(), minTs, ref));
  }

  @Override
  public Future<Void> doDeleteAsync(String pid, SnapshotSelectionCriteria c) {
    return acked("deleting snapshots of " + pid, true,
        ref -> new StorageNode.DeleteSnapshots(pid, c.maxSequenceNr(), c.maxTimestamp(),
            c.minSequenceNr(), c.minTimestamp(), ref));
  }

  /**
   * A write to all replicas, acknowledged by a majority. A delete ({@code waitForAll}) also waits
   * for the other replicas that answer in time: a load takes the newest snapshot any replica of
   * a majority has, so a replica that had not yet deleted would bring the snapshot back.
   */
  private Future<Void> acked(String what, boolean waitForAll,
      Function<ActorRef<AckReply>, StorageNode.Command> req) {
    int q = settings.quorum();
    CompletionStage<List<AckReply>> answered = waitForAll
        ? replicas.await(q).thenCompose(refs -> QuorumCall.call(refs, req,
            settings.requestTimeout(), system, a -> false))
        : call(req, AckReply::outcome);
    CompletionStage<Void> r = answered.thenApply(answers -> {
      long ok = answers.stream().filter(a -> a.outcome() == Outcome.OK).count();
      if (ok < q) {
        throw new QuorumException(what + ": " + ok + " storage replicas acknowledged, " + q
            + " needed; answers " + answers);
      }
      return null;
    });
    return FutureConverters.asScala(r.toCompletableFuture());
  }

  private <R> CompletionStage<List<R>> call(Function<ActorRef<R>, StorageNode.Command> req,
      java.util.function.Function<R, Outcome> outcome) {
    int q = settings.quorum();
    return replicas.await(q).thenCompose(refs -> QuorumCall.call(refs, req,
        settings.requestTimeout(), system,
        answers -> answers.stream().filter(a -> outcome.apply(a) == Outcome.OK).count() >= q));
  }
}
