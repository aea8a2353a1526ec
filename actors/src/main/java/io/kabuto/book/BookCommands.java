package io.kabuto.book;

import static io.kabuto.book.OrderBook.MALFORMED;
import static io.kabuto.book.OrderBook.MAX_DEPTH_LEVELS;
import static io.kabuto.book.OrderBook.MAX_MARKET_DATA_PAGE;
import static io.kabuto.book.OrderBook.NO_BOOK;

import io.kabuto.book.OrderBook.Accepted;
import io.kabuto.book.OrderBook.Ack;
import io.kabuto.book.OrderBook.Applied;
import io.kabuto.book.OrderBook.BustTrade;
import io.kabuto.book.OrderBook.Busted;
import io.kabuto.book.OrderBook.CancelAllOf;
import io.kabuto.book.OrderBook.CancelOrder;
import io.kabuto.book.OrderBook.Clock;
import io.kabuto.book.OrderBook.Command;
import io.kabuto.book.OrderBook.Depth;
import io.kabuto.book.OrderBook.Event;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.GetDepth;
import io.kabuto.book.OrderBook.GetMarketData;
import io.kabuto.book.OrderBook.GetOrder;
import io.kabuto.book.OrderBook.Level;
import io.kabuto.book.OrderBook.MarketDataPage;
import io.kabuto.book.OrderBook.MarketHalt;
import io.kabuto.book.OrderBook.ModifyOrder;
import io.kabuto.book.OrderBook.Opened;
import io.kabuto.book.OrderBook.OrderState;
import io.kabuto.book.OrderBook.OrderStatus;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.Rejected;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.book.OrderBook.SetPhase;
import io.kabuto.book.OrderBook.State;
import io.kabuto.market.MarketGate;
import io.kabuto.marketdata.MarketDataMessage;
import io.kabuto.marketdata.MarketDataRing;
import io.kabuto.matching.BookEvents;
import io.kabuto.matching.CancelReason;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Reject;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * An order book's command handlers ({@link OrderBook#commandHandler()} routes each command here):
 * the checks every request gets, running the matching core on the live book, persisting what it
 * did and replying after the write (see "Live path vs replay", "Replies" and "Persist failure"
 * in {@link OrderBook}), plus the read-only queries and the in-memory halt gate.
 */
final class BookCommands {
  private final ActorContext<Command> ctx;
  private final String symbol;
  private final BookSettings settings;
  private final EffectFactories<Event, State> effects;
  /** The node's halt state; read on every command, so a book started during a halt is halted. */
  private final MarketGate marketGate;
  private final BookPublisher publisher;
  /** Scratch buffer the core writes into; only touched on the actor's thread, cleared before each use. */
  private final BookEvents out = new BookEvents(256);
  /** The newest {@link MarketHalt} this incarnation was sent (in memory only), or null. */
  private MarketGate.Halt told;

  BookCommands(ActorContext<Command> ctx, String symbol, BookSettings settings,
      EffectFactories<Event, State> effects, MarketGate marketGate, BookPublisher publisher) {
    this.ctx = ctx;
    this.symbol = symbol;
    this.settings = settings;
    this.effects = effects;
    this.marketGate = marketGate;
    this.publisher = publisher;
  }

  /**
   * Runs a command that may change the book. If the book throws (a bug on this input), the core
   * may be half-way through the command, so the book stops and recovers from its journal (the
   * listed-books waker or the next command restarts it); the command is rejected, not retried.
   */
  ReplyEffect<Event, State> guarded(ActorRef<Response> replyTo, long id, Command c,
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
      return effects.stop().thenNoReply();
    }
  }

  ReplyEffect<Event, State> onPlace(State s, PlaceOrder c) {
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
      if (known.sameOrder(c)) return effects.reply(c.replyTo(), s.firstAnswer(id));
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

  ReplyEffect<Event, State> onCancel(State s, CancelOrder c) {
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

  ReplyEffect<Event, State> onModify(State s, ModifyOrder c) {
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

  ReplyEffect<Event, State> onSetPhase(State s, SetPhase c) {
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

  ReplyEffect<Event, State> onClock(State s, Clock c) {
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

  ReplyEffect<Event, State> onMarketHalt(State s, MarketHalt c) {
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
      publisher.notice(notice);
    }
    if (c.replyTo() == null) return effects.noReply();
    return effects.reply(c.replyTo(), new Ack(List.of()));
  }

  ReplyEffect<Event, State> onCancelAll(State s, CancelAllOf c) {
    if (c.replyTo() == null) return noReplyTo(c);
    if (c.participant() < 0) return reject(c.replyTo(), 0, MALFORMED, "participant must be >= 0");
    if (c.time() < 0) return reject(c.replyTo(), 0, MALFORMED, "time must be >= 0");
    if (s.rules == null) return reject(c.replyTo(), 0, NO_BOOK, s.problem);
    if (s.book == null) return effects.reply(c.replyTo(), new Ack(List.of())); // nothing placed yet
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

  ReplyEffect<Event, State> onBust(State s, BustTrade c) {
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
    return effects.persist(b).thenRun(st -> publisher.busted(st, b, t)).thenReply(c.replyTo(), st -> ack);
  }

  ReplyEffect<Event, State> onGetMarketData(State s, GetMarketData c) {
    if (c.replyTo() == null) return noReplyTo(c);
    if (c.fromSeq() < 1) return reject(c.replyTo(), 0, MALFORMED, "fromSeq must be >= 1");
    if (c.max() < 1) return reject(c.replyTo(), 0, MALFORMED, "max must be >= 1");
    if (s.rules == null) return reject(c.replyTo(), 0, NO_BOOK, s.problem);
    MarketDataRing r = s.feed.ring();
    return effects.reply(c.replyTo(), new MarketDataPage(symbol, r.firstRetained(), r.lastSeq(),
        List.copyOf(r.page(c.fromSeq(), Math.min(c.max(), MAX_MARKET_DATA_PAGE)))));
  }

  /** Why this book is halted now, or null if it is not (see {@link MarketHalt}). */
  private String haltedBecause() {
    MarketGate.Halt h = marketGate.newest(symbol, told);
    return h.halted() ? h.reason() : null;
  }

  ReplyEffect<Event, State> onGetDepth(State s, GetDepth c) {
    if (c.replyTo() == null) return noReplyTo(c);
    if (c.levels() < 0) return reject(c.replyTo(), 0, MALFORMED, "levels must be >= 0");
    LimitOrderBook b = s.readBook();
    if (b == null) return reject(c.replyTo(), 0, NO_BOOK, s.problem);
    int n = Math.min(c.levels(), MAX_DEPTH_LEVELS);
    return effects.reply(c.replyTo(), new Depth(symbol, levels(b, Side.BUY, n), levels(b, Side.SELL, n),
        b.marketQuantity(Side.BUY), b.marketQuantity(Side.SELL), b.lastPrice(), b.phase(),
        b.specialQuoteShown(), b.specialQuoteSide(), b.specialQuotePrice(), b.volume(),
        b.tradeCount(), b.orderCount(), b.stateHash(), s.seq));
  }

  ReplyEffect<Event, State> onGetOrder(State s, GetOrder c) {
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
    return effects.reply(c.replyTo(), status);
  }

  // ---------------------------------------------------------------- helpers

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
    if (out.size() == 0) return effects.reply(replyTo, reply.apply(s));
    List<EventData> events = data(out);
    if (s.book == null) {
      return effects.persist(List.of(new Opened(s.rules), new Applied(1, events)))
          .thenRun(st -> publisher.applied(st, 1, events, replyOrderId))
          .thenReply(replyTo, reply::apply);
    }
    long seq = s.bookSeq = s.seq + 1; // the core has applied it: the event handler must not apply it again
    return effects.persist(new Applied(seq, events))
        .thenRun(st -> publisher.applied(st, seq, events, replyOrderId))
        .thenReply(replyTo, reply::apply);
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
    return effects.reply(replyTo, new Rejected(id, code, reason));
  }

  private ReplyEffect<Event, State> noReplyTo(Command c) {
    ctx.getLog().warn("order book {}: dropped {} without replyTo", symbol, c.getClass().getSimpleName());
    return effects.noReply();
  }
}
