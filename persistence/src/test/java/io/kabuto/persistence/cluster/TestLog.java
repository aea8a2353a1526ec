package io.kabuto.persistence.cluster;

import io.kabuto.CborSerializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A persistent actor for the storage tests: it journals numbers and answers only once they are
 * persisted; its state is every number it recovered or wrote, in order.
 */
final class TestLog extends EventSourcedBehavior<TestLog.Command, TestLog.Event, TestLog.State> {

  interface Command extends CborSerializable {}

  record Write(long value, ActorRef<Long> replyTo) implements Command {}

  record Get(ActorRef<List<Long>> replyTo) implements Command {}

  interface Event extends CborSerializable {
    long value();
  }

  record Written(long value) implements Event {}

  /** A big event: its padding makes a long history span many remote frames. */
  record WrittenBig(long value, String pad) implements Event {}

  record WriteBig(long value, int bytes, ActorRef<Long> replyTo) implements Command {}

  /** Snapshots go through the snapshot store, so the state is serializable too. */
  record State(List<Long> values) implements CborSerializable {
    State plus(long v) {
      List<Long> l = new ArrayList<>(values);
      l.add(v);
      return new State(l);
    }
  }

  private final int snapshotEvery;

  static Behavior<Command> create(String pid) {
    return new TestLog(pid, 0);
  }

  static Behavior<Command> create(String pid, int snapshotEvery) {
    return new TestLog(pid, snapshotEvery);
  }

  private TestLog(String pid, int snapshotEvery) {
    super(PersistenceId.ofUniqueId(pid));
    this.snapshotEvery = snapshotEvery;
  }

  @Override
  public State emptyState() {
    return new State(List.of());
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Write.class, (s, w) -> Effect().persist(new Written(w.value()))
            .thenReply(w.replyTo(), st -> w.value()))
        .onCommand(WriteBig.class, (s, w) -> Effect()
            .persist(new WrittenBig(w.value(), "x".repeat(w.bytes())))
            .thenReply(w.replyTo(), st -> w.value()))
        .onCommand(Get.class, (s, g) -> Effect().reply(g.replyTo(), List.copyOf(s.values())))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Event.class, (s, e) -> s.plus(e.value())).build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return snapshotEvery > 0 ? RetentionCriteria.snapshotEvery(snapshotEvery, 2)
        : RetentionCriteria.disabled();
  }
}
