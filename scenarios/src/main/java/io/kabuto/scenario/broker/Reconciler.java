package io.kabuto.scenario.broker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.scenario.history.History;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * What a broker relying on cancel-on-disconnect does once its FIX session dropped: no resend; it
 * asks the status of every order it had live at the drop, and of the one in flight, and writes
 * one {@code reconcile} line per order: the state found and, for the orders that were live,
 * whether it is the cancelled state the exchange's cancel-on-disconnect promises (the order in
 * flight may have reached the book before or after the drop, or never: any state is possible).
 *
 * <p>The exchange cancels after it notices the drop, and a broker that logs on again at once can
 * ask before those cancels are done (seen: 31 ms after the drop). So, like a broker waiting for
 * the cancels' execution reports, it asks again about an order still live until
 * {@link #COD_GRACE} after it began to reconcile, and records how long it waited.
 */
public final class Reconciler {
  /** How long after the drop an order may still be live before the exchange has cancelled it. */
  static final Duration COD_GRACE = Duration.ofSeconds(10);
  private static final Duration ASK_AGAIN = Duration.ofMillis(250);
  private final History history;

  private final Duration grace;

  public Reconciler(History history) {
    this(history, COD_GRACE);
  }

  /** @param grace how long an order may stay live after the reconcile began */
  Reconciler(History history, Duration grace) {
    this.history = history;
    this.grace = grace;
  }

  /**
   * @param inFlight the request whose answer the drop swallowed, or null (the drop came between
   *     two requests)
   * @param ask sends one status request until answered; null when the broker was stopped
   */
  void reconcile(BrokerId broker, OrderIntent inFlight, OrderRoute route,
      Function<OrderIntent, GatewayClient.Outcome> ask) {
    List<OrderRoute.OpenOrder> open = new ArrayList<>(route.openOrders());
    String flying = inFlight != null && inFlight.op() == OrderIntent.Op.NEW ? inFlight.clOrdId() : null;
    if (flying != null && open.stream().noneMatch(o -> o.clOrdId().equals(flying))) {
      open.add(new OrderRoute.OpenOrder(flying, inFlight.symbol()));
    }
    long start = System.nanoTime();
    for (OrderRoute.OpenOrder o : open) {
      boolean inFlightOne = o.clOrdId().equals(flying);
      String state = stateOf(ask.apply(OrderIntent.status(o.clOrdId(), o.symbol())));
      while (state != null && !inFlightOne && state.equals("live")
          && System.nanoTime() - start < grace.toNanos()) {
        LockSupport.parkNanos(ASK_AGAIN.toNanos());
        state = stateOf(ask.apply(OrderIntent.status(o.clOrdId(), o.symbol())));
      }
      if (state == null) {
        return; // stopped
      }
      ObjectNode l = history.line("reconcile");
      l.put("broker", broker.name());
      l.put("clOrdId", o.clOrdId());
      l.put("symbol", o.symbol());
      l.put("state", state);
      l.put("inFlight", inFlightOne);
      l.put("waitedMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      if (!inFlightOne) {
        l.put("expected", "cancelled");
        l.put("asExpected", state.equals("cancelled"));
      }
      history.append(l);
    }
  }

  /** The state a status answer reports ("unknown" for a 404), or null when the broker stopped. */
  private static String stateOf(GatewayClient.Outcome a) {
    if (a == null) {
      return null;
    }
    return a.status() == 404 ? "unknown" : a.body().path("state").asText(a.body().path("status").asText());
  }
}
