package io.kabuto.book;

import io.kabuto.book.OrderBook.Batch;
import io.kabuto.book.OrderBook.BustTrade;
import io.kabuto.book.OrderBook.Clock;
import io.kabuto.book.OrderBook.Command;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.SetPhase;
import io.kabuto.marketdata.MarketDataMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The sharded order-book entity: a small actor in front of the journaled {@link OrderBook} (its
 * child) that batches writes. Callers see the same {@link Command} protocol.
 *
 * <p>A journaled book handles one write at a time: Pekko holds every later command until the
 * write is acknowledged by a majority of the storage replicas, so alone it carries out at most
 * one command per write latency. The front sends a write command on at once when no write is
 * in flight (so latency at low load is unchanged) and otherwise queues it; when the write in
 * flight is done, the queued writes go to the book as one {@link Batch} of at most {@code
 * kabuto.book.max-batch}, which the book carries out one after the other and persists in one
 * journal write (see "Batched writes" in the package documentation).
 *
 * <p><b>Order.</b> Commands reach the book in the order they reached the front: a read or a halt
 * queued behind writes waits for them; one at the head of the queue goes on at once (the book
 * holds it behind a write in flight, as Pekko does). A write is cut short before a PlaceOrder
 * whose order id is already in it (its idempotency memory is only updated after the write) and
 * a SetPhase, Clock or BustTrade is written alone (they read or start the day's memory).
 *
 * <p><b>Failures.</b> A failed write, and a command that makes the core throw (the whole write is
 * then rejected), restart the book in place with backoff, and it recovers from the journal; it
 * tells the front when recovery is complete, and the write that was in flight is then known
 * lost: none of its commands was acknowledged, the clients retry with the same order ids.
 * Commands already in the book's mailbox survive a restart. If the book stops for any other
 * reason (a write the journal rejects), the front starts a new one, after a growing backoff if
 * that keeps happening, and the queued writes go to it; reads the stopped book held are lost
 * (their senders time out). So a command is answered after its write or not at all, never
 * before.
 * The queue holds at most {@code pekko.persistence.typed.stash-capacity} commands, as the
 * book's own stash would; beyond that commands are dropped (logged), and the clients time out.
 */
final class BookFront extends AbstractBehavior<Object> {

  /** What the journaled book tells its front. */
  sealed interface Note permits Written, Recovered {}

  /** Write {@code batch} is done: persisted and every reply sent; the feed is at {@code feedSeq}. */
  record Written(int incarnation, long batch, long feedSeq) implements Note {}

  /** The book finished recovery (also after a failed write's restart); its feed is at {@code feedSeq}. */
  record Recovered(int incarnation, long feedSeq) implements Note {}

  private record Respawn(int incarnation) {}

  private static final String FENCING = "kabuto.storage.fencing";

  /** The sharded entity of {@code symbol}, settings from the actor system's config. */
  static Behavior<Command> create(String symbol) {
    return Behaviors.<Object>setup(ctx -> Behaviors.withTimers(timers -> new BookFront(ctx, timers,
        symbol, BookSettings.fromConfig(ctx.getSystem().settings().config())))).narrow();
  }

  /** The front of {@code symbol}'s book with explicit settings (tests). */
  static Behavior<Command> create(String symbol, BookSettings settings) {
    return Behaviors.<Object>setup(ctx -> Behaviors.withTimers(timers ->
        new BookFront(ctx, timers, symbol, settings))).narrow();
  }

  private final TimerScheduler<Object> timers;
  private final String symbol;
  private final BookSettings settings;
  private final int maxQueued;
  /** How long the answers to an OrderBatch are waited for: the gateway's longest attempt. */
  private final Duration batchAnswerTimeout;
  private final ArrayDeque<Command> queue = new ArrayDeque<>();
  private ActorRef<Command> book;
  private int incarnation;
  /** The book has recovered since it was started or restarted: writes may go to it. */
  private boolean ready;
  /** Number of the write in flight, 0 if none. */
  private long inFlight;
  private long batches;
  /** Times in a row the book stopped without a write succeeding in between. */
  private int stops;
  private boolean dropping;
  /** The book's own feed sequence, as of its last write or recovery. */
  private long feedSeq;
  /** The highest sequence seen on this symbol's market-data topic, from whichever incarnation. */
  private long feedSeen;

  private BookFront(ActorContext<Object> ctx, TimerScheduler<Object> timers, String symbol,
      BookSettings settings) {
    super(ctx);
    this.timers = timers;
    this.symbol = symbol;
    this.settings = settings;
    this.maxQueued = ctx.getSystem().settings().config().getInt("pekko.persistence.typed.stash-capacity");
    var gw = ctx.getSystem().settings().config();
    this.batchAnswerTimeout = gw.hasPath("kabuto.gateway.max-attempt-timeout")
        ? gw.getDuration("kabuto.gateway.max-attempt-timeout") : Duration.ofSeconds(4);
    // Another incarnation's writes show up here first (see onFeed). Part of fencing: with
    // kabuto.storage.fencing = off (incident replay) incarnations ignore each other entirely.
    var config = ctx.getSystem().settings().config();
    if (!config.hasPath(FENCING) || config.getBoolean(FENCING)) {
      BookTopics.get(ctx.getSystem()).marketData(symbol).tell(Topic.subscribe(ctx.getSelf().narrow()));
    }
    spawnBook();
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(Command.class, this::onCommand)
        .onMessage(Written.class, this::onWritten)
        .onMessage(Recovered.class, this::onRecovered)
        .onMessage(Respawn.class, this::onRespawn)
        .onMessage(MarketDataMessage.class, this::onFeed)
        .onSignal(Terminated.class, this::onBookStopped)
        .build();
  }

  private Behavior<Object> onCommand(Command c) {
    if (c instanceof OrderBook.OrderBatch b) {
      return onOrderBatch(b);
    }
    if (c instanceof Batch) {
      getContext().getLog().warn("order book {}: dropped a Batch sent to the entity from outside", symbol);
      return this;
    }
    if (queue.size() >= maxQueued) {
      if (!dropping) {
        getContext().getLog().warn("order book {}: {} commands queued behind its journal writes; "
            + "dropping new ones until the queue drains", symbol, queue.size());
      }
      dropping = true;
      return this;
    }
    dropping = false;
    queue.addLast(c);
    drain();
    return this;
  }

  /**
   * A gateway node's orders, cancels and replaces in one message: each goes through this front
   * as if sent alone (queue, batched journal write, idempotency), answered to a local reply ref
   * of its own, and the answers go back to the gateway together once all are in, or the
   * gateway's longest attempt has passed (a command still unanswered then is null: the gateway
   * resends it). Per-command refs, not answers matched by order: a lost write leaves holes that
   * a later write's answers must not fill.
   */
  private Behavior<Object> onOrderBatch(OrderBook.OrderBatch b) {
    int n = b.commands().size();
    @SuppressWarnings("unchecked")
    CompletableFuture<OrderBook.Response>[] answers = new CompletableFuture[n];
    ActorRef<Command> self = getContext().getSelf().narrow();
    for (int i = 0; i < n; i++) {
      Command c = b.commands().get(i);
      answers[i] = io.kabuto.persistence.node.Asks.ask(self,
          r -> OrderBook.withReplyTo(c, r), batchAnswerTimeout, getContext().getSystem());
    }
    CompletableFuture.allOf(answers).whenComplete((v, e) -> {
      List<OrderBook.Response> out = new ArrayList<>(n);
      for (CompletableFuture<OrderBook.Response> a : answers) {
        out.add(a.isCompletedExceptionally() ? null : a.getNow(null));
      }
      b.replyTo().tell(new OrderBook.BatchAnswer(b.id(), out));
    });
    return this;
  }

  private Behavior<Object> onWritten(Written w) {
    if (w.incarnation() == incarnation && w.batch() == inFlight) {
      inFlight = 0;
      stops = 0;
      feedSeq = Math.max(feedSeq, w.feedSeq());
      if (catchUpIfStale()) return this;
      drain();
    }
    return this;
  }

  private Behavior<Object> onRecovered(Recovered r) {
    if (r.incarnation() == incarnation) {
      ready = true;
      inFlight = 0; // after a failed write: that write is lost, its commands unanswered
      feedSeq = r.feedSeq();
      if (feedSeen > feedSeq) {
        // only without fencing: what another incarnation published is not in the journal now
        getContext().getLog().warn("order book {}: the feed showed seq {} but the journal recovers to {}",
            symbol, feedSeen, feedSeq);
        feedSeen = feedSeq;
      }
      drain();
    }
    return this;
  }

  /**
   * A market-data message of this symbol numbered beyond the book's own feed was published by
   * another incarnation of the book: one that wrote to the journal after this one recovered (a
   * second primary; with epoch fencing this one's next write would be refused). Until then this
   * one would answer reads (depth, orders, market data) from a history that is no longer the
   * journal's, so it recovers now. Its own messages never count: they are published after its
   * write, and the front learns the write's feed sequence first or waits for it (inFlight).
   */
  private Behavior<Object> onFeed(MarketDataMessage m) {
    if (m.seq() > feedSeen) {
      feedSeen = m.seq();
      catchUpIfStale();
    }
    return this;
  }

  private boolean catchUpIfStale() {
    if (book == null || !ready || inFlight != 0 || feedSeen <= feedSeq) return false;
    getContext().getLog().warn("order book {}: another incarnation published feed seq {} while this one is at "
        + "{}; recovering from the journal to catch up", symbol, feedSeen, feedSeq);
    ready = false; // writes wait for its Recovered; reads already sent stay in its mailbox
    book.tell(new OrderBook.CatchUp(feedSeen));
    return true;
  }

  private Behavior<Object> onBookStopped(Terminated t) {
    if (!t.getRef().equals(book)) return this;
    book = null;
    ready = false;
    inFlight = 0; // rejected as a whole before the book stopped, or never acknowledged
    stops++;
    Duration delay = stops <= 1 ? Duration.ZERO : backoff(stops - 1);
    getContext().getLog().info("order book {} stopped; starting it again in {} ms with {} queued command(s)",
        symbol, delay.toMillis(), queue.size());
    if (delay.isZero()) spawnBook();
    else timers.startSingleTimer(new Respawn(incarnation), delay);
    return this;
  }

  private Behavior<Object> onRespawn(Respawn r) {
    if (book == null && r.incarnation() == incarnation) spawnBook();
    return this;
  }

  private Duration backoff(int n) {
    long min = settings.minBackoff().toMillis();
    long ms = min << Math.min(n - 1, 20);
    return Duration.ofMillis(Math.min(Math.max(ms, min), settings.maxBackoff().toMillis()));
  }

  private void spawnBook() {
    incarnation++;
    ActorRef<Note> self = getContext().getSelf().narrow();
    // A command that makes the core throw fails the book (see BookCommands#write): restart it in
    // place, so that the commands already in its mailbox are carried out after its recovery.
    Behavior<Command> journaled = Behaviors.supervise(OrderBook.create(symbol, settings, self, incarnation))
        .onFailure(BookCommands.BookFailure.class, SupervisorStrategy.restartWithBackoff(
            settings.minBackoff(), settings.maxBackoff(), settings.randomFactor()));
    book = getContext().spawn(journaled, "journal-" + incarnation, DispatcherSelector.sameAsParent());
    getContext().watch(book);
  }

  /** Sends on what may go: reads at the head of the queue, and the next write if none is in flight. */
  private void drain() {
    while (book != null && !queue.isEmpty()) {
      if (!OrderBook.writes(queue.peekFirst())) {
        book.tell(queue.pollFirst());
        continue;
      }
      if (!ready || inFlight != 0) return;
      inFlight = ++batches;
      book.tell(new Batch(inFlight, nextWrite()));
    }
  }

  /** Takes the next write's commands off the queue (see "Order" in the class comment). */
  private List<Command> nextWrite() {
    List<Command> batch = new ArrayList<>();
    Set<Long> placed = new HashSet<>();
    while (!queue.isEmpty() && batch.size() < settings.maxBatch() && OrderBook.writes(queue.peekFirst())) {
      Command c = queue.peekFirst();
      boolean alone = c instanceof SetPhase || c instanceof Clock || c instanceof BustTrade;
      if (alone && !batch.isEmpty()) break;
      if (c instanceof PlaceOrder p && !placed.add(p.orderId())) break;
      batch.add(queue.pollFirst());
      if (alone) break;
    }
    return batch;
  }
}
