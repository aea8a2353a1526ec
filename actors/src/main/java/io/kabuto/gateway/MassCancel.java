package io.kabuto.gateway;

import io.kabuto.book.OrderBook;
import io.kabuto.matching.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * One mass cancel of a participant (kill switch, cancel-on-disconnect): {@link
 * OrderBook.CancelAllOf} to each of the given books, each retried every {@code attemptTimeout}
 * until {@code deadline} (a book failing over answers late, not never), then one {@link Result}
 * and stop. The books know every order of the participant, including those placed through other
 * gateway nodes; a retry cancels nothing twice.
 *
 * <p>The session stops it early when the participant may trade again (a release, a new order
 * after a disconnect): a late retry must not cancel orders placed after the decision.
 */
final class MassCancel {
  private MassCancel() {}

  /**
   * @param cancelled orders the books reported cancelled
   * @param unanswered books that did not answer before the deadline (their orders may be live)
   * @param refused books that refused the request, with their reason
   */
  record Result(int cancelled, List<String> unanswered, Map<String, String> refused) {}

  private record Answered(String symbol, OrderBook.Response response, Throwable failure) {}

  static Behavior<Answered> create(ActorRef<ShardingEnvelope<OrderBook.Command>> books,
      int participant, Collection<String> symbols, long time, Duration attemptTimeout,
      Duration deadline, ActorRef<Result> replyTo) {
    return Behaviors.setup(ctx -> {
      long deadlineNanos = System.nanoTime() + deadline.toNanos();
      TreeSet<String> waiting = new TreeSet<>(symbols);
      Map<String, String> refused = new TreeMap<>();
      List<String> unanswered = new ArrayList<>();
      int[] cancelled = {0};
      if (waiting.isEmpty()) {
        replyTo.tell(new Result(0, List.of(), Map.of()));
        return Behaviors.stopped();
      }
      for (String s : waiting) {
        ask(ctx, books, s, participant, time, attemptTimeout);
      }
      return Behaviors.receiveMessage(a -> {
        if (!waiting.contains(a.symbol())) {
          return Behaviors.same(); // a late answer to an attempt already retried
        }
        if (a.failure() != null) {
          if (System.nanoTime() < deadlineNanos) {
            ask(ctx, books, a.symbol(), participant, time, attemptTimeout);
            return Behaviors.same();
          }
          unanswered.add(a.symbol());
        } else if (a.response() instanceof OrderBook.Ack ack) {
          for (OrderBook.EventData e : ack.events()) {
            if (e.type() == EventType.CANCELLED && e.participant() == participant) {
              cancelled[0]++;
            }
          }
        } else if (a.response() instanceof OrderBook.Rejected r) {
          refused.put(a.symbol(), r.code() + ": " + r.reason());
        } else {
          refused.put(a.symbol(), "unexpected answer " + a.response());
        }
        waiting.remove(a.symbol());
        if (!waiting.isEmpty()) {
          return Behaviors.same();
        }
        unanswered.sort(null);
        replyTo.tell(new Result(cancelled[0], List.copyOf(unanswered), Map.copyOf(refused)));
        return Behaviors.stopped();
      });
    });
  }

  private static void ask(ActorContext<Answered> ctx,
      ActorRef<ShardingEnvelope<OrderBook.Command>> books, String symbol, int participant,
      long time, Duration attemptTimeout) {
    io.kabuto.persistence.node.Asks.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response, Answered>askSelf(
        ctx, books, r -> new ShardingEnvelope<>(symbol, new OrderBook.CancelAllOf(participant, time, r)),
        attemptTimeout, (response, failure) -> new Answered(symbol, response, failure));
  }
}
