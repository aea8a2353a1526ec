package io.kabuto.book;

import io.kabuto.book.OrderBook.Applied;
import io.kabuto.book.OrderBook.Busted;
import io.kabuto.book.OrderBook.Event;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.Opened;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.book.OrderBook.State;
import io.kabuto.matching.LimitOrderBook;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The commands of one journal write, as {@link BookCommands} carries them out one after the
 * other on the live book: the events to persist (consecutive {@code seq}s, in command order) and,
 * per command, its reply and what to publish, all held back until the write is acknowledged
 * (see "Batched writes" in {@link OrderBook}). One instance per write, on the actor's thread.
 */
final class BookBatch {
  /** One command's answer: its reply, and its event (if it persisted one) to publish. */
  private record Step(ActorRef<Response> replyTo, Function<State, Response> reply, Applied applied,
      long replyOrderId, Busted busted, EventData bustedTrade) {}

  private final State s;
  /** The book the core runs on: the live one, or one scratch book for the whole write while empty. */
  private LimitOrderBook scratch;
  private final List<Event> events = new ArrayList<>();
  private final List<Step> steps = new ArrayList<>();
  /** The newest seq this write has used ({@code s.seq} until its first event). */
  private long seq;

  BookBatch(State s) {
    this.s = s;
    this.seq = s.seq;
  }

  State state() {
    return s;
  }

  /**
   * The book every command of this write runs the core on: the live book, or, while the state is
   * the empty sentinel (which must never change), one fresh scratch book shared by the whole
   * write; the event handler then rebuilds the real book from the events.
   */
  LimitOrderBook book() {
    if (s.book != null) return s.book;
    if (scratch == null) scratch = new LimitOrderBook(s.rules);
    return scratch;
  }

  /** The book a read-only check should look at: {@link #book()} once made, else the live one. */
  LimitOrderBook bookIfAny() {
    return s.book != null ? s.book : scratch;
  }

  /** A command that persists nothing: {@code r} goes out after the write, in command order. */
  void reply(ActorRef<Response> replyTo, Response r) {
    steps.add(new Step(replyTo, st -> r, null, 0, null, null));
  }

  /**
   * A command whose core call produced {@code data} (already applied to {@link #book()}): one
   * {@link Applied} event, the reply computed from the state after the write (or now, if it
   * produced nothing), and its events published to their owners except {@code replyOrderId}'s.
   */
  void applied(ActorRef<Response> replyTo, long replyOrderId, List<EventData> data,
      Function<State, Response> reply) {
    if (data.isEmpty()) {
      reply(replyTo, reply.apply(s));
      return;
    }
    if (s.book == null && events.isEmpty()) events.add(new Opened(s.rules));
    Applied a = new Applied(++seq, data);
    events.add(a);
    // The live book is as of this command now; the next command of the batch moves it on.
    if (s.book != null) s.feed.noteTop(a.seq());
    steps.add(new Step(replyTo, reply, a, replyOrderId, null, null));
  }

  /** A bust of trade {@code t}; answered with {@code ack} after the write. */
  void busted(ActorRef<Response> replyTo, long tradeId, String reason, long time, EventData t,
      Response ack) {
    Busted b = new Busted(++seq, tradeId, reason, time);
    events.add(b);
    steps.add(new Step(replyTo, st -> ack, null, 0, b, t));
  }

  /**
   * The effect of the whole write: persist every event in one atomic write, then publish the
   * market data and executions and send every reply in command order, then {@code afterWrite} with the feed's last sequence.
   * With nothing to persist the replies go out at once.
   */
  ReplyEffect<Event, State> effect(EffectFactories<Event, State> effects, BookPublisher publisher,
      java.util.function.LongConsumer afterWrite) {
    // The live book already reflects these events: the event handler must not apply them again.
    if (s.book != null) s.bookSeq = seq;
    long fromMarketData = s.feed.ring().lastSeq() + 1;
    List<Step> done = List.copyOf(steps);
    if (events.isEmpty()) {
      return effects.none().thenRun(st -> finish(st, done, publisher, fromMarketData, afterWrite))
          .thenNoReply();
    }
    return effects.persist(List.copyOf(events))
        .thenRun(st -> finish(st, done, publisher, fromMarketData, afterWrite))
        .thenNoReply();
  }

  private static void finish(State st, List<Step> done, BookPublisher publisher, long fromMarketData,
      java.util.function.LongConsumer afterWrite) {
    publisher.marketData(st, fromMarketData);
    for (Step step : done) {
      if (step.applied() != null) {
        publisher.applied(step.applied().seq(), step.applied().events(), step.replyOrderId());
      } else if (step.busted() != null) {
        publisher.busted(step.busted(), step.bustedTrade());
      }
      step.replyTo().tell(step.reply().apply(st));
    }
    afterWrite.accept(st.feed.ring().lastSeq());
  }
}
