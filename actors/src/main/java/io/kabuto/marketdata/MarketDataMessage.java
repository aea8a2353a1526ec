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
 *   <li>BUST: tradeId, price, qty of the trade declared invalid; text = why
 *   <li>TOP: best bid and ask after a change (price 0 and qty 0 for an empty side)
 *   <li>STATUS: phase (and halted/text for halts)
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
