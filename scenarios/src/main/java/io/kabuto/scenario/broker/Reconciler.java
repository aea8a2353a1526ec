package io.kabuto.scenario.broker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.scenario.history.History;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What a broker relying on cancel-on-disconnect does once its FIX session dropped: no resend; it
 * asks the status of every order it had live at the drop, and of the one in flight, and writes
 * one {@code reconcile} line per order: the state found and, for the orders that were live,
 * whether it is the cancelled state the exchange's cancel-on-disconnect promises (the order in
 * flight may have reached the book before or after the drop, or never: any state is possible).
 */
public final class Reconciler {
  private final History history;

  public Reconciler(History history) {
    this.history = history;
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
    for (OrderRoute.OpenOrder o : open) {
      GatewayClient.Outcome a = ask.apply(OrderIntent.status(o.clOrdId(), o.symbol()));
      if (a == null) {
        return;
      }
      String state = a.status() == 404 ? "unknown" : a.body().path("state").asText(a.body().path("status").asText());
      boolean inFlightOne = o.clOrdId().equals(flying);
      ObjectNode l = history.line("reconcile");
      l.put("broker", broker.name());
      l.put("clOrdId", o.clOrdId());
      l.put("symbol", o.symbol());
      l.put("state", state);
      l.put("inFlight", inFlightOne);
      if (!inFlightOne) {
        l.put("expected", "cancelled");
        l.put("asExpected", state.equals("cancelled"));
      }
      history.append(l);
    }
  }
}
