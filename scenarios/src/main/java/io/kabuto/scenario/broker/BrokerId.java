package io.kabuto.scenario.broker;

import io.kabuto.scenario.model.BrokerPopulation;

/**
 * One simulated broker: a participant of the exchange of its own (generated into the nodes'
 * {@code kabuto.gateway.participants}), with the population it belongs to.
 *
 * @param ordinal the broker's position in the roster; with the run's seed it seeds the broker's
 *     order flow, so the same seed gives the same orders
 */
public record BrokerId(String name, int participantId, String token, BrokerPopulation population,
    int ordinal) {}
