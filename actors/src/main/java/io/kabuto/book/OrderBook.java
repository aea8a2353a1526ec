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
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
 * <p>This class holds the protocol, the {@link State}, sharding and the handler tables. The command
 * handlers are {@link BookCommands} (with {@link OrderCommands}) and {@link BookQueries}, the
 * event handler {@link BookEventHandler}, the day's memory of orders and trades
 * {@link OrderMemory}, the market-data feed {@link BookFeed}, what is published after a write
 * {@link BookPublisher}, and the snapshot mapping {@link BookSnapshots}.
 *
 * <p>How the parts work together (live path vs replay, batched writes, persist failures,
 * idempotent order ids, market data, unsolicited executions, busts) is in the package
 * documentation ({@code package-info.java}).
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
      CancelAllOf, BustTrade, GetMarketData, Batch, CatchUp, OrderBatch {}

  /** True for the commands that may change the book, i.e. that write to the journal. */
  static boolean writes(Command c) {
    return c instanceof PlaceOrder || c instanceof CancelOrder || c instanceof ModifyOrder
        || c instanceof SetPhase || c instanceof Clock || c instanceof CancelAllOf || c instanceof BustTrade;
  }

  /**
   * The commands of one journal write, from the book's {@link BookFront} (never sent between
   * nodes: the front and its book are one entity). Every command {@link #writes}; no two
   * PlaceOrders share an order id and a SetPhase, Clock or BustTrade is alone (the memory those
   * read is only updated after the write: see "Batched writes" in the package documentation).
   */
  record Batch(long number, List<Command> commands) implements Command {
    Batch {
      commands = List.copyOf(commands);
      for (Command c : commands) {
        if (!writes(c)) throw new IllegalArgumentException("a batch carries only writes, not " + c);
      }
    }
  }

  /**
   * Orders, cancels and replaces of one gateway node for this book, sent as one message and
   * answered with one {@link BatchAnswer} (the gateway's {@code BookLink}): the order path's
   * remote messages are per batch, not per order. Each command is carried out as if sent alone,
   * in order (its {@code replyTo} is ignored); {@code answers} holds each one's answer at the
   * same index.
   */
  public record OrderBatch(long id, List<Command> commands, ActorRef<BatchAnswer> replyTo)
      implements Command {
    public OrderBatch {
      commands = List.copyOf(commands);
      for (Command c : commands) {
        if (!(c instanceof PlaceOrder || c instanceof CancelOrder || c instanceof ModifyOrder)) {
          throw new IllegalArgumentException("an order batch carries orders, cancels and "
              + "replaces, not " + c.getClass().getSimpleName());
        }
      }
    }
  }

  /**
   * The answers to {@link OrderBatch} {@code id}, in command order; null where a command got no
   * answer in time (its write was lost or the book is failing over): resend it, its ids make
   * that safe.
   */
  public record BatchAnswer(long id, List<Response> answers) implements CborSerializable {}

  /** {@code c} (an order, cancel or replace) answered to {@code replyTo} instead. */
  public static Command withReplyTo(Command c, ActorRef<Response> replyTo) {
    if (c instanceof PlaceOrder p) {
      return new PlaceOrder(p.orderId(), p.participant(), p.side(), p.type(), p.tif(), p.price(),
          p.qty(), p.stp(), p.time(), replyTo);
    }
    if (c instanceof CancelOrder x) {
      return new CancelOrder(x.orderId(), x.participant(), x.time(), replyTo);
    }
    if (c instanceof ModifyOrder m) {
      return new ModifyOrder(m.orderId(), m.participant(), m.newPrice(), m.newQty(), m.time(),
          replyTo);
    }
    throw new IllegalArgumentException("not an order, cancel or replace: " + c);
  }

  /**
   * A new order. Answered with {@link Accepted} (ACCEPTED, then its trades / RESTED / CANCELLED)
   * or {@link Rejected}. Re-sending it answers the first answer again (see "Idempotent order ids" in the package
   * documentation).
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

  /**
   * From the book's {@link BookFront} (never between nodes): another incarnation published feed
   * sequence {@code seenSeq}, beyond this one's; the book restarts in place and recovers from the
   * journal (keeping its mailbox), so that it stops answering from an older history.
   */
  public record CatchUp(long seenSeq) implements Command {}

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
   * (the core's events are not, and cannot be, undone: see "Persist failure" in the package
   * documentation).
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
   * is the immutable empty state: see "Persist failure" in the package documentation for why
   * it must never change.
   */
  public static final class State {
    final BookRules rules;
    final String problem;
    final LimitOrderBook book;
    /** {@link Applied} events the event handler has handled. */
    long seq;
    /**
     * {@link Applied} and {@link Busted} events the book reflects: seq, or up to seq + n while a
     * live write of n events persists (the core ran first).
     */
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
        Entity.of(ENTITY_TYPE_KEY, ctx -> LegacyPrimaries.shardedEntity(system, ctx.getEntityId())).withRole(ROLE)
            // no automatic moves of books once the cluster has settled (issue 13): BookAllocation
            .withAllocationStrategy(BookAllocation.of(system));
    if (system.settings().config().hasPath(DISPATCHER_PATH)) {
      entity = entity.withEntityProps(DispatcherSelector.fromConfig(DISPATCHER_PATH));
    }
    return ClusterSharding.get(system).init(entity);
  }

  /**
   * The journaled book of {@code symbol} alone, settings from the actor system's config: every
   * write command is written on its own. The sharded entity is its {@link BookFront}, which
   * batches writes; this is for tests and tools that drive one book directly.
   */
  public static Behavior<Command> create(String symbol) {
    return Behaviors.setup(ctx ->
        new OrderBook(ctx, symbol, BookSettings.fromConfig(ctx.getSystem().settings().config()), null, 0));
  }

  /**
   * The book of {@code symbol} as the sharded entity runs it: behind its {@link BookFront}, which
   * batches writes (benchmarks and tests that compare {@code max-batch} settings).
   */
  public static Behavior<Command> createBatching(String symbol, BookSettings settings) {
    return BookFront.create(symbol, settings);
  }

  /** {@link #create(String)} with explicit settings (tests). */
  public static Behavior<Command> create(String symbol, BookSettings settings) {
    return Behaviors.setup(ctx -> new OrderBook(ctx, symbol, settings, null, 0));
  }

  /** The journaled book behind a {@link BookFront}, which it tells when recovered and written. */
  static Behavior<Command> create(String symbol, BookSettings settings, ActorRef<BookFront.Note> front,
      int incarnation) {
    return Behaviors.setup(ctx -> new OrderBook(ctx, symbol, settings, front, incarnation));
  }

  public static PersistenceId persistenceId(String symbol) {
    return PersistenceId.of(ENTITY_TYPE_KEY.name(), symbol);
  }

  // ================================================================ behavior

  private final ActorContext<Command> ctx;
  private final String symbol;
  private final BookSettings settings;
  private final BookSettings.Resolution resolution;
  private final BookCommands commands;
  private final BookQueries queries;
  private final BookEventHandler events;
  /** The front batching this book's writes, or null; told when recovery completes. */
  private final ActorRef<BookFront.Note> front;
  private final int incarnation;

  private OrderBook(ActorContext<Command> ctx, String symbol, BookSettings settings,
      ActorRef<BookFront.Note> front, int incarnation) {
    super(persistenceId(symbol), SupervisorStrategy.restartWithBackoff(
        settings.minBackoff(), settings.maxBackoff(), settings.randomFactor()));
    this.ctx = ctx;
    this.symbol = symbol;
    this.settings = settings;
    this.resolution = settings.rulesFor(symbol);
    this.front = front;
    this.incarnation = incarnation;
    this.commands = new BookCommands(ctx, symbol, settings, Effect(), MarketGate.get(ctx.getSystem()),
        new BookPublisher(symbol, BookTopics.get(ctx.getSystem())), front, incarnation);
    this.queries = new BookQueries(symbol, commands, Effect());
    this.events = new BookEventHandler(symbol, settings.marketDataRetain());
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
          // also after a failed write's restart: the front's write in flight is then lost
          if (front != null) front.tell(new BookFront.Recovered(incarnation, s.feed.ring().lastSeq()));
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
        .onCommand(PlaceOrder.class, this::writeAlone)
        .onCommand(CancelOrder.class, this::writeAlone)
        .onCommand(ModifyOrder.class, this::writeAlone)
        .onCommand(SetPhase.class, this::writeAlone)
        .onCommand(Clock.class, this::writeAlone)
        .onCommand(CancelAllOf.class, this::writeAlone)
        .onCommand(BustTrade.class, this::writeAlone)
        .onCommand(Batch.class, (s, b) -> commands.write(s, b.commands(), b.number()))
        .onCommand(GetDepth.class, queries::onGetDepth)
        .onCommand(GetOrder.class, queries::onGetOrder)
        .onCommand(MarketHalt.class, commands::onMarketHalt)
        .onCommand(GetMarketData.class, queries::onGetMarketData)
        .onCommand(CatchUp.class, (s, c) -> {
          throw new BookCommands.BookFailure("order book " + symbol + " recovers to catch up with another "
              + "incarnation's feed seq " + c.seenSeq() + " (its own is at " + s.feed.ring().lastSeq() + ")", null);
        })
        .build();
  }

  /** A write command sent to the book directly (no front): a write of its own. */
  private ReplyEffect<Event, State> writeAlone(State s, Command c) {
    return commands.write(s, List.of(c), 0);
  }

  // ---------------------------------------------------------------- events

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Opened.class, events::onOpened)
        .onEvent(Applied.class, events::onApplied)
        .onEvent(Busted.class, events::onBusted)
        .build();
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
