package io.kabuto.scenario.broker;

import io.kabuto.scenario.model.OnFailure;
import io.kabuto.scenario.run.LiveStats;
import io.kabuto.scenario.run.SimClock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One broker's thread: sends its flow's requests at its rate until the simulated day ends, and
 * handles an exchange that does not answer as its population says: resend the same ClOrdID (on
 * the next gateway when the connection failed) until answered, or give up on that order.
 */
public final class BrokerLoop implements Runnable {
  private final BrokerId broker;
  private final OrderFlow flow;
  private final GatewayClient client;
  private final SimClock clock;
  private final LiveStats stats;
  private final long intervalNanos;
  private final LoadLevel load;
  private volatile boolean stopped;
  /**
   * A broker that moved to another gateway tries its own again after this long, as an order
   * router returns to its primary line: customers come back to a restarted main server (FXTF).
   */
  private static final long HOME_AGAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

  public BrokerLoop(BrokerId broker, OrderFlow flow, GatewayClient client, SimClock clock, LiveStats stats,
      LoadLevel load) {
    this.load = load;
    this.broker = broker;
    this.flow = flow;
    this.client = client;
    this.clock = clock;
    this.stats = stats;
    this.intervalNanos = (long) (1e9 / broker.population().rate());
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
    int home = broker.ordinal();
    int gateway = home;
    long awaySince = 0;
    long next = System.nanoTime();
    while (!stopped && !clock.over()) {
      for (OrderIntent intent : flow.next()) {
        if (gateway != home && System.nanoTime() - awaySince > HOME_AGAIN_NANOS) {
          gateway = home;
        }
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        } else if (wait < -TimeUnit.SECONDS.toNanos(1)) {
          next = System.nanoTime(); // fell behind (a fault held us): no burst to catch up
        }
        next += (long) (intervalNanos / load.factor());
        if (stopped || clock.over()) {
          return;
        }
        int before = gateway;
        gateway = deliver(intent, gateway);
        if (gateway != before) {
          awaySince = System.nanoTime();
        }
      }
    }
  }

  private static boolean traded(GatewayClient.Outcome o) {
    for (com.fasterxml.jackson.databind.JsonNode e : o.body().path("events")) {
      if ("TRADE".equals(e.path("type").asText())) {
        return true;
      }
    }
    return false;
  }

  /** Sends one request per the on-failure rule; returns the gateway to use next. */
  private int deliver(OrderIntent intent, int gateway) {
    int attempt = 1;
    while (true) {
      stats.sent.incrementAndGet();
      GatewayClient.Outcome o = client.send(broker, intent, attempt, gateway);
      if (!o.unavailable()) {
        stats.answered.incrementAndGet();
        if (o.status() >= 400) {
          stats.refused.incrementAndGet();
        } else if (intent.op() == OrderIntent.Op.NEW && traded(o)) {
          stats.traded(intent.symbol());
        }
        return gateway;
      }
      stats.unanswered.incrementAndGet();
      if (!o.answered()) {
        gateway++; // that gateway did not answer at all: try the next one
      }
      if (broker.population().onFailure() == OnFailure.GIVE_UP || stopped) {
        return gateway;
      }
      attempt++;
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(2000, 250L * attempt)));
    }
  }
}
