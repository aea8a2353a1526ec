package io.kabuto.matching;

/** Explicit result codes for commands the book refuses. A rejected command changes nothing. */
public enum Reject {
  NONE("accepted"),
  INVALID_ORDER_ID("order id must be a positive number"),
  INVALID_QUANTITY("quantity must be positive and a multiple of the trading unit"),
  QUANTITY_TOO_LARGE("quantity above the book's maximum order quantity"),
  INVALID_PRICE("limit price must be positive; market orders carry no price"),
  OFF_TICK("price is not on the tick grid for its price band"),
  OUTSIDE_PRICE_LIMIT("price outside today's daily price limits"),
  DUPLICATE_ORDER_ID("an order with this id is live on the book"),
  UNKNOWN_ORDER("no live order with this id (filled, cancelled or never placed)"),
  NOT_OWNER("the order belongs to another participant"),
  MARKET_CLOSED("the book does not accept orders in this phase"),
  TIF_NOT_ALLOWED("IOC and FOK are only accepted during continuous matching"),
  MODIFY_NOT_ALLOWED("market orders can only have their quantity reduced"),
  QUANTITY_BELOW_FILLED("new order quantity must exceed the quantity already filled"),
  NO_CHANGE("modify changes neither price nor quantity"),
  INVALID_PHASE_CHANGE("phase change not allowed"),
  // Appended, not inserted: ordinals of the constants above stay stable.
  INVALID_REQUEST("malformed request: a required field is missing or out of range"),
  UNKNOWN_SYMBOL("no order book is configured for this symbol"),
  INTERNAL_ERROR("the order book failed on this request and restarted from its journal; the "
      + "request was not applied and is not retried"),
  MARKET_HALTED("trading is halted (market-wide or this symbol): new orders, modifies and "
      + "executions wait for `./kabuto market resume`; cancels are accepted"),
  // Rejects are replies only (never journaled), so appending keeps every journal readable.
  UNKNOWN_TRADE("no trade with this id today that can be busted (never made, from an earlier "
      + "trading day, or already busted)");

  private final String reason;

  Reject(String reason) {
    this.reason = reason;
  }

  /** Human-readable reason, used in FIX rejects and HTTP errors. */
  public String reason() {
    return reason;
  }
}
