package io.kabuto.scenario.model;

/** What a broker does when the exchange does not answer an order (timeout, 503, no connection). */
public enum OnFailure {
  /** Send the same ClOrdID again (to another gateway if the connection failed) until answered. */
  RESEND("resend"),
  /** Cannot resend: the order's fate stays unknown to the broker until the final lookup. */
  GIVE_UP("give-up"),
  /**
   * FIX only: the broker relies on the exchange's cancel-on-disconnect. On losing the connection
   * it does not resend; it logs on again and asks the status of its open orders, expecting them
   * cancelled.
   */
  CANCEL_ON_DISCONNECT("cancel-on-disconnect");

  public final String word;

  OnFailure(String word) {
    this.word = word;
  }
}
