package io.kabuto.gateway;

import io.kabuto.CborSerializable;
import io.kabuto.book.BookSettings;
import io.kabuto.book.BookTopics;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * One participant's session on a gateway node: the actor that owns the participant's state
 * (its ClOrdIDs, its protections) and talks to the order books for it. Its order entry (the
 * checks, the ClOrdIDs, orders placed through another node) is {@link SessionOrders}; its kill
 * switch and cancel-on-disconnect are {@link SessionKillSwitch}. This class holds the protocol,
 * the subscribers, and the round trip to the books.
 *
 * <ul>
 *   <li><b>Failover is latency, not loss.</b> While a book is failing over, a request is retried
 *       with the same order id every {@code attempt-timeout} until {@code book-deadline}; only
 *       then is it refused with EXCHANGE_UNAVAILABLE (its state is then unknown, and a resend
 *       tells it).
 *   <li><b>Protections</b> (arrowhead, 2015): an order-rate cap (token bucket) checked before
 *       any other work, hard limits per order (quantity, notional), cancel-on-disconnect, and a
 *       cluster-wide kill switch ({@link KillSwitches}): engaged on any node, every node's
 *       session of the participant refuses new orders and replaces, and the engaging session
 *       sends {@link OrderBook.CancelAllOf} to every listed book ({@link MassCancel}).
 *   <li><b>Cancel-on-disconnect</b> fires when a connection of the participant drops and no
 *       other live connection of it remains on this node. A live connection is a subscriber
 *       ({@link Subscribe}: a logged-on FIX session, an open executions WebSocket); plain HTTP
 *       requests hold none.
 *   <li><b>Unsolicited executions</b> (passive fills, expiries, mass cancels, busts) come from
 *       the participant's executions topic ({@link BookTopics}) and go to every subscriber as
 *       {@link Execution}, each once.
 *   <li>A participant can only touch its own orders: the books check the participant id on
 *       cancel and modify, lookups check the owner, and ClOrdIDs are looked up in this
 *       participant's map only.
 * </ul>
 */
public final class ParticipantSession extends AbstractBehavior<ParticipantSession.Command> {

  public interface Command extends CborSerializable {}

  public record NewOrder(String clOrdId, String symbol, Side side, OrderType type,
      TimeInForce tif, long price, long qty, long time, ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * Cancel of order {@code origClOrdId}. {@code symbol} (may be null) lets a node that never
   * saw the order (it was placed through another gateway node) find it in that book.
   */
  public record CancelOrder(String clOrdId, String origClOrdId, String symbol, long time,
      ActorRef<Reply> replyTo) implements Command {
    public CancelOrder(String clOrdId, String origClOrdId, long time, ActorRef<Reply> replyTo) {
      this(clOrdId, origClOrdId, null, time, replyTo);
    }
  }

  /**
   * New limit price (0 = keep) and new total quantity (0 = keep) of a live order; {@code symbol}
   * as for {@link CancelOrder}.
   */
  public record ReplaceOrder(String clOrdId, String origClOrdId, String symbol, long newPrice,
      long newQty, long time, ActorRef<Reply> replyTo) implements Command {
    public ReplaceOrder(String clOrdId, String origClOrdId, long newPrice, long newQty, long time,
        ActorRef<Reply> replyTo) {
      this(clOrdId, origClOrdId, null, newPrice, newQty, time, replyTo);
    }
  }

  /** Lookup of order {@code clOrdId}; {@code symbol} as for {@link CancelOrder}. */
  public record GetOrder(String clOrdId, String symbol, ActorRef<Reply> replyTo)
      implements Command {
    public GetOrder(String clOrdId, ActorRef<Reply> replyTo) {
      this(clOrdId, null, replyTo);
    }
  }

  /**
   * Engage (record it cluster-wide, cancel everything in every listed book, refuse new orders
   * and replaces on every gateway node) or release the kill switch. Answered with {@link
   * KillSwitchState} once the books answered or the book deadline passed.
   */
  public record KillSwitch(boolean engage, long time, ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * A connection of the participant dropped (FIX logout/disconnect, WebSocket closed).
   * {@code connection} is its subscriber, if it had one (null: unknown); it is unsubscribed, and
   * cancel-on-disconnect fires only if no other subscriber remains.
   */
  public record Disconnected(long time, ActorRef<Reply> connection) implements Command {
    public Disconnected(long time) {
      this(time, null);
    }
  }

  /**
   * Also send every later reply of this session (from any front-end) and every unsolicited
   * {@link Execution} to {@code subscriber}, until it stops or unsubscribes. A subscriber is a
   * live connection for cancel-on-disconnect.
   */
  public record Subscribe(ActorRef<Reply> subscriber) implements Command {}

  public record Unsubscribe(ActorRef<Reply> subscriber) implements Command {}

  record BookAnswered(Pending pending, OrderBook.Response response, Throwable failure)
      implements Command {}

  record Retry(Pending pending) implements Command {}

  record LinkAnswered(BookLink.Answered answered) implements Command {}

  record ExecutionArrived(BookTopics.OwnExecution execution) implements Command {}

  /** {@code engaged}: this participant's entry; null when unchanged or unreadable. */
  record KillSwitchSeen(Boolean engaged, boolean initial) implements Command {}

  record KillSwitchWritten(long op, boolean confirmed, String problem)
      implements Command {}

  record MassCancelled(long op, MassCancel.Result result) implements Command {}

  /** What the session answers. */
  public sealed interface Reply extends CborSerializable {
    String clOrdId();
  }

  /** The book's answer ({@code OrderBook.Accepted}, {@code Rejected}, {@code OrderStatus}). */
  public record Answer(String clOrdId, String symbol, long orderId, OrderBook.Response book)
      implements Reply {}

  /** Refused by the gateway; the book was not asked (or did not answer in time). */
  public record Refused(String clOrdId, GatewayReject code, String reason) implements Reply {}

  /**
   * The kill switch changed. Engaging: the books reported {@code cancelled} orders cancelled;
   * {@code unanswered} books did not answer before the book deadline (orders there may still be
   * live; engage again to retry), {@code refused} books refused (symbol to reason).
   * {@code recorded}: a majority of the cluster holds the new state (else {@code problem} says
   * why; it is in force on this node and spreads from it).
   */
  public record KillSwitchState(String clOrdId, boolean engaged, int cancelled,
      List<String> unanswered, Map<String, String> refused, boolean recorded, String problem)
      implements Reply {}

  /**
   * An event about one of the participant's orders that no request of this session asked for:
   * the resting side of a trade, an expiry, a cancel by a kill switch or mass cancel on any
   * gateway, a trade bust. {@code clOrdId} is the order's ClOrdID if this gateway node knows it
   * (the order was placed or replaced through it), else null. {@code (symbol, bookSeq, index,
   * orderId)} identifies the event. {@code bustReason} is non-null only for a trade bust, and
   * {@code event} is then the busted TRADE itself.
   */
  public record Execution(String clOrdId, String symbol, long orderId, OrderBook.EventData event,
      long bookSeq, int index, String bustReason) implements Reply {}

  private static final int RECENT_EXECUTIONS = 65_536;

  public static Behavior<Command> create(Participant participant, GatewaySettings settings,
      ActorRef<ShardingEnvelope<OrderBook.Command>> books) {
    return Behaviors.setup(ctx -> create(participant, settings, books, newRate(participant),
        new java.util.concurrent.atomic.AtomicInteger(),
        ctx.spawn(BookLink.create(books), "book-link")));
  }

  /**
   * {@code rate}: the participant's order-rate cap on this node, which front-ends may peek;
   * {@code nodeInFlight}: the requests in flight of every session of this gateway node.
   */
  static Behavior<Command> create(Participant participant, GatewaySettings settings,
      ActorRef<ShardingEnvelope<OrderBook.Command>> books, TokenBucket rate,
      java.util.concurrent.atomic.AtomicInteger nodeInFlight, ActorRef<BookLink.Command> link) {
    return Behaviors.setup(ctx -> Behaviors.withStash(10_000, stash -> {
      ParticipantSession s = new ParticipantSession(ctx, participant, settings, books, rate,
          nodeInFlight, link);
      return s.loading(stash);
    }));
  }

  static TokenBucket newRate(Participant participant) {
    // A burst of one second's orders, and at least one order: a cap below 1/s (one order every
    // few seconds) is a real setting.
    return new TokenBucket(participant.ratePerSecond(), Math.max(1, participant.ratePerSecond()),
        System.nanoTime());
  }

  private final Participant participant;
  private final GatewaySettings settings;
  private final ActorRef<ShardingEnvelope<OrderBook.Command>> books;
  private final Set<ActorRef<Reply>> subscribers = new HashSet<>();
  private final RecentExecutions recent = new RecentExecutions(RECENT_EXECUTIONS);
  /** Every book the participant was seen in: cancel-on-disconnect and the kill switch cancel there too. */
  private final Set<String> symbolsTouched = new TreeSet<>();
  private final SessionKillSwitch killSwitch;
  private final SessionOrders orders;
  private final InFlight inFlight;
  /** Orders, cancels and replaces go to the books through the node's link, in batches. */
  private final ActorRef<BookLink.Command> link;
  private final ActorRef<BookLink.Answered> linkAnswers;
  /** Requests sent through the link, by token, until answered or failed. */
  private final java.util.Map<Long, Pending> viaLink = new java.util.HashMap<>();
  private long tokens;

  private ParticipantSession(ActorContext<Command> ctx, Participant participant,
      GatewaySettings settings, ActorRef<ShardingEnvelope<OrderBook.Command>> books,
      TokenBucket rate, java.util.concurrent.atomic.AtomicInteger nodeInFlight,
      ActorRef<BookLink.Command> link) {
    super(ctx);
    this.participant = participant;
    this.inFlight = new InFlight(settings, nodeInFlight);
    this.link = link;
    this.linkAnswers = ctx.messageAdapter(BookLink.Answered.class, LinkAnswered::new);
    this.settings = settings;
    this.books = books;
    Set<String> listed =
        BookSettings.fromConfig(ctx.getSystem().settings().config()).listedSymbols();
    this.killSwitch = new SessionKillSwitch(ctx, participant, settings, books, listed,
        symbolsTouched, subscribers);
    this.orders = new SessionOrders(this, ctx.getSystem(), participant, rate, killSwitch,
        symbolsTouched);
    BookTopics.get(ctx.getSystem()).executions(participant.id()).tell(Topic.subscribe(
        ctx.messageAdapter(BookTopics.OwnExecution.class, ExecutionArrived::new)));
    killSwitch.subscribe();
  }

  private Behavior<Command> loading(StashBuffer<Command> stash) {
    return Behaviors.receive(Command.class)
        .onMessage(KillSwitchSeen.class, k -> k.initial(), k -> {
          killSwitch.initial(k);
          return stash.unstashAll(this);
        })
        .onAnyMessage(m -> {
          if (stash.isFull()) {
            getContext().getLog().warn("participant {}: session still starting and {} requests "
                + "waiting; dropped {} (the client times out and resends)", participant.name(),
                stash.size(), m.getClass().getSimpleName());
          } else {
            stash.stash(m);
          }
          return Behaviors.same();
        })
        .build();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NewOrder.class, orders::onNew)
        .onMessage(CancelOrder.class, orders::onCancel)
        .onMessage(ReplaceOrder.class, orders::onReplace)
        .onMessage(GetOrder.class, orders::onGet)
        .onMessage(KillSwitch.class, k -> same(() -> killSwitch.onKillSwitch(k)))
        .onMessage(KillSwitchSeen.class, k -> same(() -> killSwitch.onKillSwitchSeen(k)))
        .onMessage(KillSwitchWritten.class, w -> same(() -> killSwitch.onKillSwitchWritten(w)))
        .onMessage(MassCancelled.class, m -> same(() -> killSwitch.onMassCancelled(m)))
        .onMessage(Disconnected.class, d -> same(() -> killSwitch.onDisconnected(d)))
        .onMessage(BookAnswered.class, this::onBookAnswered)
        .onMessage(Retry.class, r -> send(r.pending()))
        .onMessage(LinkAnswered.class, this::onLinkAnswered)
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, stop -> {
          inFlight.releaseAll();
          return this;
        })
        .onMessage(ExecutionArrived.class, this::onExecution)
        .onMessage(Subscribe.class, s -> {
          if (subscribers.add(s.subscriber())) {
            getContext().watchWith(s.subscriber(), new Unsubscribe(s.subscriber()));
          }
          return this;
        })
        .onMessage(Unsubscribe.class, u -> {
          if (subscribers.remove(u.subscriber())) {
            getContext().unwatch(u.subscriber());
          }
          return this;
        })
        .build();
  }

  private Behavior<Command> same(Runnable handler) {
    handler.run();
    return this;
  }

  private Behavior<Command> onExecution(ExecutionArrived m) {
    BookTopics.OwnExecution x = m.execution();
    if (x.participant() != participant.id()
        || !recent.firstTime(x.symbol(), x.bookSeq(), x.index(), x.orderId())) {
      return this;
    }
    symbolsTouched.add(x.symbol());
    Execution e = orders.execution(x);
    subscribers.forEach(s -> s.tell(e));
    return this;
  }

  // ---------------------------------------------------------------- the book, with retries

  Pending pending(String clOrdId, String symbol, long orderId, ActorRef<Reply> replyTo,
      boolean remember, Function<ActorRef<OrderBook.Response>, OrderBook.Command> command) {
    return new Pending(clOrdId, symbol, orderId, command, replyTo,
        System.nanoTime() + settings.bookDeadline().toNanos(), 1, remember, null);
  }

  Behavior<Command> send(Pending p) {
    if (p.attempt() == 1) {
      inFlight.started();
    }
    OrderBook.Command batchable = p.command().apply(null);
    if (batchable instanceof OrderBook.PlaceOrder || batchable instanceof OrderBook.CancelOrder
        || batchable instanceof OrderBook.ModifyOrder) {
      long token = ++tokens;
      viaLink.put(token, p);
      link.tell(new BookLink.Submit(p.symbol(), batchable, settings.attemptTimeout(p.attempt()),
          token, linkAnswers));
      return this;
    }
    io.kabuto.persistence.node.Asks.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response, Command>askSelf(
        getContext(), books, r -> new ShardingEnvelope<>(p.symbol(), p.command().apply(r)),
        settings.attemptTimeout(p.attempt()),
        (response, failure) -> new BookAnswered(p, response, failure));
    return this;
  }

  private Behavior<Command> onLinkAnswered(LinkAnswered a) {
    Pending p = viaLink.remove(a.answered().token());
    if (p == null) {
      return this;
    }
    OrderBook.Response r = a.answered().response();
    return onBookAnswered(new BookAnswered(p, r, r == null
        ? new java.util.concurrent.TimeoutException("no answer from " + p.symbol()
            + "'s book within " + settings.attemptTimeout(p.attempt())) : null));
  }

  /** See {@link InFlight#busy}. */
  boolean busy(boolean cancel) {
    return inFlight.busy(cancel);
  }

  Behavior<Command> refuseBusy(ActorRef<Reply> to, String clOrdId) {
    return refuse(to, clOrdId, GatewayReject.EXCHANGE_BUSY, GatewayReject.EXCHANGE_BUSY.reason()
        + " (" + inFlight.why() + ")");
  }

  private Behavior<Command> onBookAnswered(BookAnswered a) {
    Pending p = a.pending();
    if (a.failure() != null) {
      if (System.nanoTime() < p.deadlineNanos()) {
        // The book is failing over or behind: the same request (same order id) again, waiting
        // longer this time (GatewaySettings#attemptTimeout(int)).
        getContext().getSelf().tell(new Retry(p.next()));
        return this;
      }
      done();
      return refuse(p.replyTo(), p.clOrdId(), GatewayReject.EXCHANGE_UNAVAILABLE,
          GatewayReject.EXCHANGE_UNAVAILABLE.reason() + " (" + p.attempt() + " attempts in "
              + settings.bookDeadline() + ")");
    }
    done();
    return p.then() != null ? p.then().apply(a.response()) : answer(p, a.response());
  }

  /** A request sent by {@link #send} has its final answer (or failure). */
  private void done() {
    inFlight.finished();
  }

  Behavior<Command> answer(Pending p, OrderBook.Response response) {
    Answer answer = new Answer(p.clOrdId(), p.symbol(), p.orderId(), response);
    if (p.remember()) {
      orders.remember(p.clOrdId(), answer);
    }
    if (p.replyTo() != null) {
      p.replyTo().tell(answer);
    }
    subscribers.forEach(s -> s.tell(answer));
    return this;
  }

  Behavior<Command> refuse(ActorRef<Reply> to, String clOrdId, GatewayReject code,
      String reason) {
    Refused refused = new Refused(clOrdId, code, reason == null ? code.reason() : reason);
    if (to != null) {
      to.tell(refused);
    }
    subscribers.forEach(s -> s.tell(refused));
    return this;
  }
}
