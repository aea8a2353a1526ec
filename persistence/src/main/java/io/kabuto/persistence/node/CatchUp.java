package io.kabuto.persistence.node;

import io.kabuto.persistence.node.StorageProtocol.Entry;
import io.kabuto.persistence.node.StorageProtocol.Outcome;
import io.kabuto.persistence.node.StorageProtocol.PidList;
import io.kabuto.persistence.node.StorageProtocol.PidState;
import io.kabuto.persistence.node.StorageProtocol.ReadReply;
import io.kabuto.persistence.node.StorageProtocol.SnapshotReply;
import io.kabuto.persistence.replica.ReplicaLog;
import io.kabuto.persistence.store.LevelDbStore;
import io.kabuto.persistence.store.LogEntry;
import io.kabuto.persistence.store.SnapshotCriteria;
import io.kabuto.persistence.store.StoredSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;


/**
 * One catch-up pass of a replica: from each reachable peer, in turn, copy the log entries it has
 * beyond this replica's end (keeping their epochs, {@link ReplicaLog#install}) and the latest
 * snapshot if it is newer. A peer counts as consulted only if every one of its persistence ids was
 * copied; the storage node decides from the consulted set whether it may vote and counts toward
 * redundancy again.
 *
 * <p>Entries this replica already has are not compared: stale entries (written by a lower epoch
 * and never acknowledged) lose to the acknowledged ones at the next recovery, which takes the
 * highest epoch at each sequence number.
 */
final class CatchUp {

  /**
   * What a pass did. {@code onlyPid}: the pass was for one id (after a gap), else null.
   * {@code consulted}: voting peers copied in full; {@code emptyPeers}: non-voting peers that hold
   * nothing at all (new stores, as in a brand-new cluster); {@code dataPeers}: peers that answered
   * and hold something.
   */
  record Result(String onlyPid, List<String> consulted, List<String> emptyPeers,
      List<String> dataPeers, long installed, int snapshots, String error) {
    static Result failed(String onlyPid, String error) {
      return new Result(onlyPid, List.of(), List.of(), List.of(), 0, 0, error);
    }
  }

  private record PeerKind(boolean voter, boolean empty) {}

  private final StorageSettings settings;
  private final ReplicaLog log;
  private final LevelDbStore store;
  private final List<ActorRef<StorageNode.Command>> peers;
  private final String onlyPid;
  private final Executor io;
  private final ActorSystem<?> system;
  private final List<String> consulted = new ArrayList<>();
  private final List<String> emptyPeers = new ArrayList<>();
  private final List<String> dataPeers = new ArrayList<>();
  private final AtomicLong installed = new AtomicLong();
  private final AtomicInteger snapshots = new AtomicInteger();

  CatchUp(StorageSettings settings, ReplicaLog log, LevelDbStore store,
      List<ActorRef<StorageNode.Command>> peers, String onlyPid, Executor io,
      ActorSystem<?> system) {
    this.settings = settings;
    this.log = log;
    this.store = store;
    this.peers = List.copyOf(peers);
    this.onlyPid = onlyPid;
    this.io = io;
    this.system = system;
  }

  CompletionStage<Result> run() {
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (ActorRef<StorageNode.Command> peer : peers) {
      chain = chain.thenCompose(v -> fromPeer(peer).handle((kind, e) -> {
        synchronized (consulted) {
          String id = StorageNode.replicaIdOf(peer);
          if (kind != null && kind.voter()) {
            consulted.add(id);
          }
          if (kind != null) {
            (kind.empty() ? emptyPeers : dataPeers).add(id);
          }
        }
        if (e != null) {
          system.log().debug("catch-up from {} failed: {}", peer, StorageNode.errorText(e));
        }
        return null;
      }));
    }
    return chain.thenApply(v -> {
      synchronized (consulted) {
        return new Result(onlyPid, List.copyOf(consulted), List.copyOf(emptyPeers),
            List.copyOf(dataPeers), installed.get(), snapshots.get(), null);
      }
    });
  }

  private CompletionStage<PeerKind> fromPeer(ActorRef<StorageNode.Command> peer) {
    return Asks.<StorageNode.Command, PidList>ask(peer, StorageNode.ListPids::new,
            settings.requestTimeout(), system)
        .thenCompose(list -> {
          if (list.outcome() != Outcome.OK) {
            return CompletableFuture.completedFuture((PeerKind) null);
          }
          // Copy from a peer that lost its data too, but do not count it: it may lack entries.
          PeerKind kind = new PeerKind(list.voter(), list.pids().isEmpty());
          CompletionStage<PeerKind> chain = CompletableFuture.completedFuture(kind);
          for (PidState st : list.pids()) {
            if (onlyPid != null && !onlyPid.equals(st.pid())) {
              continue;
            }
            chain = chain.thenCompose(ok -> copyLog(peer, st).thenCompose(
                done -> copySnapshot(peer, st)).thenApply(done -> ok));
          }
          return chain;
        });
  }

  private CompletionStage<Void> copyLog(ActorRef<StorageNode.Command> peer, PidState st) {
    return CompletableFuture.supplyAsync(() -> log.highestSeqNr(st.pid()), io).thenCompose(mine -> {
      if (st.highestSeqNr() <= mine) {
        return CompletableFuture.completedFuture(null);
      }
      long to = Math.min(st.highestSeqNr(), mine + settings.catchUpChunk());
      return Asks.<StorageNode.Command, ReadReply>ask(peer,
              r -> new StorageNode.Read(st.pid(), mine + 1, to, settings.catchUpChunk(), r),
              settings.requestTimeout(), system)
          .thenApplyAsync(reply -> {
            if (reply.outcome() != Outcome.OK) {
              throw new IllegalStateException("read from " + reply.replicaId() + " failed: "
                  + reply.error());
            }
            List<LogEntry> entries = new ArrayList<>(reply.entries().size());
            for (Entry e : reply.entries()) {
              entries.add(new LogEntry(e.seqNr(), e.epoch(), e.payload()));
            }
            return log.install(st.pid(), reply.deletedTo(), entries);
          }, io)
          .thenCompose(n -> {
            installed.addAndGet(n);
            // n == 0: nothing more can be taken from this peer (its next entry has a lower epoch
            // than this replica's last one); the next recovery's rewrite repairs that.
            return n == 0 ? CompletableFuture.completedFuture(null) : copyLog(peer, st);
          });
    });
  }

  private CompletionStage<Void> copySnapshot(ActorRef<StorageNode.Command> peer, PidState st) {
    if (st.latestSnapshotSeqNr() == 0) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.supplyAsync(() -> store.loadSnapshot(st.pid(), SnapshotCriteria.LATEST)
        .map(StoredSnapshot::seqNr).orElse(0L), io).thenCompose(mine -> {
          if (mine >= st.latestSnapshotSeqNr()) {
            return CompletableFuture.completedFuture(null);
          }
          return Asks.<StorageNode.Command, SnapshotReply>ask(peer,
                  r -> new StorageNode.LoadSnapshot(st.pid(), Long.MAX_VALUE, Long.MAX_VALUE, 0, 0,
                      r),
                  settings.requestTimeout(), system)
              .thenAcceptAsync(s -> {
                if (s.outcome() == Outcome.OK && s.found()) {
                  store.saveSnapshot(new StoredSnapshot(s.pid(), s.seqNr(), s.timestamp(),
                      s.data()));
                  snapshots.incrementAndGet();
                }
              }, io);
        });
  }
}
