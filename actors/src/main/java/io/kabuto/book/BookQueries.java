package io.kabuto.book;

import static io.kabuto.book.OrderBook.MALFORMED;
import static io.kabuto.book.OrderBook.MAX_DEPTH_LEVELS;
import static io.kabuto.book.OrderBook.MAX_MARKET_DATA_PAGE;
import static io.kabuto.book.OrderBook.NO_BOOK;

import io.kabuto.book.OrderBook.Depth;
import io.kabuto.book.OrderBook.Event;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.GetDepth;
import io.kabuto.book.OrderBook.GetMarketData;
import io.kabuto.book.OrderBook.GetOrder;
import io.kabuto.book.OrderBook.Level;
import io.kabuto.book.OrderBook.MarketDataPage;
import io.kabuto.book.OrderBook.OrderState;
import io.kabuto.book.OrderBook.OrderStatus;
import io.kabuto.book.OrderBook.Rejected;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.book.OrderBook.State;
import io.kabuto.marketdata.MarketDataRing;
import io.kabuto.matching.CancelReason;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Reject;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * An order book's read-only queries ({@link GetDepth}, {@link GetOrder}, {@link GetMarketData}):
 * answered from the state at once, persisting nothing.
 */
final class BookQueries {
  private final String symbol;
  private final BookCommands commands;
  private final EffectFactories<Event, State> effects;

  /** @param commands for dropping a command without replyTo the same way as a write */
  BookQueries(String symbol, BookCommands commands, EffectFactories<Event, State> effects) {
    this.symbol = symbol;
    this.commands = commands;
    this.effects = effects;
  }

  ReplyEffect<Event, State> onGetMarketData(State s, GetMarketData c) {
    if (c.replyTo() == null) return commands.noReplyTo(c);
    if (c.fromSeq() < 1) return reject(c.replyTo(), 0, MALFORMED, "fromSeq must be >= 1");
    if (c.max() < 1) return reject(c.replyTo(), 0, MALFORMED, "max must be >= 1");
    if (s.rules == null) return reject(c.replyTo(), 0, NO_BOOK, s.problem);
    MarketDataRing r = s.feed.ring();
    return effects.reply(c.replyTo(), new MarketDataPage(symbol, r.firstRetained(), r.lastSeq(),
        List.copyOf(r.page(c.fromSeq(), Math.min(c.max(), MAX_MARKET_DATA_PAGE)))));
  }

  ReplyEffect<Event, State> onGetDepth(State s, GetDepth c) {
    if (c.replyTo() == null) return commands.noReplyTo(c);
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
    if (c.replyTo() == null) return commands.noReplyTo(c);
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

  private static List<Level> levels(LimitOrderBook b, Side side, int n) {
    if (n == 0) return List.of();
    long[] px = new long[n];
    long[] qty = new long[n];
    int k = b.depth(side, px, qty);
    List<Level> list = new ArrayList<>(k);
    for (int i = 0; i < k; i++) list.add(new Level(px[i], qty[i]));
    return List.copyOf(list);
  }

  private ReplyEffect<Event, State> reject(ActorRef<Response> replyTo, long id, Reject code, String reason) {
    return effects.reply(replyTo, new Rejected(id, code, reason));
  }

}
