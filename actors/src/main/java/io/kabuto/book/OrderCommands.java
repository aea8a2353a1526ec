package io.kabuto.book;

import static io.kabuto.book.BookCommands.NO_ORDER;
import static io.kabuto.book.BookCommands.data;
import static io.kabuto.book.BookCommands.rejected;
import static io.kabuto.book.OrderBook.MALFORMED;
import static io.kabuto.book.OrderBook.NO_BOOK;

import io.kabuto.book.OrderBook.Accepted;
import io.kabuto.book.OrderBook.CancelOrder;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.ModifyOrder;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.Rejected;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.book.OrderBook.State;
import io.kabuto.matching.BookEvents;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Reject;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The write commands about one order ({@link PlaceOrder}, {@link CancelOrder}, {@link
 * ModifyOrder}), as {@link BookCommands} carries out a write: the checks each request gets, the
 * idempotent order id of a PlaceOrder, and the matching core on the live book. The reply of an
 * accepted command carries that order's events only.
 */
final class OrderCommands {
  private final BookCommands write;
  private final BookSettings settings;
  /** The core's scratch buffer, shared with {@link BookCommands}; cleared before each use. */
  private final BookEvents out;

  OrderCommands(BookCommands write, BookSettings settings, BookEvents out) {
    this.write = write;
    this.settings = settings;
    this.out = out;
  }

  void onPlace(BookBatch b, PlaceOrder c) {
    if (c.replyTo() == null) {
      write.noReplyTo(c);
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
    String halt = write.haltedBecause();
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

  void onCancel(BookBatch b, CancelOrder c) {
    if (c.replyTo() == null) {
      write.noReplyTo(c);
      return;
    }
    State s = b.state();
    long id = c.orderId();
    Rejected bad = checkOrderRequest(id, c.participant(), c.time());
    if (bad == null && s.rules == null) bad = new Rejected(id, NO_BOOK, s.problem);
    String halt = bad == null ? write.haltedBecause() : null;
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

  void onModify(BookBatch b, ModifyOrder c) {
    if (c.replyTo() == null) {
      write.noReplyTo(c);
      return;
    }
    State s = b.state();
    long id = c.orderId();
    Rejected bad = checkOrderRequest(id, c.participant(), c.time());
    if (bad == null && c.newQty() <= 0) bad = new Rejected(id, Reject.INVALID_QUANTITY, "new quantity must be positive");
    if (bad == null && c.newPrice() < 0) bad = new Rejected(id, Reject.INVALID_PRICE, "new price must be >= 0");
    if (bad == null && s.rules == null) bad = new Rejected(id, NO_BOOK, s.problem);
    String halt = bad == null ? write.haltedBecause() : null;
    if (halt != null) bad = new Rejected(id, Reject.MARKET_HALTED, halt);
    if (bad != null) {
      b.reply(c.replyTo(), bad);
      return;
    }
    out.clear();
    Reject r = b.book().modify(c.time(), id, c.participant(), c.newPrice(), c.newQty(), out);
    orderReply(b, c.replyTo(), id, r);
  }

  /** The reply carries the events about order {@code id} only; the write persists all of them. */
  private void orderReply(BookBatch b, ActorRef<Response> replyTo, long id, Reject r) {
    List<EventData> all = data(out);
    if (r != Reject.NONE) {
      Rejected rej = rejected(id, r);
      b.applied(replyTo, NO_ORDER, all, st -> rej);
      return;
    }
    List<EventData> mine = new ArrayList<>();
    for (EventData e : all) if (e.concerns(id)) mine.add(e);
    Accepted reply = new Accepted(id, java.util.Collections.unmodifiableList(mine));
    b.applied(replyTo, id, all, st -> reply);
  }
}
