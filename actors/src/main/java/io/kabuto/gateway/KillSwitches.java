package io.kabuto.gateway;

import io.kabuto.CborSerializable;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The participants' kill switches, cluster-wide, as Distributed Data: participant name to
 * {@link Entry}. Every gateway node's {@link ParticipantSession} subscribes to it and refuses new
 * orders and replaces of a participant whose entry is engaged, whichever node engaged it, and
 * whether or not that node is still alive.
 *
 * <p><b>Writes are WriteMajority.</b> A confirmed engage is held by a majority of the members, so
 * it survives the death of the node that engaged it (and of any minority); the remaining members
 * get it by delta propagation and gossip within a fraction of a second. WriteAll would time out
 * whenever one member is down or unreachable, which is exactly when an operator reaches for a kill
 * switch. A write that is not confirmed in time is still in force on the engaging node and
 * spreads from it; the answer says so. Not durable: a restart of the whole cluster forgets it.
 */
public final class KillSwitches {
  private KillSwitches() {}

  public static final Key<LWWMap<String, Entry>> KEY = LWWMapKey.create("kabuto-kill-switches");

  /**
   * A participant's kill switch: engaged or released at {@code atMillis} (wall clock) through
   * gateway node {@code by}. The newest write wins (last-writer-wins map).
   */
  public record Entry(boolean engaged, long atMillis, String by) implements CborSerializable {}

  /**
   * The kill switches as this cluster knows them: read from a majority (so a node that just
   * joined answers the truth), or from this node's replica if no majority answers in time.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static CompletionStage<Map<String, Entry>> read(ActorSystem<?> system, Duration timeout) {
    var replicator = DistributedData.get(system).replicator();
    return ask(system, replicator, new Replicator.ReadMajority(timeout), timeout)
        .thenCompose(majority -> majority != null
            ? java.util.concurrent.CompletableFuture.completedFuture(majority)
            : ask(system, replicator, Replicator.readLocal(), timeout)
                .thenApply(local -> local == null ? Map.<String, Entry>of() : local));
  }

  private static CompletionStage<Map<String, Entry>> ask(ActorSystem<?> system,
      org.apache.pekko.actor.typed.ActorRef<Replicator.Command> replicator,
      Replicator.ReadConsistency consistency, Duration timeout) {
    return AskPattern.<Replicator.Command, Replicator.GetResponse<LWWMap<String, Entry>>>ask(
            replicator, r -> new Replicator.Get<>(KEY, consistency, r),
            timeout.plusSeconds(1), system.scheduler())
        .handle((r, e) -> {
          if (r instanceof Replicator.GetSuccess<LWWMap<String, Entry>> ok) {
            return (Map<String, Entry>) new TreeMap<>(ok.get(KEY).getEntries());
          }
          return r instanceof Replicator.NotFound<?> ? Map.<String, Entry>of() : null;
        });
  }

  /** Whether {@code name} is blocked in {@code map} (a missing entry is released). */
  public static boolean engaged(LWWMap<String, Entry> map, String name) {
    var e = map.get(name);
    return e.isDefined() && e.get().engaged();
  }
}
