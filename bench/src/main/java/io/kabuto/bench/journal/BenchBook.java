package io.kabuto.bench.journal;

import io.kabuto.CborSerializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A stand-in for an order book: a persistent actor that persists one small event per command,
 * through whatever journal its actor system is configured with. In the closed loop it sends
 * itself the next command from the persist callback (one persist in flight per actor); in the
 * open loop a driver sends it commands stamped with their scheduled time.
 */
final class BenchBook extends EventSourcedBehavior<BenchBook.Command, BenchBook.Event, BenchBook.State> {

  /** Persist one event; {@code startNanos} is when it was called (closed) or scheduled (open). */
  record Command(long startNanos, boolean loop) {}

  /** About the size of an order-book event: ids, price, quantity, a timestamp. */
  record Event(long seqNr, long orderId, long price, int qty, long startNanos)
      implements CborSerializable {}

  record State(long events) {}

  /** Whether closed-loop actors keep going; cleared to drain the closed loop. */
  static final class Loop {
    volatile boolean running = true;
  }

  private final ActorContext<Command> ctx;
  private final Window window;
  private final Loop loop;
  private final CountDownLatch recovered;

  private BenchBook(ActorContext<Command> ctx, String pid, Window window, Loop loop,
      CountDownLatch recovered) {
    super(PersistenceId.ofUniqueId(pid));
    this.ctx = ctx;
    this.window = window;
    this.loop = loop;
    this.recovered = recovered;
  }

  static Behavior<Command> create(String pid, Window window, Loop loop, CountDownLatch recovered) {
    return Behaviors.setup(ctx -> new BenchBook(ctx, pid, window, loop, recovered));
  }

  @Override
  public State emptyState() {
    return new State(0);
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onCommand(Command.class, (state, c) -> {
      long start = c.loop() ? System.nanoTime() : c.startNanos();
      Event e = new Event(state.events() + 1, 1_000_000 + state.events(), 2000_0 + (state.events() % 50),
          100, start);
      return Effect().persist(e).thenRun(s -> {
        window.completed(start);
        if (c.loop() && loop.running) {
          ctx.getSelf().tell(new Command(0, true));
        }
      });
    }).build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Event.class, (s, e) -> new State(s.events() + 1)).build();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), s -> recovered.countDown())
        .onSignal(RecoveryFailed.class, (s, f) -> window.failed())
        .build();
  }

  // ---------------------------------------------------------------- guardian

  /** Spawns {@code n} books named {@code prefix-<i>} under the guardian, which watches them. */
  record Spawn(String prefix, int n, Window window, Loop loop, CountDownLatch recovered,
      CompletableFuture<List<ActorRef<Command>>> result) {}

  /** The root behavior of a bench actor system: spawns books, counts the ones that stop. */
  static Behavior<Object> guardian(Window stopped) {
    return Behaviors.setup(ctx -> Behaviors.receive(Object.class)
        .onMessage(Spawn.class, m -> {
          List<ActorRef<Command>> refs = new ArrayList<>();
          for (int i = 0; i < m.n(); i++) {
            ActorRef<Command> ref = ctx.spawn(
                create(m.prefix() + "-" + i, m.window(), m.loop(), m.recovered()), "book-" + i);
            ctx.watch(ref);
            refs.add(ref);
          }
          m.result().complete(refs);
          return Behaviors.same();
        })
        .onSignal(Terminated.class, t -> {
          stopped.failed();
          return Behaviors.same();
        })
        .build());
  }
}
