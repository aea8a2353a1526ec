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
  /** The front that batches this book's writes (told when each is done), or null without one. */
  private final ActorRef<BookFront.Note> front;
  private final int incarnation;

  BookCommands(ActorContext<Command> ctx, String symbol, BookSettings settings,
      EffectFactories<Event, State> effects, MarketGate marketGate, BookPublisher publisher,
      ActorRef<BookFront.Note> front, int incarnation) {
    this.ctx = ctx;
    this.symbol = symbol;
    this.settings = settings;
    this.effects = effects;
    this.marketGate = marketGate;
    this.publisher = publisher;
    this.front = front;
    this.incarnation = incarnation;
  }

  /**
   * Carries out the commands of one journal write ({@code batch} numbers it for the {@link
   * BookFront}, 0 without one) one after the other on the live book and persists all their events
   * in one write; every reply goes out after it (see "Batched writes" in {@link OrderBook}).
   *
   * <p>If the book throws (a bug on this input), the core may be half-way through the write, so
   * no command of it may be acknowledged: every one is rejected (the one that failed with the
   * error; the others as not carried out, to be sent again) and the book fails with a {@link
   * BookFailure}, throwing its state away. Its front restarts it (with backoff) and it recovers
   * from its journal; alone (no front) it stops, and sharding starts it again at the next command.
   * The failing command is rejected, not retried.
   */
  ReplyEffect<Event, State> write(State s, List<Command> batch, long batchNumber) {
    BookBatch b = new BookBatch(s);
    int i = 0;
    try {
      for (; i < batch.size(); i++) carryOut(b, batch.get(i));
    } catch (RuntimeException e) {
      Command failed = batch.get(i);
      ctx.getLog().error("order book {} failed on {}; rejecting the {} command(s) of its write and "
          + "restarting from the journal", symbol, failed, batch.size(), e);
      // Told before stopping: a reply side effect after stop() would never run.
      for (int j = 0; j < batch.size(); j++) {
        Command c = batch.get(j);
        ActorRef<Response> replyTo = replyTo(c);
        if (replyTo == null) continue;
        String why = j == i ? Reject.INTERNAL_ERROR.reason() + " (" + e + ")"
            : "not carried out: another command in the same journal write (" + failed.getClass().getSimpleName()
                + ") made the order book fail, so nothing of that write was kept; send it again";
        replyTo.tell(new Rejected(orderIdOf(c), Reject.INTERNAL_ERROR, why));
      }
      // Thrown, not stop(): restarting in place keeps the commands already in the mailbox.
      throw new BookFailure("order book " + symbol + " failed on " + failed.getClass().getSimpleName()
          + " and restarts from its journal", e);
    }
    return b.effect(effects, publisher, feedSeq -> {
      if (front != null && batchNumber > 0) front.tell(new BookFront.Written(incarnation, batchNumber, feedSeq));
    });
  }

  /** The book failed on a command; the actor must restart from its journal. */
  static final class BookFailure extends RuntimeException {
    BookFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private void carryOut(BookBatch b, Command c) {
    if (c instanceof PlaceOrder p) onPlace(b, p);
    else if (c instanceof CancelOrder p) onCancel(b, p);
    else if (c instanceof ModifyOrder p) onModify(b, p);
    else if (c instanceof SetPhase p) onSetPhase(b, p);
    else if (c instanceof Clock p) onClock(b, p);
    else if (c instanceof CancelAllOf p) onCancelAll(b, p);
    else if (c instanceof BustTrade p) onBust(b, p);
    else throw new IllegalArgumentException("not a command that writes: " + c);
  }

  /** The order id a command is about (for its rejection), or 0. */
  static long orderIdOf(Command c) {
    if (c instanceof PlaceOrder p) return p.orderId();
    if (c instanceof CancelOrder p) return p.orderId();
    if (c instanceof ModifyOrder p) return p.orderId();
    return 0;
  }

  private static ActorRef<Response> replyTo(Command c) {
    if (c instanceof PlaceOrder p) return p.replyTo();
    if (c instanceof CancelOrder p) return p.replyTo();
    if (c instanceof ModifyOrder p) return p.replyTo();
    if (c instanceof SetPhase p) return p.replyTo();
    if (c instanceof Clock p) return p.replyTo();
    if (c instanceof CancelAllOf p) return p.replyTo();
    if (c instanceof BustTrade p) return p.replyTo();
    return null;
  }

  private void onPlace(BookBatch b, PlaceOrder c) {
    if (c.replyTo() == null) {
      noReplyTo(c);
      return;
    }
    if (settings.crashOnQuantity() > 0 && c.qty() == settings.crashOnQuantity()) {
      throw new IllegalStateException("injected matching-engine fault on quantity " + c.qty()
          + " (kabuto.book.fault.crash-on-quantity)");
    }
    State s = b.state();
    long id = c.orderId();
    String bad = c.orderId() <= 0 ? "order id must be positive"
        : c.participant() < 0 ? "participant must be >= 0"
        : c.side() == null ? "side is required"
        : c.type() == null ? "order type is required"
        : c.tif() == null ? "time in force is required"
        : c.stp() == null ? "self-trade prevention is required (NONE to allow self trades)"
        : c.time() < 0 ? "time must be >= 0"
        : null;
    if (bad != null) {
      b.reply(c.replyTo(), new Rejected(id, c.orderId() <= 0 ? Reject.INVALID_ORDER_ID : MALFORMED, bad));
      return;
    }
    if (c.qty() <= 0) {
      b.reply(c.replyTo(), new Rejected(id, Reject.INVALID_QUANTITY, "quantity must be positive"));
      return;
    }
    if (c.price() < 0) {
      b.reply(c.replyTo(), new Rejected(id, Reject.INVALID_PRICE, "price must be >= 0"));
      return;
    }
    if (s.rules == null) {
      b.reply(c.replyTo(), new Rejected(id, NO_BOOK, s.problem));
      return;
    }
    // The memory is updated by the event handler, i.e. only after this write: the front never
    // puts two PlaceOrders with one id into the same write (see BookFront), so it is current here.
    OrderMemory.Remembered known = s.memory.get(id);
    if (known != null) {
      b.reply(c.replyTo(), known.sameOrder(c) ? s.firstAnswer(id) : new Rejected(id,
          Reject.DUPLICATE_ORDER_ID, "order id " + id + " was already used today for a different order ("
              + known.accepted().describe() + ")"));
      return;
    }
    String halt = haltedBecause();
    if (halt != null) {
      b.reply(c.replyTo(), new Rejected(id, Reject.MARKET_HALTED, halt));
      return;
    }
    out.clear();
    Reject r = b.book().place(c.time(), id, c.participant(), c.side(), c.type(), c.tif(), c.price(),
        c.qty(), c.stp(), out);
    if (r != Reject.NONE) {
      Rejected rej = rejected(id, r);
      b.applied(c.replyTo(), NO_ORDER, data(out), st -> rej);
    } else {
      b.applied(c.replyTo(), id, data(out), st -> st.firstAnswer(id));
    }
  }

  private void onCancel(BookBatch b, CancelOrder c) {
    if (c.replyTo() == null) {
      noReplyTo(c);
      return;
    }
    State s = b.state();
    long id = c.orderId();
    Rejected bad = checkOrderRequest(id, c.participant(), c.time());
    if (bad == null && s.rules == null) bad = new Rejected(id, NO_BOOK, s.problem);
    String halt = bad == null ? haltedBecause() : null;
    LimitOrderBook shown = b.bookIfAny();
    if (halt != null && shown != null && shown.specialQuoteShown() && shown.phase() == Phase.CONTINUOUS) {
      // under a special quote a cancel may rebalance the book and trade by itayose
      bad = new Rejected(id, Reject.MARKET_HALTED, halt + "; this book shows a special "
          + "quote, where a cancel could trigger an itayose: cancel after the resume");
    }
    if (bad != null) {
      b.reply(c.replyTo(), bad);
      return;
    }
    out.clear();
    Reject r = b.book().cancel(c.time(), id, c.participant(), out);
    orderReply(b, c.replyTo(), id, r);
  }

  /** The checks cancel and modify share; null when the request is well formed. */
  private static Rejected checkOrderRequest(long id, int participant, long time) {
    if (id <= 0) return new Rejected(id, Reject.INVALID_ORDER_ID, "order id must be positive");
    if (participant < LimitOrderBook.ANY_PARTICIPANT) {
      return new Rejected(id, MALFORMED, "participant must be >= 0 (or -1 for an operator)");
    }
    if (time < 0) return new Rejected(id, MALFORMED, "time must be >= 0");
    return null;
  }

  private void onModify(BookBatch b, ModifyOrder c) {
    if (c.replyTo() == null) {
      noReplyTo(c);
      return;
    }
    State s = b.state();
    long id = c.orderId();
    Rejected bad = checkOrderRequest(id, c.participant(), c.time());
    if (bad == null && c.newQty() <= 0) bad = new Rejected(id, Reject.INVALID_QUANTITY, "new quantity must be positive");
    if (bad == null && c.newPrice() < 0) bad = new Rejected(id, Reject.INVALID_PRICE, "new price must be >= 0");
    if (bad == null && s.rules == null) bad = new Rejected(id, NO_BOOK, s.problem);
    String halt = bad == null ? haltedBecause() : null;
    if (halt != null) bad = new Rejected(id, Reject.MARKET_HALTED, halt);
    if (bad != null) {
      b.reply(c.replyTo(), bad);
      return;
    }
    out.clear();
    Reject r = b.book().modify(c.time(), id, c.participant(), c.newPrice(), c.newQty(), out);
    orderReply(b, c.replyTo(), id, r);
  }

  private void onSetPhase(BookBatch b, SetPhase c) {
    if (c.replyTo() == null) {
      noReplyTo(c);
      return;
    }
    State s = b.state();
    Rejected bad = c.phase() == null ? new Rejected(0, Reject.INVALID_PHASE_CHANGE, "phase is required")
        : c.time() < 0 ? new Rejected(0, MALFORMED, "time must be >= 0")
        : s.rules == null ? new Rejected(0, NO_BOOK, s.problem)
        : null;
    String halt = bad == null ? haltedBecause() : null;
    if (halt != null && c.phase() != Phase.HALTED) {
      bad = new Rejected(0, Reject.MARKET_HALTED, halt + " (only a move to HALTED is allowed)");
    }
    if (bad != null) {
      b.reply(c.replyTo(), bad);
      return;
    }
    out.clear();
    Reject r = b.book().setPhase(c.time(), c.phase(), out);
    List<EventData> all = data(out);
    Response answer = r != Reject.NONE
        ? new Rejected(0, r, r.reason() + " (the book is already " + c.phase() + ")")
        : new Ack(all);
    b.applied(c.replyTo(), NO_ORDER, all, st -> answer);
  }

  private void onClock(BookBatch b, Clock c) {
    if (c.replyTo() == null) {
      noReplyTo(c);
      return;
    }
    State s = b.state();
    Rejected bad = c.time() < 0 ? new Rejected(0, MALFORMED, "time must be >= 0")
        : s.rules == null ? new Rejected(0, NO_BOOK, s.problem)
        : null;
    String halt = bad == null ? haltedBecause() : null;
    if (halt != null) bad = new Rejected(0, Reject.MARKET_HALTED, halt + " (a tick could step a special quote and trade)");
    if (bad != null) {
      b.reply(c.replyTo(), bad);
      return;
    }
    out.clear();
    b.book().onClock(c.time(), out);
    List<EventData> all = data(out);
    Ack ack = new Ack(all);
    b.applied(c.replyTo(), NO_ORDER, all, st -> ack);
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

  private void onCancelAll(BookBatch b, CancelAllOf c) {
    if (c.replyTo() == null) {
      noReplyTo(c);
      return;
    }
    State s = b.state();
    Rejected bad = c.participant() < 0 ? new Rejected(0, MALFORMED, "participant must be >= 0")
        : c.time() < 0 ? new Rejected(0, MALFORMED, "time must be >= 0")
        : s.rules == null ? new Rejected(0, NO_BOOK, s.problem)
        : null;
    if (bad != null) {
      b.reply(c.replyTo(), bad);
      return;
    }
    LimitOrderBook book = b.bookIfAny();
    if (book == null) { // nothing placed yet
      b.reply(c.replyTo(), new Ack(List.of()));
      return;
    }
    String halt = haltedBecause();
    if (halt != null && book.specialQuoteShown() && book.phase() == Phase.CONTINUOUS) {
      // the same rule as a single cancel: under a special quote it could trade by itayose
      b.reply(c.replyTo(), new Rejected(0, Reject.MARKET_HALTED, halt + "; this book shows a special "
          + "quote, where a cancel could trigger an itayose: cancel after the resume"));
      return;
    }
    out.clear();
    for (long id : book.ordersOf(c.participant())) {
      Reject r = book.cancel(c.time(), id, c.participant(), out);
      // UNKNOWN_ORDER: an earlier cancel's itayose (special quote) filled it; its trade is in out
      if (r != Reject.NONE && r != Reject.UNKNOWN_ORDER) {
        throw new IllegalStateException("cancel of live order " + id + " refused: " + r);
      }
    }
    List<EventData> all = data(out);
    Ack ack = new Ack(all);
    b.applied(c.replyTo(), NO_ORDER, all, st -> ack);
  }

  /**
   * A bust reads today's trades and busts from the memory, which only the event handler updates:
   * the front writes a bust on its own (see BookFront), so the memory is current here.
   */
  private void onBust(BookBatch b, BustTrade c) {
    if (c.replyTo() == null) {
      noReplyTo(c);
      return;
    }
    State s = b.state();
    Rejected bad = c.tradeId() <= 0 ? new Rejected(0, MALFORMED, "trade id must be positive")
        : c.reason() == null || c.reason().isBlank()
            ? new Rejected(0, MALFORMED, "a bust needs a reason (it is published with the bust)")
        : c.time() < 0 ? new Rejected(0, MALFORMED, "time must be >= 0")
        : s.rules == null ? new Rejected(0, NO_BOOK, s.problem)
        : null;
    EventData t = bad == null ? s.memory.trade(c.tradeId()) : null;
    if (bad == null && t == null) {
      bad = new Rejected(0, Reject.UNKNOWN_TRADE, "no trade " + c.tradeId() + " in " + symbol
          + " today (trades of earlier days cannot be busted)");
    }
    if (bad == null && s.memory.isBusted(c.tradeId())) {
      bad = new Rejected(0, Reject.UNKNOWN_TRADE, "trade " + c.tradeId() + " in " + symbol
          + " was already busted");
    }
    if (bad != null) {
      b.reply(c.replyTo(), bad);
      return;
    }
    b.busted(c.replyTo(), c.tradeId(), c.reason(), c.time(), t, new Ack(List.of(t)));
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

  private void orderReply(BookBatch b, ActorRef<Response> replyTo, long id, Reject r) {
    List<EventData> all = data(out);
    if (r != Reject.NONE) {
      Rejected rej = rejected(id, r);
      b.applied(replyTo, NO_ORDER, all, st -> rej);
      return;
    }
    List<EventData> mine = new ArrayList<>();
    for (EventData e : all) if (e.concerns(id)) mine.add(e);
    Accepted reply = new Accepted(id, List.copyOf(mine));
    b.applied(replyTo, id, all, st -> reply);
  }

  /** {@code replyOrderId} of a command whose reply carries no order's events. */
  private static final long NO_ORDER = 0;

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
