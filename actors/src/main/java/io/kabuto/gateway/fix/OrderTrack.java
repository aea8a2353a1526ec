package io.kabuto.gateway.fix;

import io.kabuto.matching.Prices;
import io.kabuto.matching.Side;

/**
 * What the acceptor knows of one order placed through it: enough to fill in CumQty, AvgPx and
 * OrdStatus of its ExecutionReports. Mutated under the {@link ExecutionReports} lock.
 */
final class OrderTrack {
  final int participant;
  final String symbol;
  final Side side;
  final long orderId;
  String clOrdId;
  long qty;
  long price;
  long cum;
  /** Sum of price units x qty of the fills, for AvgPx. */
  long notional;
  long leaves;
  boolean done;

  OrderTrack(int participant, String symbol, Side side, long orderId, String clOrdId, long qty,
      long price) {
    this.participant = participant;
    this.symbol = symbol;
    this.side = side;
    this.orderId = orderId;
    this.clOrdId = clOrdId;
    this.qty = qty;
    this.price = price;
    this.leaves = qty;
  }

  void fill(long qty, long price, long leavesAfter) {
    cum += qty;
    notional += price * qty;
    leaves = leavesAfter;
    if (leavesAfter == 0) {
      done = true;
    }
  }

  double avgPx() {
    return cum == 0 ? 0 : (double) notional / cum / Prices.UNITS_PER_YEN;
  }

  char fixSide() {
    return side == Side.BUY ? quickfix.field.Side.BUY : quickfix.field.Side.SELL;
  }
}
