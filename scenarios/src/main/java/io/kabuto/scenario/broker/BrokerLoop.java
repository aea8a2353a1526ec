package io.kabuto.scenario.broker;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.scenario.model.OnFailure;
import io.kabuto.scenario.run.LiveStats;
import io.kabuto.scenario.run.SimClock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One broker's thread: sends its flow's requests at its rate until the simulated day ends, and
 * handles an exchange that does not answer as its population says: resend the same ClOrdID (on
 * the next gateway when the connection failed) until answered, give up on that order, or (FIX)
 * rely on cancel-on-disconnect and reconcile its open orders once logged on again.
 */
public final class BrokerLoop implements Runnable {
  private final BrokerId broker;
  private final OrderFlow flow;
  private final OrderRoute route;
  private final SimClock clock;
  private final LiveStats stats;
  private final long intervalNanos;
  private final LoadLevel load;
  private final Reconciler reconciler;
  private volatile boolean stopped;
  /**
   * A broker that moved to another gateway tries its own again after this long, as an order
   * router returns to its primary line: customers come back to a restarted main server (FXTF).
   */
  private static final long HOME_AGAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * @param reconciler what a cancel-on-disconnect broker does after its session dropped (null
   *     for the other on-failure rules)
   */
  public BrokerLoop(BrokerId broker, OrderFlow flow, OrderRoute route, SimClock clock, LiveStats stats,
      LoadLevel load, Reconciler reconciler) {
    this.load = load;
    this.broker = broker;
    this.flow = flow;
    this.route = route;
    this.clock = clock;
    this.stats = stats;
    this.reconciler = reconciler;
    this.intervalNanos = (long) (1e9 / broker.population().rate());
  }

  public BrokerLoop(BrokerId broker, OrderFlow flow, OrderRoute route, SimClock clock, LiveStats stats,
      LoadLevel load) {
    this(broker, flow, route, clock, stats, load, null);
  }

  /** Stops resending too (after the run's grace period); the current request still completes. */
  public void stop() {
    stopped = true;
  }

  public BrokerId broker() {
    return broker;
  }

  @Override
  public void run() {
    try {
      int home = broker.ordinal();
      int gateway = home;
      long awaySince = 0;
      long next = System.nanoTime();
      while (!stopped && !clock.over()) {
        List<OrderIntent> intents = flow.next();
        if (intents.isEmpty()) {
          next = pace(next); // nothing to do this turn: look again one interval later
          continue;
        }
        for (OrderIntent intent : intents) {
          next = pace(next);
          if (stopped || clock.over()) {
            return;
          }
          if (gateway != home && System.nanoTime() - awaySince > HOME_AGAIN_NANOS) {
            gateway = home;
          }
          int before = gateway;
          gateway = deliver(intent, gateway);
          if (gateway != before) {
            awaySince = System.nanoTime();
          }
        }
      }
    } finally {
      route.close();
    }
  }

  /** Waits until {@code next}; returns when the turn after it is due. */
  private long pace(long next) {
    long wait = next - System.nanoTime();
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    } else if (wait < -TimeUnit.SECONDS.toNanos(1)) {
      next = System.nanoTime(); // fell behind (a fault held us): no burst to catch up
    }
    return next + (long) (intervalNanos / load.factor());
  }

  private static boolean traded(GatewayClient.Outcome o) {
    for (JsonNode e : o.body().path("events")) {
      if ("TRADE".equals(e.path("type").asText())) {
        return true;
      }
    }
    return false;
  }

  /** Sends one request per the on-failure rule; returns the gateway to use next. */
  private int deliver(OrderIntent intent, int gateway) {
    int attempt = 1;
    OnFailure rule = broker.population().onFailure();
    if (reconciler != null && route.droppedSinceAsked()) {
      reconciler.reconcile(broker, null, route, this::deliverStatus); // dropped while idle
    }
    while (true) {
      stats.sent.incrementAndGet();
      GatewayClient.Outcome o = route.send(broker, intent, attempt, gateway);
      if (!o.unavailable()) {
        stats.answered.incrementAndGet();
        if (o.status() >= 400) {
          stats.refused.incrementAndGet();
        } else if ((intent.op() == OrderIntent.Op.NEW || intent.op() == OrderIntent.Op.REPLACE) && traded(o)) {
          stats.traded(intent.symbol());
        }
        flow.answered(intent, o);
        return gateway;
      }
      stats.unanswered.incrementAndGet();
      if (!o.answered()) {
        gateway++; // that gateway did not answer at all: try the next one
      }
      // a status request changes nothing: asking again is always safe
      boolean resend = rule == OnFailure.RESEND || intent.op() == OrderIntent.Op.STATUS;
      if (rule == OnFailure.CANCEL_ON_DISCONNECT && o.connectionLost() && intent.op() != OrderIntent.Op.STATUS
          && reconciler != null && !stopped) {
        route.droppedSinceAsked(); // this drop is reconciled now
        flow.answered(intent, o);
        reconciler.reconcile(broker, intent, route, this::deliverStatus);
        return gateway;
      }
      if (!resend || stopped) {
        flow.answered(intent, o);
        return gateway;
      }
      attempt++;
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(2000, 250L * attempt)));
    }
  }

  /** A status request, asked until answered (or stopped); its answer, or null. */
  private GatewayClient.Outcome deliverStatus(OrderIntent status) {
    int attempt = 1;
    while (!stopped) {
      stats.sent.incrementAndGet();
      GatewayClient.Outcome o = route.send(broker, status, attempt++, broker.ordinal());
      if (!o.unavailable()) {
        stats.answered.incrementAndGet();
        return o;
      }
      stats.unanswered.incrementAndGet();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(2000, 250L * attempt)));
    }
    return null;
  }
}
