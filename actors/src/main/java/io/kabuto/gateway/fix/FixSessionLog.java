package io.kabuto.gateway.fix;

import io.kabuto.CborSerializable;
import io.kabuto.node.NodeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The cluster's copy of one FIX session's message store: its sequence numbers and its most
 * recent sent messages, so that a broker whose gateway node died logs on to another gateway node
 * without a sequence reset, and its resend requests are answered. One sharded entity per FIX
 * session (role gateway), journaled to the replicated journal, snapshotted.
 *
 * <p>Gateway nodes write it asynchronously ({@link ClusterMessageStore}); {@code clean} says
 * whether the last node that wrote it closed the session cleanly (everything it sent is here)
 * or may have sent up to {@code max-unreplicated} messages more.
 */
final class FixSessionLog
    extends EventSourcedBehavior<FixSessionLog.Command, FixSessionLog.Event, FixSessionLog.State> {

  static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "FixSession");

  interface Command extends CborSerializable {}

  /** One sent message. */
  record Sent(int seq, String message) implements CborSerializable {}

  /**
   * Messages sent (in sequence order) and the sequence numbers after them, from gateway node
   * {@code node} (its cluster address).
   */
  record Append(List<Sent> sent, int nextSender, int nextTarget, String node,
      ActorRef<Acked> replyTo) implements Command {}

  /** The session's store was reset (sequence numbers back to 1, no messages). */
  record Reset(long creationTime, ActorRef<Acked> replyTo) implements Command {}

  /** The node closed the session cleanly: everything it sent up to {@code nextSender} is here. */
  record Close(int nextSender, ActorRef<Acked> replyTo) implements Command {}

  /** The state, with the stored messages of {@code from..to} (none if {@code to < from}). */
  record Get(int from, int to, ActorRef<Copy> replyTo) implements Command {}

  record Acked(int nextSender) implements CborSerializable {}

  /** {@code writer}: the gateway node that wrote last (its cluster address), or null. */
  record Copy(int nextSender, int nextTarget, boolean clean, long creationTime, String writer,
      List<Sent> messages) implements CborSerializable {}

  interface Event extends CborSerializable {}

  record Appended(List<Sent> sent, int nextSender, int nextTarget, String node)
      implements Event {}

  record WasReset(long creationTime) implements Event {}

  record Closed(int nextSender) implements Event {}

  /** What a snapshot holds. */
  record Stored(int nextSender, int nextTarget, boolean clean, long creationTime, String writer,
      List<Sent> recent) implements CborSerializable {}

  /** Mutable, touched only by the entity; snapshots copy it ({@link #snapshotAdapter}). */
  static final class State {
    int nextSender = 1;
    int nextTarget = 1;
    boolean clean = true;
    long creationTime;
    String writer;
    final TreeMap<Integer, String> recent = new TreeMap<>();
  }

  static void init(ActorSystem<?> system, FixSettings settings) {
    ClusterSharding.get(system).init(Entity.of(KEY, ctx -> create(ctx.getEntityId(), settings))
        .withRole(NodeConfig.ROLE_GATEWAY));
  }

  static Behavior<Command> create(String session, FixSettings settings) {
    return new FixSessionLog(session, settings);
  }

  /** Entity id of a session: the acceptor's and the broker's CompIDs. */
  static String entityId(quickfix.SessionID sid) {
    return sid.getSenderCompID() + "-" + sid.getTargetCompID();
  }

  private final FixSettings settings;

  private FixSessionLog(String session, FixSettings settings) {
    super(PersistenceId.of(KEY.name(), session));
    this.settings = settings;
  }

  @Override
  public State emptyState() {
    State s = new State();
    s.creationTime = System.currentTimeMillis();
    return s;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.clusterStore().snapshotEvery(), 2);
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Append.class, (s, c) -> Effect()
            .persist(new Appended(c.sent(), c.nextSender(), c.nextTarget(), c.node()))
            .thenRun(st -> c.replyTo().tell(new Acked(st.nextSender))))
        .onCommand(Reset.class, (s, c) -> Effect().persist(new WasReset(c.creationTime()))
            .thenRun(st -> c.replyTo().tell(new Acked(st.nextSender))))
        .onCommand(Close.class, (s, c) -> Effect().persist(new Closed(c.nextSender()))
            .thenRun(st -> c.replyTo().tell(new Acked(st.nextSender))))
        .onCommand(Get.class, (s, c) -> {
          List<Sent> m = new ArrayList<>();
          if (c.to() >= c.from()) {
            for (Map.Entry<Integer, String> e : s.recent.subMap(c.from(), true, c.to(), true)
                .entrySet()) {
              m.add(new Sent(e.getKey(), e.getValue()));
            }
          }
          c.replyTo().tell(new Copy(s.nextSender, s.nextTarget, s.clean, s.creationTime, s.writer,
              m));
          return Effect().none();
        })
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Appended.class, (s, e) -> {
          for (Sent m : e.sent()) {
            s.recent.put(m.seq(), m.message());
          }
          int window = settings.clusterStore().resendWindow();
          while (s.recent.size() > window) {
            s.recent.pollFirstEntry();
          }
          s.nextSender = e.nextSender();
          s.nextTarget = e.nextTarget();
          s.clean = false;
          s.writer = e.node();
          return s;
        })
        .onEvent(WasReset.class, (s, e) -> {
          s.recent.clear();
          s.nextSender = 1;
          s.nextTarget = 1;
          s.clean = true;
          s.creationTime = e.creationTime();
          return s;
        })
        .onEvent(Closed.class, (s, e) -> {
          // A late close from a node that lost the session to another one is not clean.
          if (e.nextSender() == s.nextSender) {
            s.clean = true;
          }
          return s;
        })
        .build();
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State s) {
        List<Sent> recent = new ArrayList<>(s.recent.size());
        s.recent.forEach((k, v) -> recent.add(new Sent(k, v)));
        return new Stored(s.nextSender, s.nextTarget, s.clean, s.creationTime, s.writer,
            recent);
      }

      @Override
      public State fromJournal(Object from) {
        Stored st = (Stored) from;
        State s = new State();
        s.nextSender = st.nextSender();
        s.nextTarget = st.nextTarget();
        s.clean = st.clean();
        s.creationTime = st.creationTime();
        s.writer = st.writer();
        st.recent().forEach(m -> s.recent.put(m.seq(), m.message()));
        return s;
      }
    };
  }
}
