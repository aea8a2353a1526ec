package io.kabuto.book;

import io.kabuto.CborSerializable;
import io.kabuto.market.MarketGate;
import io.kabuto.marketdata.MarketDataMessage;
import io.kabuto.marketdata.MarketDataRing;
import io.kabuto.matching.BookEvents;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.BookSnapshot;
import io.kabuto.matching.CancelReason;
import io.kabuto.matching.EventType;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One symbol's order book as an event-sourced, sharded entity (role {@value #ROLE}, entity id =
 * symbol). The state machine is the matching core's {@link LimitOrderBook}; this class adds
 * persistence, idempotent order ids, snapshots and the message protocol.
 *
 * <h2>Live path vs replay: who applies the core's events</h2>
 *
 * Pekko wants the event handler to be the state-transition function. The core, however, decides
 * and applies in one call ({@code place/cancel/modify/setPhase/onClock} write events into a
 * {@link BookEvents} buffer and apply them to the book as they go), and re-running a command on a
 * copy of the book just to get the events would double the cost of every order. So:
 *
 * <ul>
 *   <li>The command handler runs the core on the live book; the core returns exactly the events
 *       of the transition it made. They are persisted as one {@link Applied} event carrying a
 *       sequence number ({@code seq}) and the handler records that the book already reflects it
 *       ({@link State#bookSeq} = seq).
 *   <li>The event handler applies {@link Applied} to the book with {@link
 *       LimitOrderBook#apply(BookEvents)} only if the book does not reflect it yet ({@code
 *       event.seq == bookSeq + 1}: recovery). On the live path ({@code event.seq == bookSeq})
 *       it leaves the book alone. Anything else is a gap and fails loudly. Everything outside
 *       the core (sequence, idempotency memory, order statuses) is updated by the event handler
 *       only, on both paths, from the event alone.
 * </ul>
 *
 * This is safe because the core is deterministic and event-sourced itself: its commands change
 * the book only by applying the events they emit, and {@code apply} of those same events
 * rebuilds the same book (same {@link LimitOrderBook#stateHash()}). So the state after the live
 * path and the state after replaying the journal are equal by construction; the tests check it.
 *
 * <p><b>Persist failure.</b> The command handler has mutated the book before the write is
 * acknowledged. If the journal write fails, Pekko stops the behavior and restarts it with backoff
 * ({@link #onPersistFailure}; a rejected write stops it and sharding starts it again). The
 * restart throws the mutated {@link State} away and recovers from the snapshot store and journal,
 * i.e. exactly the acknowledged state; the failed command never got a reply, so the client
 * retries it and, with its order id, gets one order. The one trap: Pekko evaluates {@link
 * #emptyState()} once per actor and reuses that object for every restart, so the empty state must
 * never be mutated. It is an immutable sentinel ({@code book == null}); the first command of a
 * new book runs the core on a scratch book and persists {@link Opened} + {@link Applied}, and the
 * event handler builds the real {@link State} from those events (the replay path, once).
 *
 * <p><b>Rules come from the journal.</b> {@link Opened} records the {@link BookRules} the book
 * was opened with. Replay uses them, not today's config, because events only make sense on the
 * price grid and limits they were decided under.
 *
 * <p><b>Idempotent order ids.</b> Every accepted PlaceOrder is remembered with its first answer
 * (the core events of that order in that command) until the next trading day (the book leaving
 * the CLOSED phase). A PlaceOrder with a remembered id and the same order fields (participant,
 * side, type, tif, price, quantity) gets the first answer again, without touching the book; the
 * same id with different fields is rejected as {@link Reject#DUPLICATE_ORDER_ID}. Rejected
 * orders are not remembered: re-sending one is evaluated afresh. The memory is rebuilt from the
 * events on replay and is part of snapshots, so a retry after a crash gets the same answer.
 *
 * <p><b>Replies</b> are sent only after the events are persisted. A command the core rejects
 * persists nothing, except that the core first advances its clock, which may step a special quote
 * (and trade); those events are persisted before the {@link Rejected} reply.
 *
 * <p><b>Market data</b> ({@link MarketDataMessage}) is derived by the event handler from each
 * persisted event, so the live path and every replay number it the same way: per {@link
 * Applied}, a TRADE per trade and a STATUS per phase change in event order, then a TOP if the
 * best bid or ask (price or quantity of the best limit level) differs from the last TOP; per
 * {@link Busted}, a BUST. The sequence and the newest {@code kabuto.book.market-data.retain}
 * messages are part of the state and of snapshots ({@link GetMarketData} reads them). The
 * messages are published on the symbol's topic ({@link BookTopics}) by the command's side effect
 * after the write, never by the event handler, so a replay republishes nothing. Halts are not
 * persisted (see {@link MarketHalt}), so they are published as unsequenced notices (seq 0).
 *
 * <p><b>Unsolicited executions.</b> After the write, every event about a participant's order that
 * was not in the reply to the command's sender goes to that participant's executions topic as a
 * {@link BookTopics.OwnExecution}: the resting side of a trade, a self-trade-prevention cancel of
 * the resting order, trades and cancels set off by the clock or a phase change, and every event
 * of {@link CancelAllOf} and {@link BustTrade}. A resend answered from memory publishes nothing.
 *
 * <p><b>Busts.</b> {@link BustTrade} persists a {@link Busted} event (numbered in the same
 * sequence as {@link Applied}, so {@code seq} counts both). The book itself is not touched: the
 * orders do not come back and the book's volume and last price stay; the remembered orders'
 * filled quantity goes down by the trade's quantity, a BUST goes on the feed and both sides get
 * an OwnExecution with the trade's event and the reason. Today's trades are remembered by id
 * (cleared with the order memory when a new trading day starts) so a bust can find them; a trade
 * can be busted once.
 *
 * <p>Prices in every message are {@link io.kabuto.matching.Prices} units (0.1 yen); times are the
 * simulation clock in milliseconds.
 */
public final class OrderBook
    extends EventSourcedBehaviorWithEnforcedReplies<OrderBook.Command, OrderBook.Event, OrderBook.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "OrderBook");

  /** Cluster role whose nodes host the books. */
  public static final String ROLE = "matching";

  /** Optional dispatcher for books (cluster-config/roles/matching.conf); used when configured. */
  public static final String DISPATCHER_PATH = "kabuto.matching.book-dispatcher";

  /** Most price levels per side a {@link GetDepth} returns. */
  public static final int MAX_DEPTH_LEVELS = 1000;

  /** Most messages a {@link GetMarketData} returns. */
  public static final int MAX_MARKET_DATA_PAGE = 1000;

  /**
   * Requests that fail the Java-side checks (missing side/type/tif/stp, negative participant or
   * time); the reason text says exactly what was wrong.
   */
  public static final Reject MALFORMED = Reject.INVALID_REQUEST;

  /** Code for commands to a symbol that has no book (unlisted, or bad rules in config). */
  public static final Reject NO_BOOK = Reject.UNKNOWN_SYMBOL;

  // ================================================================ protocol

  /** Messages an order book accepts. */
  public sealed interface Command extends CborSerializable
      permits PlaceOrder, CancelOrder, ModifyOrder, SetPhase, Clock, GetDepth, GetOrder, MarketHalt,
      CancelAllOf, BustTrade, GetMarketData {}

  /**
   * A new order. Answered with {@link Accepted} (ACCEPTED, then its trades / RESTED / CANCELLED)
   * or {@link Rejected}. Re-sending it answers the first answer again (see the class comment).
   *
   * @param price limit price in 0.1-yen units; 0 for a market order
   * @param stp self-trade prevention ({@link SelfTradePrevention#NONE} to allow self trades)
   */
  public record PlaceOrder(long orderId, int participant, Side side, OrderType type, TimeInForce tif,
      long price, long qty, SelfTradePrevention stp, long time, ActorRef<Response> replyTo)
      implements Command {}

  /**
   * Cancels an order's remaining quantity. {@code participant} must own it ({@link
   * LimitOrderBook#ANY_PARTICIPANT} = -1 bypasses the check, for operators).
   */
  public record CancelOrder(long orderId, int participant, long time, ActorRef<Response> replyTo)
      implements Command {}

  /** Changes a live order's price and/or total quantity (filled quantity included). */
  public record ModifyOrder(long orderId, int participant, long newPrice, long newQty, long time,
      ActorRef<Response> replyTo) implements Command {}

  /** Moves the book to another phase (runs the implied itayose); answered with {@link Ack}. */
  public record SetPhase(Phase phase, long time, ActorRef<Response> replyTo) implements Command {}

  /** Advances the simulation clock (steps a due special quote); answered with {@link Ack}. */
  public record Clock(long time, ActorRef<Response> replyTo) implements Command {}

  /** Asks for the best {@code levels} price levels per side and the book's summary. */
  public record GetDepth(int levels, ActorRef<Response> replyTo) implements Command {}

  /** Asks for an order's status today. */
  public record GetOrder(long orderId, ActorRef<Response> replyTo) implements Command {}

  /**
   * Sets the in-memory halt gate (never persisted, so a halt works with every storage node
   * down); answered with an empty {@link Ack} once in force. While halted, orders, modifies,
   * clock ticks and phase changes other than to HALTED are rejected with {@link
   * Reject#MARKET_HALTED}, so nothing executes; cancels pass. The newest generation wins, here
   * or in the node's {@link MarketGate} (io.kabuto.market), which a book also reads on every
   * command so that a book started during a halt comes up halted.
   */
  public record MarketHalt(long generation, boolean halted, String reason, ActorRef<Response> replyTo)
      implements Command {}

  /**
   * Cancels every live order of {@code participant} in this book (a kill switch or a mass
   * cancel, from any gateway); answered with {@link Ack} carrying the CANCELLED events, which are
   * also published to the participant's executions topic ({@link BookTopics}).
   */
  public record CancelAllOf(int participant, long time, ActorRef<Response> replyTo) implements Command {}

  /**
   * Declares trade {@code tradeId} invalid (an operator's decision): the trade is published as a
   * BUST on the market-data feed and to both participants' executions topics; the orders do not
   * come back to the book. Answered with {@link Ack} carrying the trade's event, or {@link
   * Rejected} ({@link Reject#UNKNOWN_TRADE}) for a trade not made today or already busted.
   * Allowed during a halt: it changes nothing on the book.
   */
  public record BustTrade(long tradeId, String reason, long time, ActorRef<Response> replyTo)
      implements Command {}

  /**
   * Asks for the market-data messages from sequence {@code fromSeq} (>= 1) on, at most {@code
   * max} (capped at {@value #MAX_MARKET_DATA_PAGE}); answered with {@link MarketDataPage}.
   */
  public record GetMarketData(long fromSeq, int max, ActorRef<Response> replyTo) implements Command {}

  /** Replies of an order book. */
  public sealed interface Response extends CborSerializable
      permits Accepted, Rejected, Ack, Depth, OrderStatus, MarketDataPage {}

  /**
   * The command was carried out: the core events concerning {@code orderId} in that command
   * (ACCEPTED, TRADE, RESTED, CANCELLED, REPLACED), in order.
   */
  public record Accepted(long orderId, List<EventData> events) implements Response {}

  /** The command was refused and changed nothing about {@code orderId} (0 if none). */
  public record Rejected(long orderId, Reject code, String reason) implements Response {}

  /** A phase change or clock tick was carried out; every event it produced, in order. */
  public record Ack(List<EventData> events) implements Response {}

  /**
   * Market-data messages in sequence order from the requested one. {@code firstRetained} is the
   * oldest sequence the book still keeps: a request below it gets messages from there on, and
   * the caller must resynchronise from {@link GetDepth} for what it missed. {@code lastSeq} is
   * the newest sequence.
   */
  public record MarketDataPage(String symbol, long firstRetained, long lastSeq,
      List<io.kabuto.marketdata.MarketDataMessage> messages) implements Response {}

  /** One price level: price in 0.1-yen units, total remaining quantity. */
  public record Level(long price, long qty) {}

  /**
   * The book's top of book and summary.
   *
   * @param specialQuoteSide pressure side of the special quote shown, or null
   * @param seq number of {@link Applied} and {@link Busted} events the book reflects
   */
  public record Depth(String symbol, List<Level> bids, List<Level> asks, long marketBuyQty,
      long marketSellQty, long lastPrice, Phase phase, boolean specialQuote, Side specialQuoteSide,
      long specialQuotePrice, long volume, long tradeCount, int orderCount, long stateHash, long seq)
      implements Response {}

  /** Where an order stands. */
  public enum OrderState {
    /** Not placed today (or placed and rejected). */
    UNKNOWN,
    /** On the book with quantity left. */
    LIVE,
    /**
     * Completely executed (a later bust lowers {@code filled} but does not put the order back on
     * the book: it stays FILLED, with nothing left).
     */
    FILLED,
    /** Remainder left the book without trading ({@link OrderStatus#cancelReason()} says why). */
    CANCELLED
  }

  /**
   * An order's status today. For UNKNOWN every other field is empty.
   *
   * @param price current limit price (after modifies; 0 for market)
   * @param qty current total quantity (after modifies)
   */
  public record OrderStatus(long orderId, OrderState state, int participant, Side side, OrderType type,
      TimeInForce tif, long price, long qty, long filled, long leaves, CancelReason cancelReason)
      implements Response {}

  /**
   * One core event ({@link BookEvents} row) as a value; fields as documented on {@link
   * BookEvents}. {@code side}, {@code orderType}, {@code tif} and {@code code} are the core's
   * ordinals, kept raw so that replay feeds the core exactly what it emitted (so the core enums'
   * order is part of the journal format); the accessor methods decode them.
   */
  public record EventData(EventType type, long time, long tradeId, long orderId, long otherOrderId,
      int participant, int otherParticipant, int side, int orderType, int tif, long price,
      long price2, long qty, long leaves, long otherLeaves, int code, long aux) {

    static EventData of(BookEvents b, int i) {
      return new EventData(b.type(i), b.time(i), b.tradeId(i), b.orderId(i), b.otherOrderId(i),
          b.participant(i), b.otherParticipant(i), b.sideOrdinal(i), b.orderTypeOrdinal(i),
          b.tifOrdinal(i), b.price(i), b.price2(i), b.qty(i), b.leaves(i), b.otherLeaves(i),
          b.code(i), b.aux(i));
    }

    void appendTo(BookEvents b) {
      b.add(type, time, tradeId, orderId, otherOrderId, participant, otherParticipant, side,
          orderType, tif, price, price2, qty, leaves, otherLeaves, code, aux);
    }

    /** True if this event is about order {@code id} (for a trade: either side). */
    public boolean concerns(long id) {
      return orderId == id || (type == EventType.TRADE && otherOrderId == id);
    }

    /** Side (the aggressor's for a trade), or null (auction trade, phase, withdrawn quote). */
    public Side sideValue() {
      return side < 0 ? null : Side.values()[side];
    }

    /** CANCELLED: why. */
    public CancelReason cancelReason() {
      return type == EventType.CANCELLED ? CancelReason.values()[code] : null;
    }

    /** PHASE: the new phase. */
    public Phase phase() {
      return type == EventType.PHASE ? Phase.values()[code] : null;
    }

    /** The event as text, for logs and test failures. */
    public String describe() {
      BookEvents one = new BookEvents(4);
      appendTo(one);
      return one.describe(0);
    }
  }

  // ================================================================ persisted events

  public sealed interface Event extends CborSerializable permits Opened, Applied, Busted {}

  /** The book was opened with these rules; the first event of every book's journal. */
  public record Opened(BookRules rules) implements Event {}

  /**
   * The core events of one command, in order. {@code seq} numbers them 1, 2, 3... per book (it
   * is not Pekko's sequence number: {@link Opened} is not counted).
   */
  public record Applied(long seq, List<EventData> events) implements Event {}

  /**
   * Trade {@code tradeId} was declared invalid. Numbered in the same sequence as {@link Applied}
   * (the core's events are not, and cannot be, undone: see the class comment).
   */
  public record Busted(long seq, long tradeId, String reason, long time) implements Event {}

  // ================================================================ snapshot

  /** One remembered order: its first answer and its current status. */
  public record RememberedOrder(long orderId, List<EventData> firstAnswer, long price, long qty,
      long filled, OrderState state, int cancelCode) {}

  /**
   * What the snapshot store keeps: the rules, the core's snapshot, the sequence it reflects, the
   * idempotency memory ({@code book == null}: nothing opened yet), the market-data sequence and
   * retained messages, and today's trades with the ids already busted. The last four are null
   * in a snapshot written before the feed existed: the feed then starts at 1 from there and
   * only trades after it can be busted.
   */
  public record Snapshot(BookRules rules, long seq, BookSnapshot book, Phase dayPhase,
      List<RememberedOrder> orders, long marketDataSeq, List<MarketDataMessage> marketData,
      List<EventData> trades, List<Long> busted) implements CborSerializable {}

  // ================================================================ state

  /**
   * The book's state: the core's book, the event sequence, the day's memory ({@link
   * OrderMemory}) and the market-data feed ({@link BookFeed}). Mutable, owned by the entity's
   * actor, never shared (snapshots and replies are copies). The instance with {@code book == null}
   * is the immutable empty state: see the class comment for why it must never change.
   */
  public static final class State {
    final BookRules rules;
    final String problem;
    final LimitOrderBook book;
    /** {@link Applied} events the event handler has handled. */
    long seq;
    /** {@link Applied} events the book reflects: seq, or seq + 1 while a live command persists. */
    long bookSeq;
    final OrderMemory memory;
    final BookFeed feed;

    State(BookRules rules, String problem, LimitOrderBook book, long seq, OrderMemory memory,
        MarketDataRing marketData) {
      this.rules = rules;
      this.problem = problem;
      this.book = book;
      this.seq = seq;
      this.bookSeq = seq;
      this.memory = memory;
      this.feed = new BookFeed(book, marketData);
    }

    static State empty(BookSettings.Resolution r) {
      Phase phase = r.rules() == null ? null : r.rules().initialPhase();
      return new State(r.rules(), r.problem(), null, 0, OrderMemory.empty(phase), new MarketDataRing(1));
    }

    static State opened(BookRules rules, int retain) {
      return new State(rules, null, new LimitOrderBook(rules), 0, OrderMemory.opened(rules.initialPhase()),
          new MarketDataRing(retain));
    }

    /** True until the first event: nothing persisted, no book yet. */
    public boolean isEmpty() {
      return book == null;
    }

    /** Rules of the book (from the journal once opened), or null if the symbol has no book. */
    public BookRules rules() {
      return rules;
    }

    public long seq() {
      return seq;
    }

    /** The state hash of the book (of a fresh book under the rules while empty), or 0 if none. */
    public long stateHash() {
      LimitOrderBook b = readBook();
      return b == null ? 0 : b.stateHash();
    }

    /** Sequence of the newest market-data message. */
    public long marketDataSeq() {
      return feed.ring().lastSeq();
    }

    /** Number of remembered orders (accepted today). */
    public int rememberedOrders() {
      return memory.size();
    }

    LimitOrderBook readBook() {
      if (book != null) return book;
      return rules == null ? null : new LimitOrderBook(rules);
    }

    Accepted firstAnswer(long orderId) {
      return memory.firstAnswer(orderId);
    }
  }

  // ================================================================ sharding

  /**
   * Starts Cluster Sharding for order books (entities on nodes with role {@value #ROLE}; on
   * other nodes this starts a proxy). Idempotent: calling it again returns the same region.
   */
  public static ActorRef<ShardingEnvelope<Command>> init(ActorSystem<?> system) {
    Entity<Command, ShardingEnvelope<Command>> entity =
        Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId())).withRole(ROLE);
    if (system.settings().config().hasPath(DISPATCHER_PATH)) {
      entity = entity.withEntityProps(DispatcherSelector.fromConfig(DISPATCHER_PATH));
    }
    return ClusterSharding.get(system).init(entity);
  }

  /** The book of {@code symbol}, settings from the actor system's config. */
  public static Behavior<Command> create(String symbol) {
    return Behaviors.setup(ctx ->
        new OrderBook(ctx, symbol, BookSettings.fromConfig(ctx.getSystem().settings().config())));
  }

  /** The book of {@code symbol} with explicit settings (tests). */
  public static Behavior<Command> create(String symbol, BookSettings settings) {
    return Behaviors.setup(ctx -> new OrderBook(ctx, symbol, settings));
  }

  public static PersistenceId persistenceId(String symbol) {
    return PersistenceId.of(ENTITY_TYPE_KEY.name(), symbol);
  }

  // ================================================================ behavior

  private final ActorContext<Command> ctx;
  private final String symbol;
  private final BookSettings settings;
  private final BookSettings.Resolution resolution;
  /** Scratch buffers; only touched on the actor's thread and cleared before each use. */
  private final BookEvents out = new BookEvents(256);
  private final BookEvents replay = new BookEvents(256);
  /** The node's halt state; read on every command, so a book started during a halt is halted. */
  private final MarketGate marketGate;
  private final BookTopics topics;
  /** The newest {@link MarketHalt} this incarnation was sent (in memory only), or null. */
  private MarketGate.Halt told;

  private OrderBook(ActorContext<Command> ctx, String symbol, BookSettings settings) {
    super(persistenceId(symbol), SupervisorStrategy.restartWithBackoff(
        settings.minBackoff(), settings.maxBackoff(), settings.randomFactor()));
    this.ctx = ctx;
    this.symbol = symbol;
    this.settings = settings;
    this.resolution = settings.rulesFor(symbol);
    this.marketGate = MarketGate.get(ctx.getSystem());
    this.topics = BookTopics.get(ctx.getSystem());
    if (resolution.problem() != null) ctx.getLog().warn("order book {}: {}", symbol, resolution.problem());
  }

  @Override
  public State emptyState() {
    return State.empty(resolution);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), settings.keepSnapshots());
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), s -> {
          if (s.book != null && resolution.rules() != null && !resolution.rules().equals(s.rules)) {
            ctx.getLog().warn("order book {}: the journal's rules {} differ from the configured {}; "
                + "the journal's apply until the book is reset", symbol, s.rules, resolution.rules());
          }
          ctx.getLog().debug("order book {} recovered: seq {}, {} remembered orders, hash {}",
              symbol, s.seq, s.memory.size(), s.stateHash());
        })
        .onSignal(RecoveryFailed.class, (s, f) ->
            ctx.getLog().error("order book {} failed to recover", symbol, f.getFailure()))
        .build();
  }

  // ---------------------------------------------------------------- commands

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(PlaceOrder.class, (s, c) -> guarded(c.replyTo(), c.orderId(), c,
            () -> onPlace(s, c)))
        .onCommand(CancelOrder.class, (s, c) -> guarded(c.replyTo(), c.orderId(), c,
            () -> onCancel(s, c)))
        .onCommand(ModifyOrder.class, (s, c) -> guarded(c.replyTo(), c.orderId(), c,
            () -> onModify(s, c)))
        .onCommand(SetPhase.class, (s, c) -> guarded(c.replyTo(), 0, c, () -> onSetPhase(s, c)))
        .onCommand(Clock.class, (s, c) -> guarded(c.replyTo(), 0, c, () -> onClock(s, c)))
        .onCommand(GetDepth.class, this::onGetDepth)
        .onCommand(GetOrder.class, this::onGetOrder)
        .onCommand(MarketHalt.class, this::onMarketHalt)
        .onCommand(CancelAllOf.class, (s, c) -> guarded(c.replyTo(), 0, c, () -> onCancelAll(s, c)))
        .onCommand(BustTrade.class, (s, c) -> guarded(c.replyTo(), 0, c, () -> onBust(s, c)))
        .onCommand(GetMarketData.class, this::onGetMarketData)
        .build();
  }

  /**
   * Runs a command that may change the book. If the book throws (a bug on this input), the core
   * may be half-way through the command, so the book stops and recovers from its journal (the
   * listed-books waker or the next command restarts it); the command is rejected, not retried.
   */
  private ReplyEffect<Event, State> guarded(ActorRef<Response> replyTo, long id, Command c,
      java.util.function.Supplier<ReplyEffect<Event, State>> handler) {
    try {
      return handler.get();
    } catch (RuntimeException e) {
      ctx.getLog().error("order book {} failed on {}; rejecting it and restarting from the journal",
          symbol, c, e);
      // Told before stopping: a reply side effect after stop() would never run.
      if (replyTo != null) {
        replyTo.tell(new Rejected(id, Reject.INTERNAL_ERROR,
            Reject.INTERNAL_ERROR.reason() + " (" + e + ")"));
      }
      return Effect().stop().thenNoReply();
    }
  }

  private ReplyEffect<Event, State> onPlace(State s, PlaceOrder c) {
    if (c.replyTo() == null) return noReplyTo(c);
    if (settings.crashOnQuantity() > 0 && c.qty() == settings.crashOnQuantity()) {
      throw new IllegalStateException("injected matching-engine fault on quantity " + c.qty()
          + " (kabuto.book.fault.crash-on-quantity)");
    }
    long id = c.orderId();
    String bad = c.orderId() <= 0 ? "order id must be positive"
        : c.participant() < 0 ? "participant must be >= 0"
        : c.side() == null ? "side is required"
        : c.type() == null ? "order type is required"
        : c.tif() == null ? "time in force is required"
        : c.stp() == null ? "self-trade prevention is required (NONE to allow self trades)"
        : c.time() < 0 ? "time must be >= 0"
        : null;
    if (bad != null) return reject(c.replyTo(), id, c.orderId() <= 0 ? Reject.INVALID_ORDER_ID : MALFORMED, bad);
    if (c.qty() <= 0) return reject(c.replyTo(), id, Reject.INVALID_QUANTITY, "quantity must be positive");
    if (c.price() < 0) return reject(c.replyTo(), id, Reject.INVALID_PRICE, "price must be >= 0");
    if (s.rules == null) return reject(c.replyTo(), id, NO_BOOK, s.problem);

    OrderMemory.Remembered known = s.memory.get(id);
    if (known != null) {
      if (known.sameOrder(c)) return Effect().reply(c.replyTo(), s.firstAnswer(id));
      return reject(c.replyTo(), id, Reject.DUPLICATE_ORDER_ID, "order id " + id
          + " was already used today for a different order (" + known.accepted().describe() + ")");
    }
    String halt = haltedBecause();
    if (halt != null) return reject(c.replyTo(), id, Reject.MARKET_HALTED, halt);
    LimitOrderBook book = working(s);
    out.clear();
    Reject r = book.place(c.time(), id, c.participant(), c.side(), c.type(), c.tif(), c.price(),
        c.qty(), c.stp(), out);
    if (r != Reject.NONE) return persistThenReply(s, c.replyTo(), NO_ORDER, st -> rejected(id, r));
    return persistThenReply(s, c.replyTo(), id, st -> st.firstAnswer(id));
  }

  private ReplyEffect<Event, State> onCancel(State s, CancelOrder c) {
    if (c.replyTo() == null) return noReplyTo(c);
    long id = c.orderId();
    ReplyEffect<Event, State> bad = checkOrderRequest(c.replyTo(), id, c.participant(), c.time());
    if (bad != null) return bad;
    if (s.rules == null) return reject(c.replyTo(), id, NO_BOOK, s.problem);
    String halt = haltedBecause();
    if (halt != null && s.book != null && s.book.specialQuoteShown() && s.book.phase() == Phase.CONTINUOUS) {
      // under a special quote a cancel may rebalance the book and trade by itayose
      return reject(c.replyTo(), id, Reject.MARKET_HALTED, halt + "; this book shows a special "
          + "quote, where a cancel could trigger an itayose: cancel after the resume");
    }
    LimitOrderBook book = working(s);
    out.clear();
    Reject r = book.cancel(c.time(), id, c.participant(), out);
    return orderReply(s, c.replyTo(), id, r);
  }

  /** The checks cancel and modify share; null when the request is well formed. */
  private ReplyEffect<Event, State> checkOrderRequest(ActorRef<Response> replyTo, long id,
      int participant, long time) {
    if (id <= 0) return reject(replyTo, id, Reject.INVALID_ORDER_ID, "order id must be positive");
    if (participant < LimitOrderBook.ANY_PARTICIPANT) {
      return reject(replyTo, id, MALFORMED, "participant must be >= 0 (or -1 for an operator)");
    }
    if (time < 0) return reject(replyTo, id, MALFORMED, "time must be >= 0");
    return null;
  }

  private ReplyEffect<Event, State> onModify(State s, ModifyOrder c) {
    if (c.replyTo() == null) return noReplyTo(c);
    long id = c.orderId();
    ReplyEffect<Event, State> bad = checkOrderRequest(c.replyTo(), id, c.participant(), c.time());
    if (bad != null) return bad;
    if (c.newQty() <= 0) return reject(c.replyTo(), id, Reject.INVALID_QUANTITY, "new quantity must be positive");
    if (c.newPrice() < 0) return reject(c.replyTo(), id, Reject.INVALID_PRICE, "new price must be >= 0");
    if (s.rules == null) return reject(c.replyTo(), id, NO_BOOK, s.problem);
    String halt = haltedBecause();
    if (halt != null) return reject(c.replyTo(), id, Reject.MARKET_HALTED, halt);
    LimitOrderBook book = working(s);
    out.clear();
    Reject r = book.modify(c.time(), id, c.participant(), c.newPrice(), c.newQty(), out);
    return orderReply(s, c.replyTo(), id, r);
  }

  private ReplyEffect<Event, State> onSetPhase(State s, SetPhase c) {
    if (c.replyTo() == null) return noReplyTo(c);
    if (c.phase() == null) return reject(c.replyTo(), 0, Reject.INVALID_PHASE_CHANGE, "phase is required");
    if (c.time() < 0) return reject(c.replyTo(), 0, MALFORMED, "time must be >= 0");
    if (s.rules == null) return reject(c.replyTo(), 0, NO_BOOK, s.problem);
    String halt = haltedBecause();
    if (halt != null && c.phase() != Phase.HALTED) {
      return reject(c.replyTo(), 0, Reject.MARKET_HALTED, halt + " (only a move to HALTED is allowed)");
    }
    LimitOrderBook book = working(s);
    out.clear();
    Reject r = book.setPhase(c.time(), c.phase(), out);
    if (r != Reject.NONE) {
      Rejected rej = new Rejected(0, r, r.reason() + " (the book is already " + c.phase() + ")");
      return persistThenReply(s, c.replyTo(), NO_ORDER, st -> rej);
    }
    List<EventData> all = data(out);
    return persistThenReply(s, c.replyTo(), NO_ORDER, st -> new Ack(all));
  }

  private ReplyEffect<Event, State> onClock(State s, Clock c) {
    if (c.replyTo() == null) return noReplyTo(c);
    if (c.time() < 0) return reject(c.replyTo(), 0, MALFORMED, "time must be >= 0");
    if (s.rules == null) return reject(c.replyTo(), 0, NO_BOOK, s.problem);
    String halt = haltedBecause();
    if (halt != null) return reject(c.replyTo(), 0, Reject.MARKET_HALTED, halt + " (a tick could step a special quote and trade)");
    LimitOrderBook book = working(s);
    out.clear();
    book.onClock(c.time(), out);
    List<EventData> all = data(out);
    return persistThenReply(s, c.replyTo(), NO_ORDER, st -> new Ack(all));
  }

  private ReplyEffect<Event, State> onMarketHalt(State s, MarketHalt c) {
    String before = haltedBecause();
    if (told == null || c.generation() >= told.generation()) {
      told = new MarketGate.Halt(c.generation(), c.halted(), c.reason());
    }
    String after = haltedBecause();
    if ((before == null) != (after == null) && s.rules != null) {
      // Not persisted (a halt must work without storage), so not in the sequence: a notice.
      Phase phase = s.book != null ? s.book.phase() : s.memory.dayPhase();
      MarketDataMessage notice = new MarketDataMessage(symbol, 0, MarketDataMessage.Kind.STATUS,
          0, s.seq, 0, 0, 0, null, 0, 0, 0, 0, phase, after != null,
          after != null ? after : "trading resumed");
      topics.marketData(symbol).tell(Topic.publish(notice));
    }
    if (c.replyTo() == null) return Effect().noReply();
    return Effect().reply(c.replyTo(), new Ack(List.of()));
  }

  private ReplyEffect<Event, State> onCancelAll(State s, CancelAllOf c) {
    if (c.replyTo() == null) return noReplyTo(c);
    if (c.participant() < 0) return reject(c.replyTo(), 0, MALFORMED, "participant must be >= 0");
    if (c.time() < 0) return reject(c.replyTo(), 0, MALFORMED, "time must be >= 0");
    if (s.rules == null) return reject(c.replyTo(), 0, NO_BOOK, s.problem);
    if (s.book == null) return Effect().reply(c.replyTo(), new Ack(List.of())); // nothing placed yet
    String halt = haltedBecause();
    if (halt != null && s.book.specialQuoteShown() && s.book.phase() == Phase.CONTINUOUS) {
      // the same rule as a single cancel: under a special quote it could trade by itayose
      return reject(c.replyTo(), 0, Reject.MARKET_HALTED, halt + "; this book shows a special "
          + "quote, where a cancel could trigger an itayose: cancel after the resume");
    }
    out.clear();
    for (long id : s.book.ordersOf(c.participant())) {
      Reject r = s.book.cancel(c.time(), id, c.participant(), out);
      // UNKNOWN_ORDER: an earlier cancel's itayose (special quote) filled it; its trade is in out
      if (r != Reject.NONE && r != Reject.UNKNOWN_ORDER) {
        throw new IllegalStateException("cancel of live order " + id + " refused: " + r);
      }
    }
    List<EventData> all = data(out);
    return persistThenReply(s, c.replyTo(), NO_ORDER, st -> new Ack(all));
  }

  private ReplyEffect<Event, State> onBust(State s, BustTrade c) {
    if (c.replyTo() == null) return noReplyTo(c);
    if (c.tradeId() <= 0) return reject(c.replyTo(), 0, MALFORMED, "trade id must be positive");
    if (c.reason() == null || c.reason().isBlank()) {
      return reject(c.replyTo(), 0, MALFORMED, "a bust needs a reason (it is published with the bust)");
    }
    if (c.time() < 0) return reject(c.replyTo(), 0, MALFORMED, "time must be >= 0");
    if (s.rules == null) return reject(c.replyTo(), 0, NO_BOOK, s.problem);
    EventData t = s.memory.trade(c.tradeId());
    if (t == null) {
      return reject(c.replyTo(), 0, Reject.UNKNOWN_TRADE, "no trade " + c.tradeId() + " in " + symbol
          + " today (trades of earlier days cannot be busted)");
    }
    if (s.memory.isBusted(c.tradeId())) {
      return reject(c.replyTo(), 0, Reject.UNKNOWN_TRADE, "trade " + c.tradeId() + " in " + symbol
          + " was already busted");
    }
    s.bookSeq = s.seq + 1; // same bookkeeping as an Applied: the event handler checks it
    Busted b = new Busted(s.bookSeq, c.tradeId(), c.reason(), c.time());
    Ack ack = new Ack(List.of(t));
    return Effect().persist(b).thenRun(st -> {
      publishMarketData(st);
      topics.executions(t.participant()).tell(Topic.publish(new BookTopics.OwnExecution(symbol,
          b.seq(), 0, t.orderId(), t.participant(), t, b.reason())));
      topics.executions(t.otherParticipant()).tell(Topic.publish(new BookTopics.OwnExecution(symbol,
          b.seq(), 0, t.otherOrderId(), t.otherParticipant(), t, b.reason())));
    }).thenReply(c.replyTo(), st -> ack);
  }

  private ReplyEffect<Event, State> onGetMarketData(State s, GetMarketData c) {
    if (c.replyTo() == null) return noReplyTo(c);
    if (c.fromSeq() < 1) return reject(c.replyTo(), 0, MALFORMED, "fromSeq must be >= 1");
    if (c.max() < 1) return reject(c.replyTo(), 0, MALFORMED, "max must be >= 1");
    if (s.rules == null) return reject(c.replyTo(), 0, NO_BOOK, s.problem);
    MarketDataRing r = s.feed.ring();
    return Effect().reply(c.replyTo(), new MarketDataPage(symbol, r.firstRetained(), r.lastSeq(),
        List.copyOf(r.page(c.fromSeq(), Math.min(c.max(), MAX_MARKET_DATA_PAGE)))));
  }

  /** Why this book is halted now, or null if it is not (see {@link MarketHalt}). */
  private String haltedBecause() {
    MarketGate.Halt h = marketGate.newest(symbol, told);
    return h.halted() ? h.reason() : null;
  }

  private ReplyEffect<Event, State> onGetDepth(State s, GetDepth c) {
    if (c.replyTo() == null) return noReplyTo(c);
    if (c.levels() < 0) return reject(c.replyTo(), 0, MALFORMED, "levels must be >= 0");
    LimitOrderBook b = s.readBook();
    if (b == null) return reject(c.replyTo(), 0, NO_BOOK, s.problem);
    int n = Math.min(c.levels(), MAX_DEPTH_LEVELS);
    return Effect().reply(c.replyTo(), new Depth(symbol, levels(b, Side.BUY, n), levels(b, Side.SELL, n),
        b.marketQuantity(Side.BUY), b.marketQuantity(Side.SELL), b.lastPrice(), b.phase(),
        b.specialQuoteShown(), b.specialQuoteSide(), b.specialQuotePrice(), b.volume(),
        b.tradeCount(), b.orderCount(), b.stateHash(), s.seq));
  }

  private ReplyEffect<Event, State> onGetOrder(State s, GetOrder c) {
    if (c.replyTo() == null) return noReplyTo(c);
    long id = c.orderId();
    OrderMemory.Remembered r = s.memory.get(id);
    LimitOrderBook b = s.book;
    OrderStatus status;
    if (r != null) {
      EventData a = r.accepted();
      long leaves = b != null && r.state == OrderState.LIVE ? b.leavesOf(id) : 0;
      status = new OrderStatus(id, r.state, a.participant(), a.sideValue(), OrderType.values()[a.orderType()],
          TimeInForce.values()[a.tif()], r.price, r.qty, r.filled, leaves,
          r.cancelCode < 0 ? null : CancelReason.values()[r.cancelCode]);
    } else if (b != null && b.isLive(id)) {
      // live but not remembered: cannot happen while the memory covers the trading day
      status = new OrderStatus(id, OrderState.LIVE, b.ownerOf(id), null, null, null, b.priceOf(id), 0, 0,
          b.leavesOf(id), null);
    } else {
      status = new OrderStatus(id, OrderState.UNKNOWN, -1, null, null, null, 0, 0, 0, 0, null);
    }
    return Effect().reply(c.replyTo(), status);
  }

  // ---------------------------------------------------------------- command helpers

  /**
   * The book a command runs the core on: the live book, or, while the state is the empty
   * sentinel, a fresh scratch book (the event handler then rebuilds it from the events).
   */
  private static LimitOrderBook working(State s) {
    return s.book != null ? s.book : new LimitOrderBook(s.rules);
  }

  private ReplyEffect<Event, State> orderReply(State s, ActorRef<Response> replyTo, long id, Reject r) {
    if (r != Reject.NONE) return persistThenReply(s, replyTo, NO_ORDER, st -> rejected(id, r));
    List<EventData> mine = new ArrayList<>();
    for (EventData e : data(out)) if (e.concerns(id)) mine.add(e);
    Accepted reply = new Accepted(id, List.copyOf(mine));
    return persistThenReply(s, replyTo, id, st -> reply);
  }

  /** {@code replyOrderId} of a command whose reply carries no order's events. */
  private static final long NO_ORDER = 0;

  /**
   * Persists what the core wrote into {@link #out} (if anything) and replies after the write.
   * The core has already applied it to {@code s.book} unless the state is the empty sentinel.
   * After the write, publishes the market data and every event not about {@code replyOrderId}
   * (the order whose events the reply carries, or {@link #NO_ORDER}) to its owner.
   */
  private ReplyEffect<Event, State> persistThenReply(State s, ActorRef<Response> replyTo,
      long replyOrderId, Function<State, Response> reply) {
    if (out.size() == 0) return Effect().reply(replyTo, reply.apply(s));
    List<EventData> events = data(out);
    if (s.book == null) {
      return Effect().persist(List.of(new Opened(s.rules), new Applied(1, events)))
          .thenRun(st -> published(st, 1, events, replyOrderId))
          .thenReply(replyTo, reply::apply);
    }
    long seq = s.bookSeq = s.seq + 1; // the core has applied it: the event handler must not apply it again
    return Effect().persist(new Applied(seq, events))
        .thenRun(st -> published(st, seq, events, replyOrderId))
        .thenReply(replyTo, reply::apply);
  }

  private void published(State st, long seq, List<EventData> events, long replyOrderId) {
    publishMarketData(st);
    for (int i = 0; i < events.size(); i++) {
      EventData e = events.get(i);
      switch (e.type()) {
        case TRADE -> {
          if (e.orderId() != replyOrderId) ownExecution(seq, i, e.orderId(), e.participant(), e);
          if (e.otherOrderId() != replyOrderId) ownExecution(seq, i, e.otherOrderId(), e.otherParticipant(), e);
        }
        case ACCEPTED, RESTED, CANCELLED, REPLACED -> {
          if (e.orderId() != replyOrderId) ownExecution(seq, i, e.orderId(), e.participant(), e);
        }
        case PHASE, SPECIAL_QUOTE -> { } // about the book, not an order: on the feed
      }
    }
  }

  private void ownExecution(long seq, int index, long orderId, int participant, EventData e) {
    topics.executions(participant).tell(Topic.publish(
        new BookTopics.OwnExecution(symbol, seq, index, orderId, participant, e, null)));
  }

  /** Publishes the messages the last handled event produced (after its write). */
  private void publishMarketData(State st) {
    if (st.feed.fresh().isEmpty()) return;
    ActorRef<Topic.Command<MarketDataMessage>> t = topics.marketData(symbol);
    for (MarketDataMessage m : st.feed.fresh()) t.tell(Topic.publish(m));
  }

  private static List<EventData> data(BookEvents b) {
    List<EventData> list = new ArrayList<>(b.size());
    for (int i = 0; i < b.size(); i++) list.add(EventData.of(b, i));
    return List.copyOf(list);
  }

  private static List<Level> levels(LimitOrderBook b, Side side, int n) {
    if (n == 0) return List.of();
    long[] px = new long[n];
    long[] qty = new long[n];
    int k = b.depth(side, px, qty);
    List<Level> list = new ArrayList<>(k);
    for (int i = 0; i < k; i++) list.add(new Level(px[i], qty[i]));
    return List.copyOf(list);
  }

  private static Rejected rejected(long id, Reject r) {
    return new Rejected(id, r, r.reason());
  }

  private ReplyEffect<Event, State> reject(ActorRef<Response> replyTo, long id, Reject code, String reason) {
    return Effect().reply(replyTo, new Rejected(id, code, reason));
  }

  private ReplyEffect<Event, State> noReplyTo(Command c) {
    ctx.getLog().warn("order book {}: dropped {} without replyTo", symbol, c.getClass().getSimpleName());
    return Effect().noReply();
  }

  // ---------------------------------------------------------------- events

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Opened.class, this::onOpened)
        .onEvent(Applied.class, this::onApplied)
        .onEvent(Busted.class, this::onBusted)
        .build();
  }

  private State onOpened(State s, Opened e) {
    if (s.book != null) throw new IllegalStateException("order book " + symbol + " opened twice");
    return State.opened(e.rules(), settings.marketDataRetain());
  }

  private State onBusted(State s, Busted e) {
    if (s.book == null) throw new IllegalStateException("order book " + symbol + ": Busted before Opened");
    boolean live = e.seq() == s.bookSeq && s.bookSeq == s.seq + 1;
    boolean recovery = s.bookSeq == s.seq && e.seq() == s.seq + 1;
    if (!live && !recovery) {
      throw new IllegalStateException("order book " + symbol + ": bust seq " + e.seq()
          + " does not follow seq " + s.seq + " (book at " + s.bookSeq + ")");
    }
    s.seq = e.seq();
    s.bookSeq = e.seq();
    EventData t = s.memory.bust(symbol, e);
    s.feed.bust(symbol, e, t);
    return s;
  }

  private State onApplied(State s, Applied e) {
    if (s.book == null) throw new IllegalStateException("order book " + symbol + ": Applied before Opened");
    if (e.seq() == s.bookSeq && s.bookSeq == s.seq + 1) {
      // live path: the command handler's core call already applied these events
    } else if (s.bookSeq == s.seq && e.seq() == s.seq + 1) {
      // recovery (and a new book's first command): apply them to the book
      replay.clear();
      for (EventData d : e.events()) d.appendTo(replay);
      s.book.apply(replay);
    } else {
      throw new IllegalStateException("order book " + symbol + ": event seq " + e.seq()
          + " does not follow seq " + s.seq + " (book at " + s.bookSeq + ")");
    }
    s.seq = e.seq();
    s.bookSeq = e.seq();
    s.memory.remember(e.events());
    s.feed.derive(symbol, e.seq(), e.events());
    return s;
  }

  // ---------------------------------------------------------------- snapshots

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new BookSnapshots(resolution, settings.marketDataRetain());
  }

  /** The snapshot record of a state (see {@link BookSnapshots#snapshotOf}). */
  static Snapshot snapshotOf(State s) {
    return BookSnapshots.snapshotOf(s);
  }

  /** The state a snapshot describes, keeping the default 10000 market-data messages. */
  static State stateOf(Snapshot snap, BookSettings.Resolution ifEmpty) {
    return BookSnapshots.stateOf(snap, ifEmpty, 10_000);
  }

  /** The state a snapshot describes (see {@link BookSnapshots#stateOf}). */
  static State stateOf(Snapshot snap, BookSettings.Resolution ifEmpty, int retain) {
    return BookSnapshots.stateOf(snap, ifEmpty, retain);
  }
}
