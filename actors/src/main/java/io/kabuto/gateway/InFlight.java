package io.kabuto.gateway;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A session's requests waiting for a book, against the bounds of {@link GatewaySettings}: its
 * own and those of every session of its gateway node together. Beyond a bound the session
 * refuses at once (EXCHANGE_BUSY) rather than queue work the books cannot take. Used on the
 * session's actor only; the node's count is shared.
 */
final class InFlight {
  private final GatewaySettings settings;
  private final AtomicInteger node;
  private int mine;

  InFlight(GatewaySettings settings, AtomicInteger node) {
    this.settings = settings;
    this.node = node;
  }

  void started() {
    mine++;
    node.incrementAndGet();
  }

  void finished() {
    mine--;
    node.decrementAndGet();
  }

  /** The session stopped: whatever it had in flight no longer holds room on the node. */
  void releaseAll() {
    node.addAndGet(-mine);
    mine = 0;
  }

  /** Whether a bound is reached; a cancel reduces risk, so it gets twice the room. */
  boolean busy(boolean cancel) {
    int factor = cancel ? 2 : 1;
    return mine >= settings.maxInFlightPerSession() * factor
        || node.get() >= settings.maxInFlightPerNode() * factor;
  }

  /** Which bound, for the refusal's text. */
  String why() {
    return mine >= settings.maxInFlightPerSession()
        ? mine + " requests of this session in flight, bound " + settings.maxInFlightPerSession()
        : node.get() + " requests of this gateway node in flight, bound "
            + settings.maxInFlightPerNode();
  }
}
