package io.kabuto.gateway;

import io.kabuto.book.OrderBook;
import io.kabuto.gateway.ParticipantSession.Command;
import io.kabuto.gateway.ParticipantSession.Disconnected;
import io.kabuto.gateway.ParticipantSession.KillSwitch;
import io.kabuto.gateway.ParticipantSession.KillSwitchSeen;
import io.kabuto.gateway.ParticipantSession.KillSwitchState;
import io.kabuto.gateway.ParticipantSession.KillSwitchWritten;
import io.kabuto.gateway.ParticipantSession.MassCancelled;
import io.kabuto.gateway.ParticipantSession.Reply;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * A {@link ParticipantSession}'s protections that cancel in bulk: the cluster-wide kill switch
 * ({@link KillSwitches}: engaged on any node, every node's session of the participant refuses
 * new orders and replaces, and the engaging session sends {@link OrderBook.CancelAllOf} to every
 * listed book through a {@link MassCancel}) and cancel-on-disconnect (when the participant's last
 * live connection on this node drops). Runs on the session's actor, like the rest of its state.
 */
final class SessionKillSwitch {

  /** A kill-switch change in progress: its write and (engage) its mass cancel. */
  private static final class KillOp {
    final KillSwitch request;
    Boolean recorded;
    String problem;
    MassCancel.Result result;

    KillOp(KillSwitch request) {
      this.request = request;
    }
  }

  private final ActorContext<Command> ctx;
  private final Participant participant;
  private final GatewaySettings settings;
  private final ActorRef<ShardingEnvelope<OrderBook.Command>> books;
  private final Set<String> listed;
  /** Books the session saw the participant in (the session's set, shared). */
  private final Set<String> symbolsTouched;
  /** The session's live connections (its set, shared). */
  private final Set<ActorRef<Reply>> subscribers;
  private final Map<Long, KillOp> killOps = new HashMap<>();
  /** Running mass cancels by op; stopped when the participant may trade again. */
  private final Map<Long, ActorRef<?>> massCancels = new HashMap<>();
  private boolean killed;
  /** Own kill-switch writes in flight: until they land, older replicas' views are stale. */
  private int writing;
  private long ops;

  SessionKillSwitch(ActorContext<Command> ctx, Participant participant, GatewaySettings settings,
      ActorRef<ShardingEnvelope<OrderBook.Command>> books, Set<String> listed,
      Set<String> symbolsTouched, Set<ActorRef<Reply>> subscribers) {
    this.ctx = ctx;
    this.participant = participant;
    this.settings = settings;
    this.books = books;
    this.listed = listed;
    this.symbolsTouched = symbolsTouched;
    this.subscribers = subscribers;
  }

  /** Whether the participant's kill switch is engaged, as this node knows it. */
  boolean engaged() {
    return killed;
  }

  /** The first read of the cluster's record, which the session waits for before any order. */
  void initial(KillSwitchSeen k) {
    killed = Boolean.TRUE.equals(k.engaged());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  void subscribe() {
    var replicator = DistributedData.get(ctx.getSystem()).replicator();
    String name = participant.name();
    ActorRef<Replicator.SubscribeResponse<LWWMap<String, KillSwitches.Entry>>> changes =
        ctx.messageAdapter((Class) Replicator.SubscribeResponse.class, r ->
            r instanceof Replicator.Changed<?> c
                ? new KillSwitchSeen(KillSwitches.engaged(
                    (LWWMap<String, KillSwitches.Entry>) c.dataValue(), name), false)
                : new KillSwitchSeen(null, false));
    replicator.tell(new Replicator.Subscribe<>(KillSwitches.KEY, changes));
    // The subscription reports the current value only at its next tick; this read is what the
    // session waits for before taking any order, so a session started after a kill switch was
    // engaged elsewhere refuses from its first order on.
    ActorRef<Replicator.GetResponse<LWWMap<String, KillSwitches.Entry>>> initial =
        ctx.messageAdapter((Class) Replicator.GetResponse.class, r ->
            r instanceof Replicator.GetSuccess<?> ok
                ? new KillSwitchSeen(KillSwitches.engaged(
                    (LWWMap<String, KillSwitches.Entry>) ok.dataValue(), name), true)
                : new KillSwitchSeen(false, true));
    replicator.tell(new Replicator.Get<>(KillSwitches.KEY, Replicator.readLocal(), initial));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  void onKillSwitch(KillSwitch k) {
    long op = ++ops;
    killed = k.engage();
    writing++;
    KillOp kop = new KillOp(k);
    killOps.put(op, kop);
    var ddata = DistributedData.get(ctx.getSystem());
    String by = ddata.selfUniqueAddress().uniqueAddress().address().toString();
    KillSwitches.Entry entry = new KillSwitches.Entry(k.engage(), System.currentTimeMillis(), by);
    ctx.ask((Class<Replicator.UpdateResponse<LWWMap<String, KillSwitches.Entry>>>)
            (Class) Replicator.UpdateResponse.class, ddata.replicator(),
        settings.killSwitchWriteTimeout().plusSeconds(1),
        r -> new Replicator.Update<>(KillSwitches.KEY, LWWMap.create(),
            new Replicator.WriteMajority(settings.killSwitchWriteTimeout()), r,
            m -> m.put(ddata.selfUniqueAddress(), participant.name(), entry)),
        (r, failure) -> r instanceof Replicator.UpdateSuccess<?>
            ? new KillSwitchWritten(op, true, null)
            : new KillSwitchWritten(op, false, r instanceof Replicator.UpdateTimeout<?>
                ? "a majority of the cluster did not confirm within "
                    + settings.killSwitchWriteTimeout()
                : "the write failed: " + (failure != null ? failure : r)));
    if (k.engage()) {
      massCancel(op, k.time());
    } else {
      stopMassCancels(); // released: a late retry must not cancel orders placed from now on
      kop.result = new MassCancel.Result(0, List.of(), Map.of());
    }
    ctx.getLog().warn("participant {}: kill switch {}", participant.name(),
        k.engage() ? "ENGAGED (cluster-wide; cancelling in every listed book)" : "released");
  }

  void onKillSwitchWritten(KillSwitchWritten w) {
    writing--;
    KillOp kop = killOps.get(w.op());
    if (kop != null) {
      kop.recorded = w.confirmed();
      kop.problem = w.problem();
      maybeFinish(w.op(), kop);
    }
  }

  void onKillSwitchSeen(KillSwitchSeen k) {
    // While our own write is in flight, a view from before it could undo it here.
    if (k.engaged() != null && writing == 0) {
      if (killed != k.engaged()) {
        ctx.getLog().warn("participant {}: kill switch {} by another gateway node",
            participant.name(), k.engaged() ? "ENGAGED" : "released");
        if (!k.engaged()) {
          stopMassCancels();
        }
      }
      killed = k.engaged();
    }
  }

  void onMassCancelled(MassCancelled m) {
    massCancels.remove(m.op());
    KillOp kop = killOps.get(m.op());
    if (kop != null) {
      kop.result = m.result();
      maybeFinish(m.op(), kop);
    } else {
      MassCancel.Result r = m.result();
      ctx.getLog().info("participant {}: cancel-on-disconnect cancelled {} orders{}{}",
          participant.name(), r.cancelled(),
          r.unanswered().isEmpty() ? "" : "; no answer from " + r.unanswered(),
          r.refused().isEmpty() ? "" : "; refused by " + r.refused());
    }
  }

  private void maybeFinish(long op, KillOp kop) {
    if (kop.recorded == null || kop.result == null) {
      return;
    }
    killOps.remove(op);
    KillSwitchState state = new KillSwitchState(null, kop.request.engage(),
        kop.result.cancelled(), kop.result.unanswered(), kop.result.refused(), kop.recorded,
        kop.problem);
    ctx.getLog().warn("participant {}: kill switch {}: {} orders cancelled{}{}",
        participant.name(), kop.request.engage() ? "engaged" : "released", state.cancelled(),
        state.unanswered().isEmpty() ? "" : ", no answer from " + state.unanswered(),
        state.recorded() ? "" : "; " + state.problem());
    if (kop.request.replyTo() != null) {
      kop.request.replyTo().tell(state);
    }
  }

  /**
   * Cancel-on-disconnect fires when a connection of the participant drops and no other live
   * connection of it remains on this node. It cancels in every book (CancelAllOf), so it also
   * cancels orders placed through another gateway node.
   */
  void onDisconnected(Disconnected d) {
    if (d.connection() != null && subscribers.remove(d.connection())) {
      ctx.unwatch(d.connection());
    }
    if (!participant.cancelOnDisconnect()) {
      return;
    }
    if (!subscribers.isEmpty()) {
      ctx.getLog().info("participant {}: a connection dropped; {} other live "
          + "connection(s) on this node, so no cancel-on-disconnect", participant.name(),
          subscribers.size());
      return;
    }
    ctx.getLog().info("participant {} disconnected: cancel-on-disconnect in every "
        + "listed book", participant.name());
    massCancel(++ops, d.time());
  }

  /** CancelAllOf to every listed book and every book this session saw the participant in. */
  private void massCancel(long op, long time) {
    Set<String> symbols = new TreeSet<>(listed);
    symbols.addAll(symbolsTouched);
    ActorRef<MassCancel.Result> to = ctx.messageAdapter(MassCancel.Result.class,
        r -> new MassCancelled(op, r));
    massCancels.put(op, ctx.spawnAnonymous(MassCancel.create(books, participant.id(),
        symbols, time, settings.attemptTimeout(), settings.bookDeadline(), to)));
  }

  /** The participant trades again (or was released): running mass cancels must not go on. */
  void stopMassCancels() {
    if (massCancels.isEmpty()) {
      return;
    }
    for (var e : massCancels.entrySet()) {
      ctx.stop(e.getValue());
      KillOp kop = killOps.get(e.getKey());
      if (kop != null) {
        kop.result = new MassCancel.Result(0, List.of(), Map.of("*", "stopped: released or "
            + "trading again before the books answered"));
        maybeFinish(e.getKey(), kop);
      }
    }
    massCancels.clear();
  }
}
