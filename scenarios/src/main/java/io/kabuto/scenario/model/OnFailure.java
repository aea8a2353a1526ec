package io.kabuto.scenario.model;

/** What a broker does when the exchange does not answer an order (timeout, 503, no connection). */
public enum OnFailure {
  /** Send the same ClOrdID again (to another gateway if the connection failed) until answered. */
  RESEND("resend"),
  /** Cannot resend: the order's fate stays unknown to the broker until the final lookup. */
  GIVE_UP("give-up");

  public final String word;

  OnFailure(String word) {
    this.word = word;
  }
}
