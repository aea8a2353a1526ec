package io.kabuto.scenario.model;

/** How a broker population reaches the gateways. */
public enum Protocol {
  /** JSON over the gateways' HTTP port, a bearer token per participant. */
  HTTP,
  /** A FIX 4.4 session (QuickFIX/J initiator) to the gateways' FIX acceptors. */
  FIX
}
