package io.kabuto.gateway.fix;

import io.kabuto.book.OrderBook;
import io.kabuto.gateway.ParticipantSession;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * One logged-on participant's subscription to its {@link ParticipantSession}: reports the
 * session's {@link ParticipantSession.Execution}s (events the participant did not ask for) to its
 * FIX session, in the order they arrive. The session's other replies answer requests, which the
 * requester reports itself. Stopped on logout (the session then drops the subscription).
 *
 * <p>An execution of an order this node does not track (placed through another gateway node)
 * first asks the book for the order's status, for its quantity and fills so far; later
 * executions wait meanwhile, so a broker never sees a fill before the one it follows.
 */
final class ExecutionListener {
  private ExecutionListener() {}

  /** Stops the listener (logout); its session then drops the subscription. */
  static final Object STOP = new Object() {
    @Override
    public String toString() {
      return "STOP";
    }
  };

  private record Looked(ParticipantSession.Execution execution, OrderBook.OrderStatus status) {}

  static Behavior<Object> create(int participant, ActorRef<ParticipantSession.Command> session,
      ActorRef<ShardingEnvelope<OrderBook.Command>> books, ExecutionReports reports) {
    return Behaviors.<Object>setup(ctx -> Behaviors.withStash(10_000, stash -> {
      session.tell(new ParticipantSession.Subscribe(ctx.getSelf().unsafeUpcast()));
      return new ExecutionListener.Running(participant, books, reports, ctx, stash).idle();
    }));
  }

  private static final class Running {
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);
    private final int participant;
    private final ActorRef<ShardingEnvelope<OrderBook.Command>> books;
    private final ExecutionReports reports;
    private final ActorContext<Object> ctx;
    private final StashBuffer<Object> stash;

    Running(int participant, ActorRef<ShardingEnvelope<OrderBook.Command>> books,
        ExecutionReports reports, ActorContext<Object> ctx, StashBuffer<Object> stash) {
      this.participant = participant;
      this.books = books;
      this.reports = reports;
      this.ctx = ctx;
      this.stash = stash;
    }

    Behavior<Object> idle() {
      return Behaviors.receive((c, msg) -> {
        if (msg == STOP) {
          return Behaviors.stopped();
        }
        if (msg instanceof ParticipantSession.Execution x) {
          if (!reports.needsStatus(x)) {
            reports.execution(participant, x, null);
            return Behaviors.same();
          }
          io.kabuto.persistence.node.Asks.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response, Object>askSelf(
              ctx, books, r -> new ShardingEnvelope<>(x.symbol(), new OrderBook.GetOrder(x.orderId(), r)),
              LOOKUP_TIMEOUT, (resp, failure) -> new Looked(x, resp instanceof OrderBook.OrderStatus s ? s
                  : null));
          return lookingUp();
        }
        return Behaviors.same();
      });
    }

    private Behavior<Object> lookingUp() {
      return Behaviors.receive((c, msg) -> {
        if (msg == STOP) {
          return Behaviors.stopped();
        }
        if (msg instanceof Looked l) {
          reports.execution(participant, l.execution(), l.status());
          return stash.unstashAll(idle());
        }
        if (msg instanceof ParticipantSession.Execution) {
          stash.stash(msg);
        }
        return Behaviors.same();
      });
    }
  }
}
