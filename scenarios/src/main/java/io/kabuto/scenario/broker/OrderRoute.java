package io.kabuto.scenario.broker;

import java.util.List;

/**
 * How a broker's requests reach the exchange (HTTP or FIX). Every route writes the same history:
 * an {@code invoke} line before a request is sent and an {@code ok} line (with the HTTP status
 * and body the request has, or would have, over HTTP) or a {@code fail} line (no answer) after,
 * because the checker reads that shape whatever the protocol.
 */
public interface OrderRoute extends AutoCloseable {

  /**
   * Sends one request and waits for its answer.
   *
   * @param attempt 1 for the first send, more for a resend of the same ClOrdID
   * @param gatewayIndex which gateway to try (a route that fails over by itself ignores it)
   */
  GatewayClient.Outcome send(BrokerId broker, OrderIntent intent, int attempt, int gatewayIndex);

  /**
   * The orders this route knows to be live on the book (acknowledged with quantity left, no
   * fill or cancel since). Only a route with a session that reports executions (FIX) knows.
   */
  default List<OpenOrder> openOrders() {
    return List.of();
  }

  /**
   * True once after the route's session to the exchange dropped (FIX), so that a broker relying
   * on cancel-on-disconnect reconciles also when the drop came between two requests.
   */
  default boolean droppedSinceAsked() {
    return false;
  }

  /** A live order: its ClOrdID and symbol. */
  record OpenOrder(String clOrdId, String symbol) {}

  @Override
  default void close() {}
}
