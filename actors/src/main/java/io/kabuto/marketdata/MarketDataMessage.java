package io.kabuto.marketdata;

import io.kabuto.CborSerializable;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Side;

/**
 * One message of a symbol's market-data feed. {@code seq} numbers a symbol's messages 1, 2, 3...
 * with no gap; the messages are derived from what the book persisted, so a book recovered on
 * another node numbers them the same way and a subscriber can ask for any missing range.
 *
 * <ul>
 *   <li>TRADE: tradeId, price, qty, aggressor (null for an auction trade)
 *   <li>BUST: tradeId, price, qty, aggressor of the trade declared invalid; text = why. The
 *       trade no longer counts; the book itself is unchanged (no order comes back).
 *   <li>TOP: best limit bid and ask (price, total qty of the level) after a command that changed
 *       either; price 0 and qty 0 for an empty side
 *   <li>STATUS: phase after a phase change (halted false, text null)
 * </ul>
 *
 * <p><b>Unsequenced notices ({@code seq == 0})</b> are not part of the numbered feed: they are
 * never retained by the book, never replayed and carry no guarantee of delivery. Consumers pass
 * them on and do not count them. Two kinds, both STATUS:
 *
 * <ul>
 *   <li>a halt or resume: halts are kept in memory only (never persisted, so that a halt works
 *       with storage down), so they cannot take a sequence number; {@code halted} says which,
 *       {@code text} why, {@code bookSeq} is the book's sequence when it happened and {@code
 *       phase} the book's phase. After a missed notice, {@code GET /market/status} is the truth.
 *   <li>a reset, from a node's feed ({@code MarketDataFeed}): {@code text} starts with {@code
 *       "RESET: "} and says which sequences the book no longer retains; the feed goes on from
 *       the oldest retained one, and the consumer must resynchronise its book from the depth.
 * </ul>
 *
 * @param time the book's simulation clock in ms
 * @param bookSeq the book's persisted command ({@code OrderBook.Applied}) this came from
 */
public record MarketDataMessage(String symbol, long seq, Kind kind, long time, long bookSeq,
    long tradeId, long price, long qty, Side aggressor, long bidPrice, long bidQty, long askPrice,
    long askQty, Phase phase, boolean halted, String text) implements CborSerializable {

  public enum Kind { TRADE, BUST, TOP, STATUS }
}
