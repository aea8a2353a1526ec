package io.kabuto.matching;

/**
 * A book's whole state as plain data (for snapshots in a journal). Resting orders are listed in
 * priority order: buy side first (market orders, then best price down, FIFO within a price), then
 * the sell side the same way, so re-adding them in order rebuilds the same queues.
 */
public record BookSnapshot(
    Phase phase,
    long lastPrice,
    long volume,
    long tradeCount,
    long nextTradeId,
    boolean specialQuote,
    int specialQuoteSide,
    long bandLow,
    long bandHigh,
    long nextStep,
    long[] orderIds,
    int[] participants,
    byte[] sides,
    byte[] types,
    long[] prices,
    long[] quantities,
    long[] leaves) {}
