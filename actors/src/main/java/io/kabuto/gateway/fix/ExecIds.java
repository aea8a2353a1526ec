package io.kabuto.gateway.fix;

import io.kabuto.matching.Side;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ExecIDs (17). A report of a book event gets an id derived from the event, so that every
 * gateway node (and a node reporting the same event twice, e.g. a duplicate delivery after a
 * failover) gives it the same ExecID, and ids of different events never collide across nodes:
 *
 * <ul>
 *   <li>a fill: {@code symbol-T<tradeId>-B|S}. The book numbers its trades, so this names one
 *       side of one trade whether it is reported from the aggressor's answer or from the resting
 *       order's execution topic, and a trade bust can name the fill it cancels (ExecRefID) from
 *       the trade id alone;
 *   <li>another event delivered on the execution topic: {@code symbol-<bookSeq>-<index>-B|S};
 *   <li>an event in the answer to the broker's own request: {@code symbol-<orderId>-N} (new),
 *       {@code -C} (cancelled: once per order), {@code -R<ClOrdID>} (replaced by that request).
 * </ul>
 *
 * Reports that are not book events (rejections, order status) get {@code X<node>-<n>}, where
 * {@code node} is random per acceptor start.
 */
final class ExecIds {
  private final String node = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
  private final AtomicLong next = new AtomicLong();

  static String fill(String symbol, long tradeId, Side side) {
    return symbol + "-T" + tradeId + "-" + letter(side);
  }

  static String topicEvent(String symbol, long bookSeq, int index, Side side) {
    return symbol + "-" + bookSeq + "-" + index + "-" + letter(side);
  }

  static String answered(String symbol, long orderId, String what) {
    return symbol + "-" + orderId + "-" + what;
  }

  String other() {
    return "X" + node + "-" + next.incrementAndGet();
  }

  private static char letter(Side side) {
    return side == Side.BUY ? 'B' : 'S';
  }
}
