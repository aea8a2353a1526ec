package io.kabuto.gateway;

import io.kabuto.CborSerializable;
import io.kabuto.book.BookSettings;
import io.kabuto.book.BookTopics;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.EventType;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * One participant's session on a gateway node: the actor that owns the participant's state
 * (its ClOrdIDs, its protections) and talks to the order books for it.
 *
 * <ul>
 *   <li><b>ClOrdID is idempotent.</b> A ClOrdID maps to a derived book order id
 *       ({@link OrderIds}), so a resend (PossResend, the same ClOrdID again, after a failover,
 *       through another gateway) reaches the same order, and the book answers with its state
 *       instead of creating a second order. The same ClOrdID with other fields is refused.
 *   <li><b>Orders placed through another gateway node.</b> A cancel, replace or lookup of an
 *       OrigClOrdID this node never saw, carrying the symbol, goes to that symbol's book under
 *       the derived order id; the book checks ownership and refuses an unknown order. After a
 *       replace, the order keeps the id of its first ClOrdID, so through another node it is
 *       named by its first ClOrdID.
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
 *       requests hold none. It cancels in every book (CancelAllOf), so it also cancels orders
 *       placed through another gateway node.
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

  private record BookAnswered(Pending pending, OrderBook.Response response, Throwable failure)
      implements Command {}

  private record Retry(Pending pending) implements Command {}

  private record ExecutionArrived(BookTopics.OwnExecution execution) implements Command {}

  /** {@code engaged}: this participant's entry; null when unchanged or unreadable. */
  private record KillSwitchSeen(Boolean engaged, boolean initial) implements Command {}

  private record KillSwitchWritten(long op, boolean confirmed, String problem)
      implements Command {}

  private record MassCancelled(long op, MassCancel.Result result) implements Command {}

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

  /** What the session remembers of a ClOrdID: the order it names ({@code order} null when it
   * was learned from the book, i.e. placed through another gateway node). */
  private record Known(String symbol, long orderId, NewOrder order) {}

  /** An order's latest ClOrdID and its current price and quantity (after replaces). */
  private record Latest(String clOrdId, long price, long qty) {}

  /**
   * {@code remember}: a cancel or replace, whose answer a resend of its ClOrdID gets again.
   * {@code then}: instead of answering, continue with the book's response.
   */
  private record Pending(String clOrdId, String symbol, long orderId,
      Function<ActorRef<OrderBook.Response>, OrderBook.Command> command, ActorRef<Reply> replyTo,
      long deadlineNanos, int attempt, boolean remember,
      Function<OrderBook.Response, Behavior<Command>> then) {
    Pending next() {
      return new Pending(clOrdId, symbol, orderId, command, replyTo, deadlineNanos, attempt + 1,
          remember, then);
    }

    Pending withThen(Function<OrderBook.Response, Behavior<Command>> next) {
      return new Pending(clOrdId, symbol, orderId, command, replyTo, deadlineNanos, attempt,
          remember, next);
    }
  }

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

  private static final int RECENT_EXECUTIONS = 65_536;

  public static Behavior<Command> create(Participant participant, GatewaySettings settings,
      ActorRef<ShardingEnvelope<OrderBook.Command>> books) {
    return create(participant, settings, books, newRate(participant));
  }

  /** {@code rate}: the participant's order-rate cap on this node, which front-ends may peek. */
  static Behavior<Command> create(Participant participant, GatewaySettings settings,
      ActorRef<ShardingEnvelope<OrderBook.Command>> books, TokenBucket rate) {
    return Behaviors.setup(ctx -> Behaviors.withStash(10_000, stash -> {
      ParticipantSession s = new ParticipantSession(ctx, participant, settings, books, rate);
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
  private final Set<String> listed;
  private final TokenBucket rate;
  private final Map<String, Known> orders = new HashMap<>();
  private final Map<Long, Latest> latest = new HashMap<>();
  private final Map<String, Reply> cancelsAndReplaces = new HashMap<>();
  private final Set<ActorRef<Reply>> subscribers = new HashSet<>();
  private final RecentExecutions recent = new RecentExecutions(RECENT_EXECUTIONS);
  private final Map<Long, KillOp> killOps = new HashMap<>();
  /** Running mass cancels by op; stopped when the participant may trade again. */
  private final Map<Long, ActorRef<?>> massCancels = new HashMap<>();
  private final Set<String> symbolsTouched = new TreeSet<>();
  private boolean killed;
  /** Own kill-switch writes in flight: until they land, older replicas' views are stale. */
  private int writing;
  private long ops;

  private ParticipantSession(ActorContext<Command> ctx, Participant participant,
      GatewaySettings settings, ActorRef<ShardingEnvelope<OrderBook.Command>> books,
      TokenBucket rate) {
    super(ctx);
    this.participant = participant;
    this.settings = settings;
    this.books = books;
    this.listed = BookSettings.fromConfig(ctx.getSystem().settings().config()).listedSymbols();
    this.rate = rate;
    BookTopics.get(ctx.getSystem()).executions(participant.id()).tell(Topic.subscribe(
        ctx.messageAdapter(BookTopics.OwnExecution.class, ExecutionArrived::new)));
    subscribeToKillSwitches(ctx);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void subscribeToKillSwitches(ActorContext<Command> ctx) {
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

  private Behavior<Command> loading(StashBuffer<Command> stash) {
    return Behaviors.receive(Command.class)
        .onMessage(KillSwitchSeen.class, k -> k.initial(), k -> {
          killed = Boolean.TRUE.equals(k.engaged());
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
        .onMessage(NewOrder.class, this::onNew)
        .onMessage(CancelOrder.class, this::onCancel)
        .onMessage(ReplaceOrder.class, this::onReplace)
        .onMessage(GetOrder.class, this::onGet)
        .onMessage(KillSwitch.class, this::onKillSwitch)
        .onMessage(KillSwitchSeen.class, this::onKillSwitchSeen)
        .onMessage(KillSwitchWritten.class, this::onKillSwitchWritten)
        .onMessage(MassCancelled.class, this::onMassCancelled)
        .onMessage(Disconnected.class, this::onDisconnected)
        .onMessage(BookAnswered.class, this::onBookAnswered)
        .onMessage(Retry.class, r -> send(r.pending()))
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

  // ---------------------------------------------------------------- orders

  private Behavior<Command> onNew(NewOrder o) {
    // The rate cap comes first: a flooding participant costs one token-bucket check per
    // message and no other work, whatever it sends.
    if (!rate.tryTake(System.nanoTime())) {
      return refuse(o.replyTo(), o.clOrdId(), GatewayReject.RATE_LIMITED,
          "more than " + (long) participant.ratePerSecond() + " orders per second");
    }
    if (o.clOrdId() == null || o.clOrdId().isBlank() || o.symbol() == null
        || o.symbol().isBlank()) {
      return refuse(o.replyTo(), o.clOrdId(), GatewayReject.INVALID, "ClOrdID and symbol are "
          + "required");
    }
    Known known = orders.get(o.clOrdId());
    if (known != null) {
      if (known.order() != null && !sameOrder(known.order(), o)) {
        return refuse(o.replyTo(), o.clOrdId(), GatewayReject.DUPLICATE_CLORDID,
            GatewayReject.DUPLICATE_CLORDID.reason() + " (" + known.symbol() + ")");
      }
      // A resend: the book answers with the original order's state (its ids are idempotent;
      // for an order learned from the book, the book compares the fields).
      return send(place(o, known.orderId()));
    }
    if (killed) {
      return refuse(o.replyTo(), o.clOrdId(), GatewayReject.KILL_SWITCH, null);
    }
    String halted = haltReason(o.symbol());
    if (halted != null) {
      return refuse(o.replyTo(), o.clOrdId(), GatewayReject.MARKET_HALTED, halted);
    }
    if (o.qty() > participant.maxOrderQty()) {
      return refuse(o.replyTo(), o.clOrdId(), GatewayReject.QUANTITY_LIMIT,
          "quantity " + o.qty() + " > limit " + participant.maxOrderQty());
    }
    // Prices are in 0.1-yen units; the notional limit is in yen. Overflow is over any limit.
    if (o.price() > 0) {
      long notional;
      try {
        notional = Math.multiplyExact(o.price(), o.qty()) / 10;
      } catch (ArithmeticException e) {
        notional = Long.MAX_VALUE;
      }
      if (notional > participant.maxNotional()) {
        return refuse(o.replyTo(), o.clOrdId(), GatewayReject.NOTIONAL_LIMIT,
            "notional " + notional + " yen > limit " + participant.maxNotional());
      }
    }
    stopMassCancels(); // trading again after a disconnect: a late retry must not cancel this
    long orderId = OrderIds.of(participant.id(), o.clOrdId());
    orders.put(o.clOrdId(), new Known(o.symbol(), orderId, o));
    latest.put(orderId, new Latest(o.clOrdId(), o.price(), o.qty()));
    symbolsTouched.add(o.symbol());
    return send(place(o, orderId));
  }

  private Pending place(NewOrder o, long orderId) {
    return pending(o.clOrdId(), o.symbol(), orderId, o.replyTo(), false,
        r -> new OrderBook.PlaceOrder(orderId, participant.id(), o.side(), o.type(), o.tif(),
            o.price(), o.qty(), SelfTradePrevention.NONE, o.time(), r));
  }

  private Behavior<Command> onCancel(CancelOrder c) {
    Reply done = cancelsAndReplaces.get(c.clOrdId());
    if (done != null) {
      c.replyTo().tell(done);
      return this;
    }
    Known k = orders.get(c.origClOrdId());
    if (k == null) {
      if (!elsewhere(c.origClOrdId(), c.symbol())) {
        return unknown(c.replyTo(), c.clOrdId(), c.origClOrdId());
      }
      // Placed through another gateway node: the book knows it by its derived id and checks
      // that it is this participant's.
      long id = OrderIds.of(participant.id(), c.origClOrdId());
      return send(pending(c.clOrdId(), c.symbol(), id, c.replyTo(), true,
          r -> new OrderBook.CancelOrder(id, participant.id(), c.time(), r)));
    }
    return send(pending(c.clOrdId(), k.symbol(), k.orderId(), c.replyTo(), true,
        r -> new OrderBook.CancelOrder(k.orderId(), participant.id(), c.time(), r)));
  }

  private Behavior<Command> onReplace(ReplaceOrder c) {
    Reply done = cancelsAndReplaces.get(c.clOrdId());
    if (done != null) {
      c.replyTo().tell(done);
      return this;
    }
    if (killed) {
      return refuse(c.replyTo(), c.clOrdId(), GatewayReject.KILL_SWITCH, null);
    }
    Known k = orders.get(c.origClOrdId());
    if (k == null) {
      if (!elsewhere(c.origClOrdId(), c.symbol())) {
        return unknown(c.replyTo(), c.clOrdId(), c.origClOrdId());
      }
      // Learn the order (price, quantity, owner) from its book, then replace it as if known.
      return learn(c.clOrdId(), c.origClOrdId(), c.symbol(), c.replyTo(), status -> onReplace(c));
    }
    String halted = haltReason(k.symbol());
    if (halted != null) {
      return refuse(c.replyTo(), c.clOrdId(), GatewayReject.MARKET_HALTED, halted);
    }
    if (c.newQty() > participant.maxOrderQty()) {
      return refuse(c.replyTo(), c.clOrdId(), GatewayReject.QUANTITY_LIMIT,
          "quantity " + c.newQty() + " > limit " + participant.maxOrderQty());
    }
    stopMassCancels();
    orders.putIfAbsent(c.clOrdId(), k); // the new ClOrdID names the same order from now on
    Latest now = latest.get(k.orderId());
    long price = c.newPrice() > 0 ? c.newPrice() : now.price();
    long qty = c.newQty() > 0 ? c.newQty() : now.qty();
    Pending p = pending(c.clOrdId(), k.symbol(), k.orderId(), c.replyTo(), true,
        r -> new OrderBook.ModifyOrder(k.orderId(), participant.id(), price, qty, c.time(), r));
    return send(p.withThen(response -> {
      if (response instanceof OrderBook.Accepted) {
        latest.put(k.orderId(), new Latest(c.clOrdId(), price, qty));
      }
      return answer(p, response);
    }));
  }

  private Behavior<Command> onGet(GetOrder g) {
    Known k = orders.get(g.clOrdId());
    if (k == null) {
      if (!elsewhere(g.clOrdId(), g.symbol())) {
        return refuse(g.replyTo(), g.clOrdId(), GatewayReject.UNKNOWN_CLORDID, null);
      }
      return learn(g.clOrdId(), g.clOrdId(), g.symbol(), g.replyTo(), status -> {
        Answer a = new Answer(g.clOrdId(), g.symbol(), status.orderId(), status);
        g.replyTo().tell(a);
        return this;
      });
    }
    return send(pending(g.clOrdId(), k.symbol(), k.orderId(), g.replyTo(), false,
        r -> new OrderBook.GetOrder(k.orderId(), r)));
  }

  /** Whether an OrigClOrdID this node does not know may be looked for in {@code symbol}. */
  private static boolean elsewhere(String origClOrdId, String symbol) {
    return origClOrdId != null && !origClOrdId.isEmpty() && symbol != null && !symbol.isBlank();
  }

  private Behavior<Command> unknown(ActorRef<Reply> to, String clOrdId, String origClOrdId) {
    return refuse(to, clOrdId, GatewayReject.UNKNOWN_CLORDID, "OrigClOrdID " + origClOrdId
        + ": " + GatewayReject.UNKNOWN_CLORDID.reason() + " on this gateway node (for an order "
        + "placed through another node, send its symbol)");
  }

  /**
   * Asks {@code symbol}'s book for the order that {@code origClOrdId} derives to; if it is this
   * participant's, remembers it and continues with its status, else refuses UNKNOWN_CLORDID.
   */
  private Behavior<Command> learn(String clOrdId, String origClOrdId, String symbol,
      ActorRef<Reply> replyTo, Function<OrderBook.OrderStatus, Behavior<Command>> next) {
    long id = OrderIds.of(participant.id(), origClOrdId);
    Pending p = pending(clOrdId, symbol, id, replyTo, false, r -> new OrderBook.GetOrder(id, r));
    return send(p.withThen(response -> {
      if (response instanceof OrderBook.OrderStatus s && s.state() != OrderBook.OrderState.UNKNOWN
          && s.participant() == participant.id()) {
        orders.putIfAbsent(origClOrdId, new Known(symbol, id, null));
        latest.putIfAbsent(id, new Latest(origClOrdId, s.price(), s.qty()));
        symbolsTouched.add(symbol);
        return next.apply(s);
      }
      if (response instanceof OrderBook.Rejected) {
        return answer(p, response); // e.g. no such symbol: the book's reason is the clearest
      }
      return refuse(replyTo, clOrdId, GatewayReject.UNKNOWN_CLORDID, "OrigClOrdID "
          + origClOrdId + ": no order of this participant with this ClOrdID in " + symbol
          + "'s book today (after a replace, an order keeps the id of its first ClOrdID: "
          + "name it by that one)");
    }));
  }

  // ---------------------------------------------------------------- executions

  private Behavior<Command> onExecution(ExecutionArrived m) {
    BookTopics.OwnExecution x = m.execution();
    if (x.participant() != participant.id()
        || !recent.firstTime(x.symbol(), x.bookSeq(), x.index(), x.orderId())) {
      return this;
    }
    symbolsTouched.add(x.symbol());
    Latest l = latest.get(x.orderId());
    Execution e = new Execution(l == null ? null : l.clOrdId(), x.symbol(), x.orderId(),
        x.event(), x.bookSeq(), x.index(), x.bustReason());
    if (l != null && x.event() != null && x.event().type() == EventType.REPLACED) {
      latest.put(x.orderId(), new Latest(l.clOrdId(), x.event().price(), x.event().qty()));
    }
    subscribers.forEach(s -> s.tell(e));
    return this;
  }

  // ---------------------------------------------------------------- kill switch, disconnect

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Behavior<Command> onKillSwitch(KillSwitch k) {
    long op = ++ops;
    killed = k.engage();
    writing++;
    KillOp kop = new KillOp(k);
    killOps.put(op, kop);
    var ddata = DistributedData.get(getContext().getSystem());
    String by = ddata.selfUniqueAddress().uniqueAddress().address().toString();
    KillSwitches.Entry entry = new KillSwitches.Entry(k.engage(), System.currentTimeMillis(), by);
    getContext().ask((Class<Replicator.UpdateResponse<LWWMap<String, KillSwitches.Entry>>>)
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
    getContext().getLog().warn("participant {}: kill switch {}", participant.name(),
        k.engage() ? "ENGAGED (cluster-wide; cancelling in every listed book)" : "released");
    return this;
  }

  private Behavior<Command> onKillSwitchWritten(KillSwitchWritten w) {
    writing--;
    KillOp kop = killOps.get(w.op());
    if (kop != null) {
      kop.recorded = w.confirmed();
      kop.problem = w.problem();
      maybeFinish(w.op(), kop);
    }
    return this;
  }

  private Behavior<Command> onKillSwitchSeen(KillSwitchSeen k) {
    // While our own write is in flight, a view from before it could undo it here.
    if (k.engaged() != null && writing == 0) {
      if (killed != k.engaged()) {
        getContext().getLog().warn("participant {}: kill switch {} by another gateway node",
            participant.name(), k.engaged() ? "ENGAGED" : "released");
        if (!k.engaged()) {
          stopMassCancels();
        }
      }
      killed = k.engaged();
    }
    return this;
  }

  private Behavior<Command> onMassCancelled(MassCancelled m) {
    massCancels.remove(m.op());
    KillOp kop = killOps.get(m.op());
    if (kop != null) {
      kop.result = m.result();
      maybeFinish(m.op(), kop);
    } else {
      MassCancel.Result r = m.result();
      getContext().getLog().info("participant {}: cancel-on-disconnect cancelled {} orders{}{}",
          participant.name(), r.cancelled(),
          r.unanswered().isEmpty() ? "" : "; no answer from " + r.unanswered(),
          r.refused().isEmpty() ? "" : "; refused by " + r.refused());
    }
    return this;
  }

  private void maybeFinish(long op, KillOp kop) {
    if (kop.recorded == null || kop.result == null) {
      return;
    }
    killOps.remove(op);
    KillSwitchState state = new KillSwitchState(null, kop.request.engage(),
        kop.result.cancelled(), kop.result.unanswered(), kop.result.refused(), kop.recorded,
        kop.problem);
    getContext().getLog().warn("participant {}: kill switch {}: {} orders cancelled{}{}",
        participant.name(), kop.request.engage() ? "engaged" : "released", state.cancelled(),
        state.unanswered().isEmpty() ? "" : ", no answer from " + state.unanswered(),
        state.recorded() ? "" : "; " + state.problem());
    if (kop.request.replyTo() != null) {
      kop.request.replyTo().tell(state);
    }
  }

  private Behavior<Command> onDisconnected(Disconnected d) {
    if (d.connection() != null && subscribers.remove(d.connection())) {
      getContext().unwatch(d.connection());
    }
    if (!participant.cancelOnDisconnect()) {
      return this;
    }
    if (!subscribers.isEmpty()) {
      getContext().getLog().info("participant {}: a connection dropped; {} other live "
          + "connection(s) on this node, so no cancel-on-disconnect", participant.name(),
          subscribers.size());
      return this;
    }
    getContext().getLog().info("participant {} disconnected: cancel-on-disconnect in every "
        + "listed book", participant.name());
    massCancel(++ops, d.time());
    return this;
  }

  /** CancelAllOf to every listed book and every book this session saw the participant in. */
  private void massCancel(long op, long time) {
    Set<String> symbols = new TreeSet<>(listed);
    symbols.addAll(symbolsTouched);
    ActorRef<MassCancel.Result> to = getContext().messageAdapter(MassCancel.Result.class,
        r -> new MassCancelled(op, r));
    massCancels.put(op, getContext().spawnAnonymous(MassCancel.create(books, participant.id(),
        symbols, time, settings.attemptTimeout(), settings.bookDeadline(), to)));
  }

  private void stopMassCancels() {
    if (massCancels.isEmpty()) {
      return;
    }
    for (var e : massCancels.entrySet()) {
      getContext().stop(e.getValue());
      KillOp kop = killOps.get(e.getKey());
      if (kop != null) {
        kop.result = new MassCancel.Result(0, List.of(), Map.of("*", "stopped: released or "
            + "trading again before the books answered"));
        maybeFinish(e.getKey(), kop);
      }
    }
    massCancels.clear();
  }

  // ---------------------------------------------------------------- the book, with retries

  private Pending pending(String clOrdId, String symbol, long orderId, ActorRef<Reply> replyTo,
      boolean remember, Function<ActorRef<OrderBook.Response>, OrderBook.Command> command) {
    return new Pending(clOrdId, symbol, orderId, command, replyTo,
        System.nanoTime() + settings.bookDeadline().toNanos(), 1, remember, null);
  }

  private Behavior<Command> send(Pending p) {
    io.kabuto.persistence.node.Asks.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response, Command>askSelf(
        getContext(), books, r -> new ShardingEnvelope<>(p.symbol(), p.command().apply(r)),
        settings.attemptTimeout(), (response, failure) -> new BookAnswered(p, response, failure));
    return this;
  }

  private Behavior<Command> onBookAnswered(BookAnswered a) {
    Pending p = a.pending();
    if (a.failure() != null) {
      if (System.nanoTime() < p.deadlineNanos()) {
        // The book is failing over: the same request (same order id) again.
        getContext().getSelf().tell(new Retry(p.next()));
        return this;
      }
      return refuse(p.replyTo(), p.clOrdId(), GatewayReject.EXCHANGE_UNAVAILABLE,
          GatewayReject.EXCHANGE_UNAVAILABLE.reason() + " (" + p.attempt() + " attempts in "
              + settings.bookDeadline() + ")");
    }
    return p.then() != null ? p.then().apply(a.response()) : answer(p, a.response());
  }

  private Behavior<Command> answer(Pending p, OrderBook.Response response) {
    Answer answer = new Answer(p.clOrdId(), p.symbol(), p.orderId(), response);
    if (p.remember()) {
      cancelsAndReplaces.put(p.clOrdId(), answer);
    }
    if (p.replyTo() != null) {
      p.replyTo().tell(answer);
    }
    subscribers.forEach(s -> s.tell(answer));
    return this;
  }

  private Behavior<Command> refuse(ActorRef<Reply> to, String clOrdId, GatewayReject code,
      String reason) {
    Refused refused = new Refused(clOrdId, code, reason == null ? code.reason() : reason);
    if (to != null) {
      to.tell(refused);
    }
    subscribers.forEach(s -> s.tell(refused));
    return this;
  }

  /**
   * Why {@code symbol} is halted on this node (the node's in-memory halt state, kept by its halt
   * applier from Distributed Data: no storage involved), or null.
   */
  private String haltReason(String symbol) {
    var halt = io.kabuto.market.MarketGate.get(getContext().getSystem()).table().haltFor(symbol);
    return halt.halted()
        ? GatewayReject.MARKET_HALTED.reason() + (halt.reason() == null || halt.reason().isBlank()
            ? "" : " (" + halt.reason() + ")")
        : null;
  }

  private static boolean sameOrder(NewOrder a, NewOrder b) {
    return Objects.equals(a.symbol(), b.symbol()) && a.side() == b.side()
        && a.type() == b.type() && a.tif() == b.tif() && a.price() == b.price()
        && a.qty() == b.qty();
  }
}
