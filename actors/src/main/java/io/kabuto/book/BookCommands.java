package io.kabuto.book;

import static io.kabuto.book.OrderBook.MALFORMED;
import static io.kabuto.book.OrderBook.NO_BOOK;

import io.kabuto.book.OrderBook.Ack;
import io.kabuto.book.OrderBook.BustTrade;
import io.kabuto.book.OrderBook.CancelAllOf;
import io.kabuto.book.OrderBook.CancelOrder;
import io.kabuto.book.OrderBook.Clock;
import io.kabuto.book.OrderBook.Command;
import io.kabuto.book.OrderBook.Event;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.MarketHalt;
import io.kabuto.book.OrderBook.ModifyOrder;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.Rejected;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.book.OrderBook.SetPhase;
import io.kabuto.book.OrderBook.State;
import io.kabuto.market.MarketGate;
import io.kabuto.marketdata.MarketDataMessage;
import io.kabuto.matching.BookEvents;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Reject;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * An order book's write commands ({@link OrderBook#commandHandler()} routes each write here):
 * carrying out one journal write, command after command, on the live book, persisting what the
 * core did and replying after the write (see "Live path vs replay", "Replies" and "Persist
 * failure" in {@link OrderBook}). The commands about one order are {@link OrderCommands}; this
 * class carries out the book-wide ones (phase, clock, mass cancel, bust) and keeps the in-memory
 * halt gate every command checks. The read-only queries are {@link BookQueries}.
 */
final class BookCommands {
  private final ActorContext<Command> ctx;
  private final String symbol;
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
  private final OrderCommands orders;

  BookCommands(ActorContext<Command> ctx, String symbol, BookSettings settings,
      EffectFactories<Event, State> effects, MarketGate marketGate, BookPublisher publisher,
      ActorRef<BookFront.Note> front, int incarnation) {
    this.ctx = ctx;
    this.symbol = symbol;
    this.effects = effects;
    this.marketGate = marketGate;
    this.publisher = publisher;
    this.front = front;
    this.incarnation = incarnation;
    this.orders = new OrderCommands(this, settings, out);
  }

  /**
   * Carries out the commands of one journal write ({@code batch} numbers it for the {@link
   * BookFront}, 0 without one) one after the other on the live book and persists all their events
   * in one write; every reply goes out after it (see "Batched writes" in the package documentation).
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
    if (c instanceof PlaceOrder p) orders.onPlace(b, p);
    else if (c instanceof CancelOrder p) orders.onCancel(b, p);
    else if (c instanceof ModifyOrder p) orders.onModify(b, p);
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

  /** Why this book is halted now, or null if it is not (see {@link MarketHalt}). */
  String haltedBecause() {
    MarketGate.Halt h = marketGate.newest(symbol, told);
    return h.halted() ? h.reason() : null;
  }

  // ---------------------------------------------------------------- helpers

  /** {@code replyOrderId} of a command whose reply carries no order's events. */
  static final long NO_ORDER = 0;

  static List<EventData> data(BookEvents b) {
    List<EventData> list = new ArrayList<>(b.size());
    for (int i = 0; i < b.size(); i++) list.add(EventData.of(b, i));
    return java.util.Collections.unmodifiableList(list); // a view: no second copy per command
  }

  static Rejected rejected(long id, Reject r) {
    return new Rejected(id, r, r.reason());
  }

  ReplyEffect<Event, State> noReplyTo(Command c) {
    ctx.getLog().warn("order book {}: dropped {} without replyTo", symbol, c.getClass().getSimpleName());
    return effects.noReply();
  }
}
