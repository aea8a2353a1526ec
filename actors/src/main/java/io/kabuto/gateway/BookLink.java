package io.kabuto.gateway;

import io.kabuto.book.OrderBook;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * A gateway node's one link to the order books for orders, cancels and replaces: per book, the
 * requests of all this node's sessions that arrive while a batch is in flight queue up and then
 * go as one {@link OrderBook.OrderBatch}, answered by one {@link OrderBook.BatchAnswer}. So at
 * low load a request goes at once (one round trip), and at high load the batch is whatever
 * queued during the previous round trip: two remote messages per batch, not per order.
 *
 * <p>A batch not answered within the longest attempt timeout of its requests fails them all
 * (each session then retries its own, with its ids: safe); a request the book could not answer
 * in time comes back null and fails alone. An answer arriving after that is dropped: the
 * sessions have moved on to their retries.
 */
public final class BookLink {
  private BookLink() {}

  public sealed interface Command {}

  /** {@code command} (its replyTo unused) for {@code symbol}'s book; answered to {@code replyTo}. */
  public record Submit(String symbol, OrderBook.Command command, Duration attemptTimeout,
      long token, ActorRef<Answered> replyTo) implements Command {}

  /** The book's answer to request {@code token}, or null: not answered in time, retry. */
  public record Answered(long token, OrderBook.Response response) {}

  private record BatchAnswered(OrderBook.BatchAnswer answer) implements Command {}

  private record TimedOut(String symbol, long batch) implements Command {}

  private static final int MAX_BATCH = 256;

  public static Behavior<Command> create(ActorRef<ShardingEnvelope<OrderBook.Command>> books) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Running(ctx, timers, books).behavior()));
  }

  private static final class Book {
    final ArrayDeque<Submit> queue = new ArrayDeque<>();
    long inFlight;
    List<Submit> sent = List.of();
  }

  private static final class Running {
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final ActorRef<ShardingEnvelope<OrderBook.Command>> books;
    private final ActorRef<OrderBook.BatchAnswer> answers;
    private final Map<String, Book> bySymbol = new HashMap<>();
    /** Batch id -> symbol, for the batches in flight. */
    private final Map<Long, String> symbolOf = new HashMap<>();
    private long batches;

    Running(ActorContext<Command> ctx, TimerScheduler<Command> timers,
        ActorRef<ShardingEnvelope<OrderBook.Command>> books) {
      this.ctx = ctx;
      this.timers = timers;
      this.books = books;
      this.answers = ctx.messageAdapter(OrderBook.BatchAnswer.class, BatchAnswered::new);
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Submit.class, s -> {
            Book b = bySymbol.computeIfAbsent(s.symbol(), k -> new Book());
            b.queue.addLast(s);
            send(s.symbol(), b);
            return Behaviors.same();
          })
          .onMessage(BatchAnswered.class, a -> {
            OrderBook.BatchAnswer answer = a.answer();
            String symbol = symbolOf.get(answer.id());
            Book b = symbol == null ? null : bySymbol.get(symbol);
            if (b == null || b.inFlight != answer.id()) {
              return Behaviors.same(); // timed out before: its requests are being retried
            }
            List<OrderBook.Response> rs = answer.answers();
            for (int i = 0; i < b.sent.size(); i++) {
              Submit s = b.sent.get(i);
              s.replyTo().tell(new Answered(s.token(), i < rs.size() ? rs.get(i) : null));
            }
            done(symbol, b);
            return Behaviors.same();
          })
          .onMessage(TimedOut.class, t -> {
            Book b = bySymbol.get(t.symbol());
            if (b != null && b.inFlight == t.batch()) {
              for (Submit s : b.sent) {
                s.replyTo().tell(new Answered(s.token(), null));
              }
              done(t.symbol(), b);
            }
            return Behaviors.same();
          })
          .build();
    }

    private void done(String symbol, Book b) {
      timers.cancel(b.inFlight);
      symbolOf.remove(b.inFlight);
      b.inFlight = 0;
      b.sent = List.of();
      send(symbol, b);
    }

    /** Sends what is queued for {@code symbol}'s book if no batch is in flight to it. */
    private void send(String symbol, Book b) {
      if (b.inFlight != 0 || b.queue.isEmpty()) {
        return;
      }
      List<Submit> batch = new ArrayList<>(Math.min(b.queue.size(), MAX_BATCH));
      List<OrderBook.Command> commands = new ArrayList<>(batch.size());
      Duration timeout = Duration.ZERO;
      while (!b.queue.isEmpty() && batch.size() < MAX_BATCH) {
        Submit s = b.queue.pollFirst();
        batch.add(s);
        commands.add(s.command());
        if (s.attemptTimeout().compareTo(timeout) > 0) {
          timeout = s.attemptTimeout();
        }
      }
      long id = ++batches;
      b.inFlight = id;
      b.sent = batch;
      symbolOf.put(id, symbol);
      timers.startSingleTimer(id, new TimedOut(symbol, id), timeout);
      books.tell(new ShardingEnvelope<>(symbol, new OrderBook.OrderBatch(id, commands, answers)));
    }
  }
}
