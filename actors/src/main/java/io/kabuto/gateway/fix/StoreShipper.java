package io.kabuto.gateway.fix;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Ships one FIX session's sent messages and sequence numbers to its {@link FixSessionLog}, in
 * order, with one request in flight and at most one every {@code interval}: what arrives
 * meanwhile goes out in the next request, so the batches grow with the load and the journal sees
 * a bounded number of small writes per session, not one per order. A request that is not
 * acknowledged in time is sent again (the entity's updates are idempotent).
 */
final class StoreShipper {
  private StoreShipper() {}

  /** A message was stored locally as {@code seq}. */
  record Sent(int seq, String message) {}

  /** The local sequence numbers changed. */
  record Seqs(int nextSender, int nextTarget) {}

  /** The local store was reset. */
  record Reset(long creationTime) {}

  /** Flush, then record a clean close; {@code done} runs when the cluster has it (or not). */
  record Close(int nextSender, Runnable done) {}

  private record Batch(List<FixSessionLog.Sent> sent, Seqs seqs) {}

  private record Answered(Object request, int messages, boolean ok) {}

  /** The interval since the last request has passed. */
  private enum Tick { INSTANCE }

  /**
   * @param acked told how many messages the cluster acknowledged, after each acknowledgement
   */
  static Behavior<Object> create(EntityRef<FixSessionLog.Command> entity, Duration askTimeout,
      Duration interval, IntConsumer acked) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Running(ctx, timers, entity, askTimeout, interval, acked).behavior()));
  }

  /** This node's name in {@link FixSessionLog.Append#node()}. */
  static String node(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address().toString();
  }

  private static final class Running {
    private final ActorContext<Object> ctx;
    private final org.apache.pekko.actor.typed.javadsl.TimerScheduler<Object> timers;
    private final long intervalNanos;
    /** When the last batch went out; the next waits until {@code intervalNanos} after it. */
    private long lastSentNanos;
    private boolean waiting;
    private final EntityRef<FixSessionLog.Command> entity;
    private final Duration askTimeout;
    private final IntConsumer acked;
    private List<FixSessionLog.Sent> pending = new ArrayList<>();
    private Seqs seqs;
    private boolean dirty;
    private Reset reset;
    private final List<Close> closes = new ArrayList<>();
    private boolean inFlight;
    private final String node;

    Running(ActorContext<Object> ctx,
        org.apache.pekko.actor.typed.javadsl.TimerScheduler<Object> timers,
        EntityRef<FixSessionLog.Command> entity, Duration askTimeout, Duration interval,
        IntConsumer acked) {
      this.ctx = ctx;
      this.timers = timers;
      this.intervalNanos = interval.toNanos();
      this.entity = entity;
      this.askTimeout = askTimeout;
      this.acked = acked;
      this.node = node(ctx.getSystem());
    }

    Behavior<Object> behavior() {
      return Behaviors.receive((c, msg) -> {
        if (msg instanceof Sent s) {
          pending.add(new FixSessionLog.Sent(s.seq(), s.message()));
          dirty = true;
        } else if (msg instanceof Seqs s) {
          seqs = s;
          dirty = true;
        } else if (msg instanceof Reset r) {
          // Whatever was not shipped belongs to the old sequence: drop it.
          pending = new ArrayList<>();
          dirty = false;
          reset = r;
        } else if (msg instanceof Close cl) {
          closes.add(cl);
        } else if (msg == Tick.INSTANCE) {
          waiting = false;
        } else if (msg instanceof Answered a) {
          inFlight = false;
          if (!a.ok()) {
            send(a.request(), a.messages()); // the same request again
            return Behaviors.same();
          }
          if (a.messages() > 0) {
            acked.accept(a.messages());
          }
        }
        next();
        return Behaviors.same();
      });
    }

    private void next() {
      if (inFlight) {
        return;
      }
      if (reset != null) {
        Reset r = reset;
        reset = null;
        send(r, 0);
      } else if (dirty && seqs != null) {
        long wait = lastSentNanos + intervalNanos - System.nanoTime();
        if (waiting) {
          return;
        }
        if (wait > 0 && closes.isEmpty()) {
          waiting = true;
          timers.startSingleTimer(Tick.INSTANCE, Duration.ofNanos(wait));
          return;
        }
        lastSentNanos = System.nanoTime();
        List<FixSessionLog.Sent> batch = pending;
        pending = new ArrayList<>();
        dirty = false;
        send(new Batch(batch, seqs), batch.size());
      } else if (!closes.isEmpty()) {
        send(closes.remove(0), 0);
      }
    }

    private void send(Object request, int messages) {
      inFlight = true;
      if (request instanceof Reset reset) {
        ctx.ask(FixSessionLog.Acked.class, entity, askTimeout,
            reply -> new FixSessionLog.Reset(reset.creationTime(), reply),
            (ok, failure) -> new Answered(request, messages, ok != null));
      } else if (request instanceof Close cl) {
        ctx.ask(FixSessionLog.Acked.class, entity, askTimeout,
            reply -> new FixSessionLog.Close(cl.nextSender(), reply),
            (ok, failure) -> {
              cl.done().run();
              return new Answered(request, 0, true); // a close is best effort
            });
      } else if (request instanceof Batch b) {
        ctx.ask(FixSessionLog.Acked.class, entity, askTimeout,
            reply -> new FixSessionLog.Append(b.sent(), b.seqs().nextSender(),
                b.seqs().nextTarget(), node, reply),
            (ok, failure) -> new Answered(request, messages, ok != null));
      }
    }
  }
}
