package io.kabuto.scenario.model;

import io.kabuto.cli.cluster.Topology;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A scenario file, parsed and checked ({@link ScenarioLoader}): the cluster to run on, the
 * market, the brokers, the fault timeline and the expectations.
 *
 * @param marketHalt {@code expectations.market-halt}: whether a halt must, or must not, happen
 * @param configOverrides HOCON given to every node after the topology's own node-config (the
 *     symbols and generated participants come after it)
 */
public record Scenario(Path file, String name, String description, long seed, Topology topology,
    String configOverrides, Map<String, SymbolSpec> symbols, ClockSpec clock,
    List<BrokerPopulation> brokers, List<FaultStep> faults, Expectations expectations,
    HaltExpectation marketHalt) {

  public Scenario withSpeed(double speed) {
    return new Scenario(file, name, description, seed, topology, configOverrides, symbols,
        clock.withSpeed(speed), brokers, faults, expectations, marketHalt);
  }

  public Scenario withTopology(Topology t) {
    return new Scenario(file, name, description, seed, t, configOverrides, symbols, clock, brokers,
        faults, expectations, marketHalt);
  }

  public Scenario withSeed(long s) {
    return new Scenario(file, name, description, s, topology, configOverrides, symbols, clock,
        brokers, faults, expectations, marketHalt);
  }
}
