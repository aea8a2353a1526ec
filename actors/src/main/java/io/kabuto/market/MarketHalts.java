package io.kabuto.market;

import io.kabuto.CborSerializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;

/**
 * The market's halt flags and the nodes' acknowledgements, as Distributed Data (gossiped
 * between members, no journal involved).
 *
 * <ul>
 *   <li>{@link #HALTS}: scope ({@link #MARKET} or a symbol) to {@link Entry}; every change gets
 *       the next generation, so "applied generation G" means "applied everything up to G".
 *   <li>{@link #APPLIED}: matching node address to {@link Applied}: the generation all books
 *       hosted on that node have in force.
 * </ul>
 */
public final class MarketHalts {
  private MarketHalts() {}

  public static final Key<LWWMap<String, Entry>> HALTS = LWWMapKey.create("kabuto-market-halts");
  public static final Key<LWWMap<String, Applied>> APPLIED = LWWMapKey.create("kabuto-market-applied");

  /** Scope key of a market-wide halt. */
  public static final String MARKET = "*";

  /**
   * One scope's flag. {@code by} is "operator" or "rule:NAME" (rule halts may be resumed by the
   * rules; operator halts only by an operator).
   */
  public record Entry(boolean halted, long generation, String reason, long sinceMillis, String by)
      implements CborSerializable {}

  /**
   * What a matching node has in force: {@code books} hosted books were told, {@code pending} did
   * not answer in time (they still read the node's gate on their next command).
   */
  public record Applied(long generation, int books, int acked, List<String> pending, long atMillis)
      implements CborSerializable {}

  /** An immutable view of {@link #HALTS}. */
  public record Table(Map<String, Entry> entries, long generation) {
    public static final Table EMPTY = new Table(Map.of(), 0);

    public static Table of(LWWMap<String, Entry> map) {
      Map<String, Entry> m = new TreeMap<>(map.getEntries());
      long g = 0;
      for (Entry e : m.values()) g = Math.max(g, e.generation());
      return new Table(Map.copyOf(m), g);
    }

    public boolean marketHalted() {
      Entry e = entries.get(MARKET);
      return e != null && e.halted();
    }

    public boolean symbolHalted(String symbol) {
      Entry e = entries.get(symbol);
      return e != null && e.halted();
    }

    /** The gate of one book: halted if the market or the symbol is. */
    public MarketGate.Halt haltFor(String symbol) {
      Entry m = entries.get(MARKET);
      if (m != null && m.halted()) {
        return new MarketGate.Halt(generation, true, "market-wide trading halt (" + m.reason() + ")");
      }
      Entry s = entries.get(symbol);
      if (s != null && s.halted()) {
        return new MarketGate.Halt(generation, true, "trading halt of " + symbol + " (" + s.reason() + ")");
      }
      return new MarketGate.Halt(generation, false, null);
    }

    /** Scopes halted now. */
    public List<String> inForce() {
      return entries.entrySet().stream().filter(e -> e.getValue().halted()).map(Map.Entry::getKey).toList();
    }
  }
}
