package io.kabuto.bench.matching;

import io.kabuto.matching.BookEvents;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.EventType;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;

/** Kabuto's {@link LimitOrderBook}: one reusable {@link BookEvents} buffer, cleared per command. */
final class KabutoAdapter extends EngineAdapter {
  private final BookRules rules = OrderStream.rules();
  private final BookEvents events = new BookEvents(256);
  private LimitOrderBook book;

  @Override
  String name() {
    return "kabuto";
  }

  @Override
  void newBook() {
    book = new LimitOrderBook(rules, 4096);
  }

  LimitOrderBook book() {
    return book;
  }

  @Override
  void run(OrderStream s) {
    final LimitOrderBook b = book;
    final BookEvents ev = events;
    final byte[] type = s.type;
    final long[] orderId = s.orderId;
    final byte[] side = s.side;
    final long[] price = s.price;
    final long[] qty = s.qty;
    final int[] uid = s.uid;
    final long[] acks = this.acks;
    final long[] rejects = this.rejects;
    long nTrades = 0;
    long nQty = 0;
    for (int i = 0, n = s.size; i < n; i++) {
      ev.clear();
      int t = type[i];
      Reject r;
      switch (t) {
        case OrderStream.PLACE_GTC -> r = b.place(i, orderId[i], uid[i], side[i] == OrderStream.BUY ? Side.BUY : Side.SELL,
            OrderType.LIMIT, TimeInForce.DAY, price[i], qty[i], SelfTradePrevention.NONE, ev);
        case OrderStream.PLACE_IOC -> r = b.place(i, orderId[i], uid[i], side[i] == OrderStream.BUY ? Side.BUY : Side.SELL,
            OrderType.LIMIT, TimeInForce.IOC, price[i], qty[i], SelfTradePrevention.NONE, ev);
        case OrderStream.CANCEL -> r = b.cancel(i, orderId[i], uid[i], ev);
        case OrderStream.PLACE_MARKET -> r = b.place(i, orderId[i], uid[i], side[i] == OrderStream.BUY ? Side.BUY : Side.SELL,
            OrderType.MARKET, TimeInForce.IOC, 0, qty[i], SelfTradePrevention.NONE, ev);
        // MOVE: new price, qty = the unchanged total; RESIZE: same price, qty = the new total
        default -> r = b.modify(i, orderId[i], uid[i], price[i], qty[i], ev);
      }
      if (r == Reject.NONE) acks[t]++;
      else rejects[t]++;
      // consume the events as a publisher would: count the trades
      for (int k = 0, m = ev.size(); k < m; k++) {
        if (ev.type(k) == EventType.TRADE) {
          nTrades++;
          nQty += ev.qty(k);
        }
      }
    }
    trades += nTrades;
    tradedQty += nQty;
  }

  @Override
  long restingOrders() {
    return book.orderCount();
  }

  @Override
  long restingVolume(int side) {
    int levels = (int) ((book.upperLimit() - book.lowerLimit()) / OrderStream.TICK) + 1;
    long[] prices = new long[levels];
    long[] qtys = new long[levels];
    int n = book.depth(side == OrderStream.BUY ? Side.BUY : Side.SELL, prices, qtys);
    long v = 0;
    for (int k = 0; k < n; k++) v += qtys[k];
    return v;
  }

  @Override
  long bestPrice(int side) {
    return side == OrderStream.BUY ? book.bestBid() : book.bestAsk();
  }
}
