package io.kabuto.market;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * This node's view of the halts in force, written by the node's {@link HaltApplier} from
 * Distributed Data and read by every order book on every command. It lives in memory only:
 * the halt path must keep working when every storage node is down (2020-10-01: all three halt
 * paths depended on the failed NAS).
 */
public final class MarketGate implements Extension {

  /** Whether one book is halted, as of halt-state generation {@code generation}. */
  public record Halt(long generation, boolean halted, String reason) {}

  public static final class Id extends ExtensionId<MarketGate> {
    @Override
    public MarketGate createExtension(ActorSystem<?> system) {
      return new MarketGate();
    }
  }

  public static final Id ID = new Id();

  public static MarketGate get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private volatile MarketHalts.Table table = MarketHalts.Table.EMPTY;

  private MarketGate() {}

  /** The halt state in force on this node. */
  public MarketHalts.Table table() {
    return table;
  }

  /** Installs a newer halt state (an older one, e.g. a late DData notification, is ignored). */
  public synchronized void install(MarketHalts.Table t) {
    if (t.generation() >= table.generation()) table = t;
  }

  /** The newest of the node's state for {@code symbol} and what the book itself was told. */
  public Halt newest(String symbol, Halt told) {
    MarketHalts.Table t = table;
    if (told != null && told.generation() > t.generation()) return told;
    return t.haltFor(symbol);
  }
}
