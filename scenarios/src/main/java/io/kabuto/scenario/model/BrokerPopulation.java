package io.kabuto.scenario.model;

import java.util.List;

/**
 * {@code count} brokers of one kind, each a participant of its own (generated names {@code
 * <prefix><n>}, e.g. MM1), sending about {@code rate} orders per wall-clock second.
 *
 * @param rate orders per second of wall time per broker: the load the cluster sees, whatever the
 *     clock speed (a day compressed 300 times is not 300 times the orders)
 * @param symbols the symbols it trades (a subset of the scenario's)
 * @param quantityLots order size in lots, drawn from 1..quantityLots
 * @param protocol HTTP or FIX order entry
 */
public record BrokerPopulation(BrokerKind kind, int count, double rate, List<String> symbols,
    OnFailure onFailure, int quantityLots, Protocol protocol) {

  /** An HTTP population. */
  public BrokerPopulation(BrokerKind kind, int count, double rate, List<String> symbols,
      OnFailure onFailure, int quantityLots) {
    this(kind, count, rate, symbols, onFailure, quantityLots, Protocol.HTTP);
  }
}
