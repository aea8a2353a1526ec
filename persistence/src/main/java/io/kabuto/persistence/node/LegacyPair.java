package io.kabuto.persistence.node;

import io.kabuto.persistence.node.StorageProtocol.Heartbeat;
import io.kabuto.persistence.node.StorageProtocol.Outcome;
import io.kabuto.persistence.node.StorageProtocol.PanicNotice;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;


import org.slf4j.Logger;

/**
 * One side of the legacy primary/backup pair (arrowhead's NAS): which side is active, the pair's
 * generation, heartbeats, takeover, and mirroring of writes from the active side to the standby.
 *
 * <p>A takeover raises the generation. The old primary, should it come back (resume from a hang,
 * restart), is fenced: its mirrors are refused by the new active side with a higher generation, it
 * steps down, and the write it was mirroring is not acknowledged.
 *
 * <p>Called from the storage node's actor (heartbeats, notices) and from answer threads (mirror
 * results); the state that both touch is volatile.
 */
final class LegacyPair {
  static final String FENCED_PREFIX = "fenced: ";

  private final String self;
  private final LegacySettings settings;
  private final Logger log;
  private volatile boolean active;
  private volatile long generation = 1;
  private volatile boolean peerDown;
  private volatile long lastPeerHeartbeat = System.nanoTime();
  private boolean panicReceived;
  private boolean suppressionLogged;

  LegacyPair(String self, LegacySettings settings, Logger log) {
    this.self = self;
    this.settings = settings;
    this.log = log;
    this.active = self.equals(settings.primary());
  }

  boolean active() {
    return active;
  }

  long generation() {
    return generation;
  }

  String peerOf(List<String> replicas) {
    return replicas.get(0).equals(self) ? replicas.get(1) : replicas.get(0);
  }

  /**
   * Why a request is refused here, or null. {@code mirrorGeneration} 0: a writer's request, served
   * only by the active side. Above 0: a mirror from the side that believes it is active.
   */
  String refusal(long mirrorGeneration) {
    if (mirrorGeneration == 0) {
      return active ? null : "replica " + self + " is the standby of the legacy pair";
    }
    if (mirrorGeneration < generation) {
      return FENCED_PREFIX + "replica " + self + " is at generation " + generation
          + " (it took over); a mirror of generation " + mirrorGeneration + " is stale";
    }
    if (active) {
      log.warn("legacy pair: {} steps down, its peer mirrors at generation {} >= {}", self,
          mirrorGeneration, generation);
      active = false;
    }
    generation = mirrorGeneration;
    return null;
  }

  void tick(ActorRef<StorageNode.Command> peer, ActorRef<StorageNode.Command> me, long now) {
    if (peer != null) {
      peer.tell(new Heartbeat(self, generation, active, me));
    }
    if (active) {
      return;
    }
    long silentNanos = now - lastPeerHeartbeat;
    if (silentNanos < settings.takeoverAfter().toNanos()) {
      return;
    }
    String silent = Duration.ofNanos(silentNanos).toMillis() + " ms";
    if (panicReceived && !settings.onPanic() && settings.panicSuppressesStandard()) {
      if (!suppressionLogged) {
        suppressionLogged = true;
        log.error("legacy pair: no heartbeat from the active side for {}, but a panic notice "
            + "came first and panic-suppresses-standard = on: NO TAKEOVER. Writes stall until the "
            + "old primary is restarted (this is how 2020-10-01 went; set on-panic = on)", silent);
      }
      return;
    }
    takeover("standard takeover: no heartbeat from the active side for " + silent);
  }

  void onHeartbeat(Heartbeat h, long now) {
    lastPeerHeartbeat = now;
    peerDown = false;
    if (panicReceived) {
      log.info("legacy pair: heartbeats from {} again", h.replicaId());
      panicReceived = false;
      suppressionLogged = false;
    }
    if (h.active() && active
        && (h.generation() > generation
            || (h.generation() == generation && !self.equals(settings.primary())))) {
      log.warn("legacy pair: {} steps down: {} is active at generation {}", self, h.replicaId(),
          h.generation());
      active = false;
    }
    if (h.active() && h.generation() > generation) {
      generation = h.generation();
    }
  }

  void onPanicNotice(PanicNotice n, long now) {
    if (active) {
      return;
    }
    if (settings.onPanic()) {
      takeover("immediate takeover: panic notice from " + n.replicaId() + " (" + n.reason() + ")");
      return;
    }
    panicReceived = true;
    log.error("legacy pair: panic notice from {} ({}) ignored because on-panic = false; {}",
        n.replicaId(), n.reason(), settings.panicSuppressesStandard()
            ? "panic-suppresses-standard = on, so the standard takeover is off too"
            : "standard takeover after " + settings.takeoverAfter() + " without heartbeat");
  }

  /** After a hang ends: the silence was ours, not the peer's. */
  void onResume(long now) {
    lastPeerHeartbeat = now;
  }

  private void takeover(String reason) {
    generation = generation + 1;
    active = true;
    log.warn("legacy pair: TAKEOVER by {} ({}); generation {}: the old primary is fenced", self,
        reason, generation);
  }

  /**
   * Mirrors a write to the standby and answers the standby's outcome: OK when it stored it or is
   * unreachable (the active side then runs alone, degraded, as a NAS head does), FENCED when the
   * standby took over (this side then steps down).
   */
  <R> CompletionStage<Outcome> mirror(ActorRef<StorageNode.Command> peer,
      org.apache.pekko.japi.function.Function<ActorRef<R>, StorageNode.Command> request, Function<R, Outcome> outcome,
      Object localReply, Duration timeout, ActorSystem<?> system) {
    // Mirror only while the partner is heard from (4 heartbeats); a silent partner would make
    // every write wait for the mirror timeout.
    boolean silent = System.nanoTime() - lastPeerHeartbeat
        > settings.heartbeatInterval().toNanos() * 4;
    if (peer == null || peerDown || silent) {
      return CompletableFuture.completedFuture(Outcome.OK);
    }
    Duration t = timeout.dividedBy(3);
    return Asks.<StorageNode.Command, R>ask(peer, request, t, system)
        .handle((r, e) -> {
          if (e != null) {
            if (!peerDown) {
              log.warn("legacy pair: standby did not answer a mirror within {}: running alone "
                  + "(degraded) until it heartbeats again", t);
            }
            peerDown = true;
            return Outcome.OK;
          }
          Outcome o = outcome.apply(r);
          if (o == Outcome.FENCED && active) {
            log.warn("legacy pair: {} was taken over by its peer; stepping down", self);
            active = false;
          }
          return o == Outcome.FENCED ? Outcome.FENCED : Outcome.OK;
        });
  }
}
