package io.kabuto.gateway;

/** Why a gateway refused a request before (or instead of) the book. */
public enum GatewayReject {
  RATE_LIMITED("order rate above this participant's cap; slow down and resend"),
  QUANTITY_LIMIT("quantity above this participant's per-order limit"),
  NOTIONAL_LIMIT("price x quantity above this participant's per-order limit"),
  KILL_SWITCH("this participant is blocked by the kill switch; ask the exchange to release it"),
  DUPLICATE_CLORDID("this ClOrdID was already used today for a different order"),
  UNKNOWN_CLORDID("no order with this ClOrdID from this participant today"),
  EXCHANGE_UNAVAILABLE("the order book did not answer before the deadline; the order's state is "
      + "unknown: resend the same ClOrdID to learn it (a resend never creates a second order)"),
  EXCHANGE_BUSY("the exchange is at its capacity for this session or gateway node: nothing was "
      + "done with this request; resend it after a short pause"),
  INVALID("malformed request"),
  MARKET_HALTED("trading in this symbol is halted; cancels are still accepted");

  private final String reason;

  GatewayReject(String reason) {
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
