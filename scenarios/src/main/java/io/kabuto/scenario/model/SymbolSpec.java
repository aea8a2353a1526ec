package io.kabuto.scenario.model;

import io.kabuto.matching.TickTable;

/**
 * A listed symbol of the scenario: written into every node's {@code kabuto.book.symbols}, and the
 * brokers' starting point (their prices walk around the base price).
 *
 * @param basePrice yesterday's close, in 0.1-yen units
 */
public record SymbolSpec(String symbol, long basePrice, TickTable tickTable, long lotSize) {}
