package io.kabuto.persistence.journal;

import io.kabuto.persistence.node.StorageNode;
import io.kabuto.persistence.node.StorageProtocol.StatusReply;
import io.kabuto.persistence.node.StorageSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import io.kabuto.persistence.node.Asks;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The storage replicas this node can see (through the receptionist), for the journal plugin and
 * the snapshot store, and the replication health: which replicas of the configured set are
 * visible and up to date. "under-replicated" is logged when that changes, and is readable by
 * node health.
 */
public final class StorageReplicas implements Extension {

  /** Health of the replica set as seen from this node. */
  public record Health(List<String> replicas, Map<String, StatusReply> seen, int quorum) {
    public boolean underReplicated() {
      return replicas.stream().anyMatch(r -> !seen.containsKey(r) || !seen.get(r).upToDate());
    }

    /**
     * Whether a write could be acknowledged now: enough replicas answer that are not refusing
     * writes (a full disk), and one of them is active. In the legacy pair the standby answers
     * but takes no writes, so a live standby next to a dead primary is not a quorum (2020-10-01).
     */
    public boolean quorumVisible() {
      long writable = seen.values().stream().filter(s -> !"full-disk".equals(s.fault())).count();
      return writable >= quorum && seen.values().stream().anyMatch(StatusReply::active);
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      for (String r : replicas) {
        StatusReply s = seen.get(r);
        b.append(r).append('=').append(s == null ? "unreachable"
            : (s.upToDate() ? "up-to-date" : "catching-up") + (s.active() ? "" : "/standby")
                + ("none".equals(s.fault()) ? "" : "/" + s.fault()));
        b.append(' ');
      }
      return b.toString().trim();
    }
  }

  public static final class Id extends ExtensionId<StorageReplicas> {
    @Override
    public StorageReplicas createExtension(ActorSystem<?> system) {
      return new StorageReplicas(system);
    }
  }

  public static final Id ID = new Id();

  public static StorageReplicas get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final ActorSystem<?> system;
  private final StorageSettings settings;
  private volatile Map<String, ActorRef<StorageNode.Command>> visible = Map.of();
  private volatile Health health;
  private volatile Boolean lastUnderReplicated;
  private volatile int sameCount;
  private volatile Boolean pending;

  private StorageReplicas(ActorSystem<?> system) {
    this.system = system;
    this.settings = StorageSettings.fromConfig(system.settings().config());
    this.health = new Health(settings.replicas(), Map.of(), settings.quorum());
    system.systemActorOf(listener(), "kabuto-storage-replicas", Props.empty());
  }

  public StorageSettings settings() {
    return settings;
  }

  /** The replicas of the configured set that are visible now, by replica id. */
  public Map<String, ActorRef<StorageNode.Command>> visible() {
    return visible;
  }

  public Health health() {
    return health;
  }

  /**
   * The visible replicas once at least {@code min} of them are (waits up to the request timeout,
   * e.g. right after start while the receptionist has not told us yet), else what is visible.
   */
  public CompletionStage<Map<String, ActorRef<StorageNode.Command>>> await(int min) {
    if (visible.size() >= min) {
      return CompletableFuture.completedFuture(visible);
    }
    CompletableFuture<Map<String, ActorRef<StorageNode.Command>>> f = new CompletableFuture<>();
    long deadline = System.nanoTime() + settings.requestTimeout().toNanos();
    poll(f, min, deadline);
    return f;
  }

  private void poll(CompletableFuture<Map<String, ActorRef<StorageNode.Command>>> f, int min,
      long deadline) {
    if (visible.size() >= min || System.nanoTime() >= deadline) {
      f.complete(visible);
      return;
    }
    CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS, system.executionContext())
        .execute(() -> poll(f, min, deadline));
  }

  private enum Refresh { TICK }

  private Behavior<Object> listener() {
    return Behaviors.<Object>setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(StorageNode.SERVICE_KEY,
          ctx.getSelf().narrow()));
      return Behaviors.withTimers(timers -> {
        timers.startTimerWithFixedDelay(Refresh.TICK, Duration.ofSeconds(2));
        return Behaviors.receiveMessage(msg -> {
          if (msg instanceof Receptionist.Listing listing) {
            Map<String, ActorRef<StorageNode.Command>> m = new TreeMap<>();
            for (ActorRef<StorageNode.Command> ref :
                listing.getServiceInstances(StorageNode.SERVICE_KEY)) {
              String id = StorageNode.replicaIdOf(ref);
              if (id != null && settings.replicas().contains(id)) {
                m.put(id, ref);
              }
            }
            visible = Map.copyOf(m);
            refresh();
          } else if (msg == Refresh.TICK) {
            refresh();
          }
          return Behaviors.same();
        });
      });
    });
  }

  private void refresh() {
    Map<String, ActorRef<StorageNode.Command>> now = visible;
    Map<String, StatusReply> seen = new LinkedHashMap<>();
    CompletableFuture<?>[] all = new CompletableFuture<?>[now.size()];
    int i = 0;
    for (Map.Entry<String, ActorRef<StorageNode.Command>> e : now.entrySet()) {
      all[i++] = Asks.<StorageNode.Command, StatusReply>ask(e.getValue(),
              StorageNode.GetStatus::new, Duration.ofMillis(1500), system)
          .thenAccept(s -> {
            synchronized (seen) {
              seen.put(e.getKey(), s);
            }
          })
          .toCompletableFuture();
    }
    CompletableFuture.allOf(all).handle((v, e) -> {
      Health h;
      synchronized (seen) {
        h = new Health(settings.replicas(), Map.copyOf(seen), settings.quorum());
      }
      health = h;
      boolean under = h.underReplicated();
      // Report a change once it was seen twice in a row: right after start the receptionist
      // has not told us about the local replica yet.
      sameCount = pending != null && pending == under ? sameCount + 1 : 1;
      pending = under;
      if (sameCount >= 2 && (lastUnderReplicated == null || under != lastUnderReplicated)) {
        lastUnderReplicated = under;
        if (under) {
          system.log().warn("storage under-replicated: {} (quorum {} of {})", h,
              settings.quorum(), settings.replicas().size());
        } else {
          system.log().info("storage fully replicated: {}", h);
        }
      }
      return null;
    });
  }
}
