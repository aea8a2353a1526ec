package io.kabuto.bench.matching;

import exchange.core2.collections.objpool.ObjectsPool;
import exchange.core2.core.common.CoreSymbolSpecification;
import exchange.core2.core.common.IOrder;
import exchange.core2.core.common.L2MarketData;
import exchange.core2.core.common.MatcherEventType;
import exchange.core2.core.common.MatcherTradeEvent;
import exchange.core2.core.common.OrderAction;
import exchange.core2.core.common.OrderType;
import exchange.core2.core.common.SymbolType;
import exchange.core2.core.common.cmd.CommandResultCode;
import exchange.core2.core.common.cmd.OrderCommand;
import exchange.core2.core.common.cmd.OrderCommandType;
import exchange.core2.core.common.config.LoggingConfiguration;
import exchange.core2.core.orderbook.IOrderBook;
import exchange.core2.core.orderbook.OrderBookDirectImpl;
import exchange.core2.core.orderbook.OrderBookEventsHelper;
import io.kabuto.matching.BookRules;

/**
 * exchange-core 0.5.3's {@link OrderBookDirectImpl}, set up as its own order-book tests and perf
 * tests set it up (default test objects pool, non-pooled events helper, default logging, a
 * futures symbol so moves skip the exchange-pair bid-reserve check), driven through {@link
 * IOrderBook#processCommand} with one reused {@link OrderCommand}, as its perf test does.
 *
 * <p>A GTC place maps to {@code PLACE_ORDER/GTC}, IOC to {@code PLACE_ORDER/IOC}, cancel to
 * {@code CANCEL_ORDER} and a reprice to {@code MOVE_ORDER} (which keeps the order's size). A market
 * order is an IOC at the daily limit (no resting order lies beyond it, so it matches what a market
 * order matches). exchange-core has no quantity increase ({@code REDUCE_ORDER} only shrinks), so a
 * resize is what its user would send instead: {@code CANCEL_ORDER} and a new {@code PLACE_ORDER}
 * with the same id, price and the new remaining quantity, which rests at the back of the queue just
 * as Kabuto's increased order does; the message counts once, acked if both commands succeed. The
 * streams only increase orders that have not traded yet (the new order would not know the old
 * one's fills).
 */
final class ExchangeCoreAdapter extends EngineAdapter {
  static final CoreSymbolSpecification SYMBOL = CoreSymbolSpecification.builder()
      .symbolId(5991)
      .type(SymbolType.FUTURES_CONTRACT)
      .baseCurrency(978)
      .quoteCurrency(840)
      .baseScaleK(1)
      .quoteScaleK(1)
      .takerFee(0)
      .makerFee(0)
      .marginBuy(0)
      .marginSell(0)
      .build();

  private final OrderCommand cmd = new OrderCommand();
  private final long marketBuyPrice;
  private final long marketSellPrice;
  private IOrderBook book;

  ExchangeCoreAdapter() {
    BookRules rules = OrderStream.rules();
    marketBuyPrice = rules.upperLimit();
    marketSellPrice = rules.lowerLimit();
  }

  @Override
  String name() {
    return "exchange-core";
  }

  @Override
  void newBook() {
    book = new OrderBookDirectImpl(SYMBOL, ObjectsPool.createDefaultTestPool(),
        OrderBookEventsHelper.NON_POOLED_EVENTS_HELPER, LoggingConfiguration.DEFAULT);
    cmd.symbol = SYMBOL.symbolId;
  }

  IOrderBook book() {
    return book;
  }

  @Override
  void run(OrderStream s) {
    final IOrderBook b = book;
    final OrderCommand c = cmd;
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
      int t = type[i];
      c.orderId = orderId[i];
      c.uid = uid[i];
      c.timestamp = i;
      c.matcherEvent = null;
      c.resultCode = CommandResultCode.VALID_FOR_MATCHING_ENGINE;
      switch (t) {
        case OrderStream.PLACE_GTC, OrderStream.PLACE_IOC -> {
          c.command = OrderCommandType.PLACE_ORDER;
          c.orderType = t == OrderStream.PLACE_GTC ? OrderType.GTC : OrderType.IOC;
          boolean buy = side[i] == OrderStream.BUY;
          c.action = buy ? OrderAction.BID : OrderAction.ASK;
          c.price = price[i];
          c.reserveBidPrice = buy ? price[i] : 0;
          c.size = qty[i];
        }
        case OrderStream.PLACE_MARKET -> {
          c.command = OrderCommandType.PLACE_ORDER;
          c.orderType = OrderType.IOC;
          boolean buy = side[i] == OrderStream.BUY;
          c.action = buy ? OrderAction.BID : OrderAction.ASK;
          c.price = buy ? marketBuyPrice : marketSellPrice;
          c.reserveBidPrice = buy ? c.price : 0;
          c.size = qty[i];
        }
        case OrderStream.CANCEL -> c.command = OrderCommandType.CANCEL_ORDER;
        case OrderStream.MOVE -> {
          c.command = OrderCommandType.MOVE_ORDER;
          c.price = price[i];
        }
        default -> {
          if (resize(b, c, qty[i])) acks[t]++;
          else rejects[t]++;
          continue;
        }
      }
      CommandResultCode r = IOrderBook.processCommand(b, c);
      if (r == CommandResultCode.SUCCESS) acks[t]++;
      else rejects[t]++;
      // consume the events as a publisher would: count the trades
      for (MatcherTradeEvent e = c.matcherEvent; e != null; e = e.nextEvent) {
        if (e.eventType == MatcherEventType.TRADE) {
          nTrades++;
          nQty += e.size;
        }
      }
    }
    trades += nTrades;
    tradedQty += nQty;
  }

  /** A quantity increase as cancel + place of the order's new remaining quantity (see above). */
  private static boolean resize(IOrderBook b, OrderCommand c, long newTotal) {
    IOrder o = b.getOrderById(c.orderId);
    if (o == null || o.getUid() != c.uid) return false;
    long leaves = newTotal - o.getFilled();
    long px = o.getPrice();
    OrderAction action = o.getAction();
    c.command = OrderCommandType.CANCEL_ORDER;
    if (IOrderBook.processCommand(b, c) != CommandResultCode.SUCCESS) return false;
    c.matcherEvent = null;
    c.resultCode = CommandResultCode.VALID_FOR_MATCHING_ENGINE;
    c.command = OrderCommandType.PLACE_ORDER;
    c.orderType = OrderType.GTC;
    c.action = action;
    c.price = px;
    c.reserveBidPrice = action == OrderAction.BID ? px : 0;
    c.size = leaves;
    return IOrderBook.processCommand(b, c) == CommandResultCode.SUCCESS;
  }

  @Override
  long restingVolume(int side) {
    return b().getTotalOrdersVolume(side == OrderStream.BUY ? OrderAction.BID : OrderAction.ASK);
  }

  @Override
  long bestPrice(int side) {
    L2MarketData l2 = b().getL2MarketDataSnapshot(1);
    if (side == OrderStream.BUY) return l2.bidSize > 0 ? l2.bidPrices[0] : 0;
    return l2.askSize > 0 ? l2.askPrices[0] : 0;
  }

  @Override
  long restingOrders() {
    return b().getOrdersNum(OrderAction.ASK) + b().getOrdersNum(OrderAction.BID);
  }

  private IOrderBook b() {
    return book;
  }
}
