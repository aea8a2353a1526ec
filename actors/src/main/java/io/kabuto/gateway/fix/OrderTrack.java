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
  /**
   * False for an order adopted after some of its fills happened out of this node's sight (placed
   * through another gateway node): its AvgPx is then unknown and reported as 0.
   */
  boolean avgKnown = true;

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
    return cum == 0 || !avgKnown ? 0 : (double) notional / cum / Prices.UNITS_PER_YEN;
  }

  char ordStatus() {
    if (done) {
      return leaves == 0 && cum == qty ? quickfix.field.OrdStatus.FILLED
          : quickfix.field.OrdStatus.CANCELED;
    }
    return cum > 0 ? quickfix.field.OrdStatus.PARTIALLY_FILLED : quickfix.field.OrdStatus.NEW;
  }

  char fixSide() {
    return side == Side.BUY ? quickfix.field.Side.BUY : quickfix.field.Side.SELL;
  }
}
