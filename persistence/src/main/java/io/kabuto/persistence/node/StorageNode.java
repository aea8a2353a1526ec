package io.kabuto.persistence.node;

import io.kabuto.CborSerializable;
import io.kabuto.persistence.node.StorageProtocol.AckReply;
import io.kabuto.persistence.node.StorageProtocol.AppendReply;
import io.kabuto.persistence.node.StorageProtocol.Entry;
import io.kabuto.persistence.node.StorageProtocol.Fault;
import io.kabuto.persistence.node.StorageProtocol.Outcome;
import io.kabuto.persistence.node.StorageProtocol.PidList;
import io.kabuto.persistence.node.StorageProtocol.PidState;
import io.kabuto.persistence.node.StorageProtocol.PromiseReply;
import io.kabuto.persistence.node.StorageProtocol.ReadReply;
import io.kabuto.persistence.node.StorageProtocol.SnapshotReply;
import io.kabuto.persistence.node.StorageProtocol.StatusReply;
import io.kabuto.persistence.replica.AppendResult;
import io.kabuto.persistence.replica.EntryEpoch;
import io.kabuto.persistence.replica.GroupCommitter;
import io.kabuto.persistence.replica.NewEntry;
import io.kabuto.persistence.replica.PromiseResult;
import io.kabuto.persistence.replica.ReplicaLog;
import io.kabuto.persistence.store.LevelDbStore;
import io.kabuto.persistence.store.LogEntry;
import io.kabuto.persistence.store.SnapshotCriteria;
import io.kabuto.persistence.store.StoredSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * A storage node: the replica side of the replicated journal, on nodes with role {@code storage}.
 * It owns one {@link LevelDbStore} (one directory), answers the journal plugin's promises and
 * appends through a {@link GroupCommitter} (many appends, one write batch, one fsync), serves reads
 * and snapshots, catches up from its peers after it was down ({@link CatchUp}), and in legacy mode
 * plays one side of the primary/backup pair ({@link LegacyPair}).
 *
 * <p>Registered with the receptionist under {@link #SERVICE_KEY}; its actor name is
 * {@code storage-<replicaId>} so that writers know which replica a reference is.
 *
 * <p>Answers are sent from the group committer's or the I/O pool's thread straight to the asker,
 * never through this actor's mailbox, so a slow disk does not queue up status requests behind it.
 */
public final class StorageNode extends AbstractBehavior<StorageNode.Command> {

  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "kabuto-storage-node");

  /**
   * Most payload bytes one read reply or append carries: well under Artery's remote frame
   * (pekko.remote.artery.advanced.maximum-frame-size), so that a long log moves in pages.
   */
  public static final int MAX_PAGE_BYTES = 96 * 1024;

  /** Actor name of the storage node of replica {@code replicaId}. */
  public static String actorName(String replicaId) {
    return "storage-" + replicaId;
  }

  /** The replica id from a storage node's actor name, or null if it is not one. */
  public static String replicaIdOf(ActorRef<?> ref) {
    String name = ref.path().name();
    return name.startsWith("storage-") ? name.substring("storage-".length()) : null;
  }

  /** Everything a storage node accepts. */
  public interface Command extends CborSerializable {}

  /** Fencing round of a recovering incarnation (see {@code storage-protocol.md}). */
  public record Promise(String pid, long epoch, long fromSeqNr, long mirrorGeneration,
      ActorRef<PromiseReply> replyTo) implements Command {}

  /** A write of the incarnation holding {@code epoch}; entries' own epochs are ignored. */
  /** @param endsLog the last page of a recovery's re-write (see {@link io.kabuto.persistence.replica.ReplicaLog#append(String, long, List, boolean)}) */
  public record Append(String pid, long epoch, List<Entry> entries, long mirrorGeneration,
      boolean endsLog, ActorRef<AppendReply> replyTo) implements Command {}

  /**
   * Appends of several persistence ids from one writer node in one message (its journal's
   * coalescer: every book of a node writes through it), answered with one {@link
   * StorageProtocol.AppendBatchReply} holding each append's reply at its index. Each append is
   * carried out exactly as if it came alone; their {@code replyTo}s are unused.
   */
  public record AppendBatch(List<Append> appends,
      ActorRef<StorageProtocol.AppendBatchReply> replyTo) implements Command {}

  public record Read(String pid, long fromSeqNr, long toSeqNr, long max,
      ActorRef<ReadReply> replyTo) implements Command {}

  /** Pekko's deleteMessagesTo by the incarnation holding {@code epoch}. */
  public record DeleteTo(String pid, long epoch, long toSeqNr, long mirrorGeneration,
      ActorRef<AckReply> replyTo) implements Command {}

  public record SaveSnapshot(String pid, long seqNr, long timestamp, byte[] data,
      long mirrorGeneration, ActorRef<AckReply> replyTo) implements Command {}

  /** The latest snapshot matching the criteria (Pekko's SnapshotSelectionCriteria). */
  public record LoadSnapshot(String pid, long maxSeqNr, long maxTimestamp, long minSeqNr,
      long minTimestamp, ActorRef<SnapshotReply> replyTo) implements Command {}

  public record DeleteSnapshots(String pid, long maxSeqNr, long maxTimestamp, long minSeqNr,
      long minTimestamp, ActorRef<AckReply> replyTo) implements Command {}

  public record ListPids(ActorRef<PidList> replyTo) implements Command {}

  public record GetStatus(ActorRef<StatusReply> replyTo) implements Command {}

  public record InjectFault(Fault fault, long millis, ActorRef<AckReply> replyTo)
      implements Command {}

  // local-only messages
  private record PeersChanged(Receptionist.Listing listing) implements Command {}

  record CatchUpFinished(CatchUp.Result result) implements Command {}

  private record GapSeen(String pid) implements Command {}

  private enum Tick implements Command { CATCH_UP, HEARTBEAT }

  /** Starts a storage node over an opened store; the node closes the store when it stops. */
  public static Behavior<Command> create(StorageSettings settings, LevelDbStore store) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new StorageNode(ctx, timers, settings, store)));
  }

  private final StorageSettings settings;
  private final LevelDbStore store;
  private final ReplicaLog replicaLog;
  private final GroupCommitter committer;
  private final ExecutorService io;
  private final TimerScheduler<Command> timers;
  private final Map<String, ActorRef<Command>> peers = new HashMap<>();
  private final Set<String> pidCatchUps = new HashSet<>();
  private final LegacyPair legacy;
  private volatile boolean hung;
  private volatile boolean voter;
  private boolean upToDate;
  private boolean catchUpRunning;
  private boolean waitLogged;
  private String fault = "none";

  private StorageNode(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      StorageSettings settings, LevelDbStore store) {
    super(ctx);
    this.settings = settings;
    this.store = store;
    this.timers = timers;
    this.replicaLog = new ReplicaLog(store);
    this.committer = new GroupCommitter(replicaLog, settings.maxGroupSize());
    this.io = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "kabuto-storage-io-" + settings.replicaId());
      t.setDaemon(true);
      return t;
    });
    // A store that was just created may be a wiped replica (bitbank): its promise answers must
    // not count until it has caught up from a majority of the others.
    this.voter = store.identity().status().upToDateCandidate() || otherReplicas() == 0;
    this.upToDate = otherReplicas() == 0;
    this.legacy = settings.legacyMode()
        ? new LegacyPair(settings.replicaId(), settings.legacy(), ctx.getLog()) : null;
    ctx.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, ctx.getSelf()));
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(SERVICE_KEY,
        ctx.messageAdapter(Receptionist.Listing.class, PeersChanged::new)));
    ctx.getLog().info("storage node {} up: store {} ({}), replica set {}, quorum {}, fsync {}{}",
        settings.replicaId(), store.dir(), store.identity().status(), settings.replicas(),
        settings.quorum(), settings.fsync(), settings.legacyMode() ? ", legacy primary/backup" : "");
    if (!upToDate) {
      ctx.getLog().warn("replica {} is catching up from its peers: under-replicated until done{}",
          settings.replicaId(), voter ? "" : " (new or empty store: not voting until then)");
      timers.startTimerWithFixedDelay(Tick.CATCH_UP, Tick.CATCH_UP, Duration.ZERO,
          settings.catchUpRetry());
    }
    if (legacy != null) {
      timers.startTimerWithFixedDelay(Tick.HEARTBEAT, Tick.HEARTBEAT,
          settings.legacy().heartbeatInterval());
    }
  }

  private int otherReplicas() {
    return settings.replicas().size() - 1;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(InjectFault.class, this::onFault)
        .onMessage(GetStatus.class, this::whenAwake)
        .onMessage(PeersChanged.class, this::onPeers)
        .onMessage(CatchUpFinished.class, this::onCatchUpFinished)
        .onMessage(Command.class, c -> hung, c -> this) // a hung node answers nothing
        .onMessage(Promise.class, this::onPromise)
        .onMessage(Append.class, this::onAppend)
        .onMessage(AppendBatch.class, this::onAppendBatch)
        .onMessage(Read.class, this::onRead)
        .onMessage(DeleteTo.class, this::onDeleteTo)
        .onMessage(SaveSnapshot.class, this::onSaveSnapshot)
        .onMessage(LoadSnapshot.class, this::onLoadSnapshot)
        .onMessage(DeleteSnapshots.class, this::onDeleteSnapshots)
        .onMessage(ListPids.class, this::onListPids)
        .onMessage(GapSeen.class, this::onGap)
        .onMessageEquals(Tick.CATCH_UP, this::onCatchUpTick)
        .onMessageEquals(Tick.HEARTBEAT, this::onHeartbeatTick)
        .onMessage(StorageProtocol.Heartbeat.class, this::onHeartbeat)
        .onMessage(StorageProtocol.PanicNotice.class, this::onPanicNotice)
        .onSignal(PostStop.class, s -> onStop())
        .build();
  }

  // ---------------------------------------------------------------- writer's requests

  private Behavior<Command> onPromise(Promise p) {
    String refusal = legacyRefusal(p.mirrorGeneration());
    if (refusal != null) {
      p.replyTo().tell(new PromiseReply(settings.replicaId(), p.pid(), outcomeOf(refusal), false,
          p.epoch(), 0, 0, 0, new long[0], refusal));
      return this;
    }
    CompletionStage<PromiseReply> local = committer.promise(p.pid(), p.epoch(), p.fromSeqNr())
        .handle((r, e) -> promiseReply(p, r, e));
    if (legacy != null && legacy.active() && p.mirrorGeneration() == 0) {
      long gen = legacy.generation();
      local = local.thenCompose(reply -> reply.outcome() != Outcome.OK ? done(reply)
          : legacy.mirror(peerRef(), r -> new Promise(p.pid(), p.epoch(), p.fromSeqNr(), gen, r),
              PromiseReply::outcome, reply, settings.requestTimeout(), getContext().getSystem())
              .thenApply(o -> mirrored(reply, o)));
    }
    reply(local, p.replyTo());
    return this;
  }

  private PromiseReply promiseReply(Promise p, PromiseResult r, Throwable e) {
    String id = settings.replicaId();
    if (e != null) {
      return new PromiseReply(id, p.pid(), Outcome.FAILED, false, p.epoch(), 0, 0, 0, new long[0],
          errorText(e));
    }
    if (r instanceof PromiseResult.Rejected rej) {
      return new PromiseReply(id, p.pid(), Outcome.REJECTED, voter, p.epoch(), rej.promisedEpoch(),
          0, 0, new long[0], null);
    }
    PromiseResult.Promised ok = (PromiseResult.Promised) r;
    long[] pairs = new long[ok.lastEntries().size() * 2];
    int i = 0;
    for (EntryEpoch ee : ok.lastEntries()) {
      pairs[i++] = ee.seqNr();
      pairs[i++] = ee.epoch();
    }
    return new PromiseReply(id, p.pid(), Outcome.OK, voter, p.epoch(), p.epoch(),
        ok.highestSeqNr(), ok.deletedTo(), pairs, null);
  }

  private static PromiseReply mirrored(PromiseReply reply, Outcome mirror) {
    return mirror == Outcome.FENCED
        ? new PromiseReply(reply.replicaId(), reply.pid(), Outcome.NOT_ACTIVE, false, reply.epoch(),
            reply.promisedEpoch(), 0, 0, new long[0], "this primary was taken over by its backup")
        : reply;
  }

  private Behavior<Command> onAppend(Append a) {
    reply(append(a), a.replyTo());
    return this;
  }

  private Behavior<Command> onAppendBatch(AppendBatch b) {
    List<CompletableFuture<AppendReply>> replies = new ArrayList<>(b.appends().size());
    for (Append a : b.appends()) {
      replies.add(append(a).toCompletableFuture().exceptionally(e -> new AppendReply(
          settings.replicaId(), a.pid(), Outcome.FAILED, a.epoch(), 0, 0, errorText(e))));
    }
    reply(CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenApply(v ->
        new StorageProtocol.AppendBatchReply(settings.replicaId(),
            replies.stream().map(CompletableFuture::join).toList())), b.replyTo());
    return this;
  }

  /** Carries out one append; its reply, once the write is durable (or refused). */
  private CompletionStage<AppendReply> append(Append a) {
    String refusal = legacyRefusal(a.mirrorGeneration());
    if (refusal != null) {
      return done(new AppendReply(settings.replicaId(), a.pid(), outcomeOf(refusal),
          a.epoch(), 0, 0, refusal));
    }
    if (!settings.fencing() && a.mirrorGeneration() == 0) {
      // Incident replay only (kabuto.storage.fencing = off): every append is taken as if it came
      // from the newest incarnation, so two writers interleave, as at FXTF in 2014.
      return CompletableFuture.supplyAsync(() -> unfencedAppend(a), io);
    }
    List<NewEntry> entries = new ArrayList<>(a.entries().size());
    for (Entry e : a.entries()) {
      entries.add(new NewEntry(e.seqNr(), e.payload()));
    }
    ActorRef<Command> self = getContext().getSelf();
    CompletionStage<AppendReply> local = committer.append(a.pid(), a.epoch(), entries, a.endsLog())
        .handle((r, e) -> {
          AppendReply reply = appendReply(a, r, e);
          if (reply.outcome() == Outcome.GAP) {
            self.tell(new GapSeen(a.pid()));
          }
          return reply;
        });
    if (legacy != null && legacy.active() && a.mirrorGeneration() == 0) {
      long gen = legacy.generation();
      local = local.thenCompose(reply -> reply.outcome() != Outcome.OK ? done(reply)
          : legacy.mirror(peerRef(), r -> new Append(a.pid(), a.epoch(), a.entries(), gen, a.endsLog(), r),
              AppendReply::outcome, reply, settings.requestTimeout(), getContext().getSystem())
              .thenApply(o -> o == Outcome.FENCED
                  // The storage side was fenced, not the writer: NOT_ACTIVE, so the writer
                  // goes on with the side that took over.
                  ? new AppendReply(reply.replicaId(), reply.pid(), Outcome.NOT_ACTIVE, reply.epoch(),
                      reply.promisedEpoch(), reply.highestSeqNr(),
                      "this primary was taken over by its backup: the write is not acknowledged")
                  : reply));
    }
    return local;
  }

  private AppendReply unfencedAppend(Append a) {
    synchronized (replicaLog) {
      long promised = replicaLog.promised(a.pid());
      List<NewEntry> entries = new ArrayList<>();
      for (Entry e : a.entries()) {
        entries.add(new NewEntry(e.seqNr(), e.payload()));
      }
      long epoch = Math.max(promised, a.epoch());
      return appendReply(a, replicaLog.append(a.pid(), epoch, entries), null);
    }
  }

  private AppendReply appendReply(Append a, AppendResult r, Throwable e) {
    String id = settings.replicaId();
    if (e != null) {
      return new AppendReply(id, a.pid(), Outcome.FAILED, a.epoch(), 0, 0, errorText(e));
    }
    if (r instanceof AppendResult.Appended ok) {
      return new AppendReply(id, a.pid(), Outcome.OK, a.epoch(), a.epoch(), ok.highestSeqNr(),
          null);
    }
    if (r instanceof AppendResult.Fenced f) {
      return new AppendReply(id, a.pid(), Outcome.FENCED, a.epoch(), f.promisedEpoch(), 0,
          "fenced: replica " + id + " promised epoch " + f.promisedEpoch() + " > " + a.epoch());
    }
    AppendResult.Gap g = (AppendResult.Gap) r;
    return new AppendReply(id, a.pid(), Outcome.GAP, a.epoch(), 0, g.highestSeqNr(),
        "replica " + id + " has " + a.pid() + " only up to " + g.highestSeqNr() + ", catching up");
  }

  private Behavior<Command> onRead(Read r) {
    String refusal = legacyRefusal(0);
    if (refusal != null) {
      r.replyTo().tell(new ReadReply(settings.replicaId(), r.pid(), Outcome.NOT_ACTIVE, List.of(),
          0, 0, refusal));
      return this;
    }
    reply(onIo(() -> {
      // A reply must fit one remote frame: stop at the byte budget (at least one entry); the
      // reader asks again from where this page ends.
      List<Entry> out = new ArrayList<>();
      long bytes = 0;
      for (LogEntry e : replicaLog.read(r.pid(), r.fromSeqNr(), r.toSeqNr(), r.max())) {
        if (!out.isEmpty() && bytes + e.payload().length > MAX_PAGE_BYTES) {
          break;
        }
        out.add(new Entry(e.seqNr(), e.epoch(), e.payload()));
        bytes += e.payload().length + 32;
      }
      return new ReadReply(settings.replicaId(), r.pid(), Outcome.OK, out,
          store.highestSeqNr(r.pid()), store.deletedTo(r.pid()), null);
    }, e -> new ReadReply(settings.replicaId(), r.pid(), Outcome.FAILED, List.of(), 0, 0,
        errorText(e))), r.replyTo());
    return this;
  }

  private Behavior<Command> onDeleteTo(DeleteTo d) {
    String refusal = legacyRefusal(d.mirrorGeneration());
    if (refusal != null) {
      d.replyTo().tell(new AckReply(settings.replicaId(), outcomeOf(refusal), 0, refusal));
      return this;
    }
    CompletionStage<AckReply> local = onIo(() -> {
      var r = replicaLog.deleteTo(d.pid(), d.epoch(), d.toSeqNr());
      return r.isPresent()
          ? ack(Outcome.OK, r.getAsLong(), null)
          : ack(Outcome.FENCED, replicaLog.promised(d.pid()), "fenced: a newer incarnation");
    }, e -> ack(Outcome.FAILED, 0, errorText(e)));
    if (legacy != null && legacy.active() && d.mirrorGeneration() == 0) {
      long gen = legacy.generation();
      local = local.thenCompose(reply -> reply.outcome() != Outcome.OK ? done(reply)
          : legacy.mirror(peerRef(), r -> new DeleteTo(d.pid(), d.epoch(), d.toSeqNr(), gen, r),
              AckReply::outcome, reply, settings.requestTimeout(), getContext().getSystem())
              .thenApply(o -> reply));
    }
    reply(local, d.replyTo());
    return this;
  }

  private Behavior<Command> onSaveSnapshot(SaveSnapshot s) {
    String refusal = legacyRefusal(s.mirrorGeneration());
    if (refusal != null) {
      s.replyTo().tell(new AckReply(settings.replicaId(), outcomeOf(refusal), 0, refusal));
      return this;
    }
    CompletionStage<AckReply> local = onIo(() -> {
      store.saveSnapshot(new StoredSnapshot(s.pid(), s.seqNr(), s.timestamp(), s.data()));
      return ack(Outcome.OK, s.seqNr(), null);
    }, e -> ack(Outcome.FAILED, 0, errorText(e)));
    if (legacy != null && legacy.active() && s.mirrorGeneration() == 0) {
      long gen = legacy.generation();
      local = local.thenCompose(reply -> reply.outcome() != Outcome.OK ? done(reply)
          : legacy.mirror(peerRef(),
              r -> new SaveSnapshot(s.pid(), s.seqNr(), s.timestamp(), s.data(), gen, r),
              AckReply::outcome, reply, settings.requestTimeout(), getContext().getSystem())
              .thenApply(o -> reply));
    }
    reply(local, s.replyTo());
    return this;
  }

  private Behavior<Command> onLoadSnapshot(LoadSnapshot l) {
    String refusal = legacyRefusal(0);
    if (refusal != null) {
      l.replyTo().tell(new SnapshotReply(settings.replicaId(), Outcome.NOT_ACTIVE, false, l.pid(),
          0, 0, new byte[0], refusal));
      return this;
    }
    SnapshotCriteria c =
        new SnapshotCriteria(l.maxSeqNr(), l.maxTimestamp(), l.minSeqNr(), l.minTimestamp());
    reply(onIo(() -> {
      Optional<StoredSnapshot> s = store.loadSnapshot(l.pid(), c);
      return s.map(x -> new SnapshotReply(settings.replicaId(), Outcome.OK, true, l.pid(),
              x.seqNr(), x.timestamp(), x.data(), null))
          .orElseGet(() -> new SnapshotReply(settings.replicaId(), Outcome.OK, false, l.pid(),
              0, 0, new byte[0], null));
    }, e -> new SnapshotReply(settings.replicaId(), Outcome.FAILED, false, l.pid(), 0, 0,
        new byte[0], errorText(e))), l.replyTo());
    return this;
  }

  private Behavior<Command> onDeleteSnapshots(DeleteSnapshots d) {
    SnapshotCriteria c =
        new SnapshotCriteria(d.maxSeqNr(), d.maxTimestamp(), d.minSeqNr(), d.minTimestamp());
    reply(onIo(() -> ack(Outcome.OK, store.deleteSnapshots(d.pid(), c), null),
        e -> ack(Outcome.FAILED, 0, errorText(e))), d.replyTo());
    return this;
  }

  private Behavior<Command> onListPids(ListPids l) {
    reply(onIo(() -> {
      List<PidState> out = new ArrayList<>();
      for (String pid : store.persistenceIds()) {
        long snap = store.loadSnapshot(pid, SnapshotCriteria.LATEST)
            .map(StoredSnapshot::seqNr).orElse(0L);
        out.add(new PidState(pid, store.highestSeqNr(pid), store.deletedTo(pid), snap));
      }
      return new PidList(settings.replicaId(), Outcome.OK, voter, out, null);
    }, e -> new PidList(settings.replicaId(), Outcome.FAILED, false, List.of(), errorText(e))),
        l.replyTo());
    return this;
  }

  // ---------------------------------------------------------------- catch-up

  private Behavior<Command> onCatchUpTick() {
    startCatchUp(null);
    return this;
  }

  private Behavior<Command> onGap(GapSeen g) {
    if (!catchUpRunning && pidCatchUps.add(g.pid())) {
      startCatchUp(g.pid());
    }
    return this;
  }

  private void startCatchUp(String onlyPid) {
    if (catchUpRunning || (onlyPid == null && upToDate) || hung) {
      return;
    }
    List<ActorRef<Command>> others = new ArrayList<>();
    for (Map.Entry<String, ActorRef<Command>> e : peers.entrySet()) {
      if (!e.getKey().equals(settings.replicaId())) {
        others.add(e.getValue());
      }
    }
    catchUpRunning = true;
    ActorRef<Command> self = getContext().getSelf();
    new CatchUp(settings, replicaLog, store, others, onlyPid, io, getContext().getSystem())
        .run()
        .whenComplete((r, e) -> self.tell(new CatchUpFinished(
            e != null ? CatchUp.Result.failed(onlyPid, errorText(e)) : r)));
  }

  private Behavior<Command> onCatchUpFinished(CatchUpFinished f) {
    catchUpRunning = false;
    CatchUp.Result r = f.result();
    if (r.onlyPid() != null) {
      pidCatchUps.remove(r.onlyPid());
    }
    if (r.error() != null) {
      getContext().getLog().warn("catch-up of replica {} failed: {}; retrying in {}",
          settings.replicaId(), r.error(), settings.catchUpRetry());
      return this;
    }
    if (r.installed() > 0) {
      getContext().getLog().info("replica {} caught up {} entries ({} snapshots) from {}",
          settings.replicaId(), r.installed(), r.snapshots(), r.consulted());
    }
    if (r.onlyPid() == null && !upToDate) {
      int n = settings.replicas().size();
      int q = settings.quorum();
      boolean ready;
      String why;
      if (voter) {
        // Its own log is intact; it lacks only what was written while it was away, and that is
        // on a majority: any n - q other replicas hold all of it.
        ready = r.consulted().size() + r.emptyPeers().size() + r.dataPeers().size() >= n - q;
        why = "copied from " + r.consulted();
      } else if (r.consulted().size() >= q) {
        // A new or wiped store: only voting peers that make a majority without it are sure to
        // hold every acknowledged entry.
        ready = true;
        why = "copied from a majority of voting replicas " + r.consulted();
      } else {
        // A brand-new cluster: every replica it reached is new and empty, and with it they make
        // a majority, so nothing was ever acknowledged (assuming at most one store was lost).
        ready = r.dataPeers().isEmpty() && r.installed() == 0
            && store.persistenceIds().isEmpty() && r.emptyPeers().size() + 1 >= q;
        why = "a new replica set: " + r.emptyPeers() + " are new and empty too";
      }
      if (ready) {
        upToDate = true;
        voter = true;
        timers.cancel(Tick.CATCH_UP);
        getContext().getLog().info("replica {} is up to date ({}): counts toward redundancy",
            settings.replicaId(), why);
      } else if (!waitLogged) {
        waitLogged = true;
        getContext().getLog().warn("replica {} still catching up: copied from voting replicas {}, "
            + "empty new ones {}, peers seen {}; needs {} of them; under-replicated (retrying "
            + "every {})", settings.replicaId(), r.consulted(), r.emptyPeers(), peers.keySet(),
            voter ? n - q : q, settings.catchUpRetry());
      }
    }
    return this;
  }

  // ---------------------------------------------------------------- peers, legacy pair

  private Behavior<Command> onPeers(PeersChanged p) {
    peers.clear();
    for (ActorRef<Command> ref : p.listing().getServiceInstances(SERVICE_KEY)) {
      String id = replicaIdOf(ref);
      if (id == null) {
        continue;
      }
      if (!settings.replicas().contains(id)) {
        getContext().getLog().warn("storage node {} is not in this replica set {}: ignored "
            + "(check kabuto.storage.replicas on every node)", id, settings.replicas());
        continue;
      }
      peers.put(id, ref);
    }
    return this;
  }

  private ActorRef<Command> peerRef() {
    return legacy == null ? null : peers.get(legacy.peerOf(settings.replicas()));
  }

  private Behavior<Command> onHeartbeatTick() {
    if (hung) {
      return this;
    }
    legacy.tick(peerRef(), getContext().getSelf(), System.nanoTime());
    return this;
  }

  private Behavior<Command> onHeartbeat(StorageProtocol.Heartbeat h) {
    legacy.onHeartbeat(h, System.nanoTime());
    return this;
  }

  private Behavior<Command> onPanicNotice(StorageProtocol.PanicNotice n) {
    legacy.onPanicNotice(n, System.nanoTime());
    return this;
  }

  /** Why this node refuses a request in legacy mode, or null. */
  private String legacyRefusal(long mirrorGeneration) {
    if (legacy == null) {
      return null;
    }
    return legacy.refusal(mirrorGeneration);
  }

  private static Outcome outcomeOf(String refusal) {
    return refusal.startsWith(LegacyPair.FENCED_PREFIX) ? Outcome.FENCED : Outcome.NOT_ACTIVE;
  }

  // ---------------------------------------------------------------- faults, status

  private Behavior<Command> onFault(InjectFault f) {
    getContext().getLog().warn("storage node {}: injected fault {}{}", settings.replicaId(),
        f.fault(), f.fault() == Fault.SLOW_DISK ? " +" + f.millis() + " ms per write" : "");
    switch (f.fault()) {
      case CRASH -> {
        if (settings.crashHaltsJvm()) {
          // A panic notice before dying: the node downs itself, so the others need not wait
          // for the resolver's stable-after to move its books (the watchdog's fast path).
          var cluster = org.apache.pekko.cluster.typed.Cluster.get(getContext().getSystem());
          getContext().getLog().error("storage node {} crashes now: downing this node, then "
              + "halting the JVM", settings.replicaId());
          cluster.manager().tell(new org.apache.pekko.cluster.typed.Down(
              cluster.selfMember().address()));
          try {
            Thread.sleep(1200); // one gossip round (1 s) carries the down to the others
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          Runtime.getRuntime().halt(137);
        }
        f.replyTo().tell(ack(Outcome.OK, 0, null));
        return Behaviors.stopped();
      }
      case HANG -> {
        hung = true;
        fault = "hang";
      }
      case PANIC -> {
        ActorRef<Command> peer = peerRef();
        getContext().getLog().error("storage node {}: PANIC (memory failure); sending a panic "
            + "notice to {} and hanging", settings.replicaId(), peer == null ? "nobody" : peer);
        if (peer != null) {
          peer.tell(new StorageProtocol.PanicNotice(settings.replicaId(),
              legacy == null ? 0 : legacy.generation(), "memory failure"));
        }
        hung = true;
        fault = "panic";
      }
      case SLOW_DISK -> {
        store.faults().slowDisk(Duration.ofMillis(f.millis()));
        fault = "slow-disk " + f.millis() + "ms";
      }
      case FULL_DISK -> {
        store.faults().fullDisk(true);
        fault = "full-disk";
      }
      case CLEAR -> {
        hung = false;
        store.faults().clear();
        fault = "none";
        if (legacy != null) {
          legacy.onResume(System.nanoTime());
        }
      }
    }
    f.replyTo().tell(ack(Outcome.OK, 0, null));
    return this;
  }

  private Behavior<Command> whenAwake(GetStatus g) {
    if (!hung) {
      g.replyTo().tell(status());
    }
    return this;
  }

  private StatusReply status() {
    return new StatusReply(settings.replicaId(), store.identity().storeUuid(),
        store.identity().status().name(), upToDate, voter,
        legacy == null || legacy.active(), legacy == null ? 0 : legacy.generation(), fault,
        settings.fsync().name().toLowerCase(java.util.Locale.ROOT), committer.requests(),
        committer.writes(), store.isClosed() ? 0 : store.persistenceIds().size());
  }

  private Behavior<Command> onStop() {
    committer.close();
    io.shutdown();
    store.close();
    getContext().getLog().info("storage node {} stopped", settings.replicaId());
    return this;
  }

  // ---------------------------------------------------------------- helpers

  private AckReply ack(Outcome o, long value, String error) {
    return new AckReply(settings.replicaId(), o, value, error);
  }

  private <T> CompletionStage<T> onIo(Supplier<T> work, java.util.function.Function<Throwable, T> onError) {
    return CompletableFuture.supplyAsync(work, io).exceptionally(onError);
  }

  /** Sends the answer unless the node hangs by then (a hung node answers nothing). */
  private <T> void reply(CompletionStage<T> answer, ActorRef<T> to) {
    answer.whenComplete((r, e) -> {
      if (!hung && r != null) {
        to.tell(r);
      }
    });
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  static String errorText(Throwable e) {
    Throwable t = e;
    while ((t instanceof java.util.concurrent.CompletionException
        || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
