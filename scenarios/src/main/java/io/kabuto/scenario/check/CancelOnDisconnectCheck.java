package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * A broker that relies on cancel-on-disconnect does not resend after its FIX session drops: it
 * logs on again and asks the state of every order it had live (its {@code reconcile} lines).
 * Each must be cancelled, or filled (a fill can beat the drop, or the exchange noticing it); one
 * still live means the exchange broke its promise and the broker has exposure it does not know
 * of, and an unknown one means an acknowledged order vanished. The order that was in flight at
 * the drop may be in any state.
 */
final class CancelOnDisconnectCheck {
  static final String WORD = "cancel-on-disconnect-honoured";

  private CancelOnDisconnectCheck() {}

  /** NOT_CHECKED when no broker reconciled (none relies on cancel-on-disconnect, or none dropped). */
  static Verdict check(HistoryIndex h) {
    Violations v = new Violations();
    Map<String, Integer> states = new TreeMap<>();
    int inFlight = 0;
    for (JsonNode l : h.bySeq.values()) {
      if (!"reconcile".equals(l.path("type").asText())) {
        continue;
      }
      String state = l.path("state").asText();
      if (l.path("inFlight").asBoolean()) {
        inFlight++;
        continue;
      }
      states.merge(state, 1, Integer::sum);
      String who = "order " + l.path("clOrdId").asText() + " of " + l.path("broker").asText()
          + " on " + l.path("symbol").asText();
      if (state.equals("unknown")) {
        v.add(who + " was live when its session dropped and is unknown to the exchange after it",
            l.path("seq").asLong());
      } else if (!state.equals("cancelled") && !state.equals("filled")) {
        v.add(who + " is still " + state + " after its session dropped: cancel-on-disconnect did "
            + "not cancel it", l.path("seq").asLong());
      }
    }
    if (states.isEmpty() && inFlight == 0) {
      return Verdict.notChecked(WORD, "no broker relying on cancel-on-disconnect lost its session");
    }
    return Verdict.of(WORD, "orders live at a drop, found afterwards: " + states
        + (inFlight > 0 ? "; " + inFlight + " in flight at the drop (any state is right)" : ""), v);
  }
}
