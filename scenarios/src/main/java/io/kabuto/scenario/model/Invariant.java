package io.kabuto.scenario.model;

/** The properties the checker can verify after a run, in the scenario file's words. */
public enum Invariant {
  NO_LOST_ACK("no-lost-ack", "every acknowledged order is still known to the exchange, consistently"),
  NO_DUPLICATE_EXECUTION("no-duplicate-execution", "no trade id is reported for two different orders"),
  NO_OVERFILL("no-overfill", "no order is filled beyond its quantity"),
  RESENDS_NEVER_DUPLICATE("resends-never-duplicate", "a ClOrdID sent again names the same single order"),
  FILLS_MATCH_BOOK_VOLUME("fills-match-book-volume",
      "per symbol, bought = sold = the book's traded volume"),
  REFERENCE_MODEL("reference-model",
      "each book's trades equal a replay of its accepted input through the matching core");

  public final String word;
  public final String meaning;

  Invariant(String word, String meaning) {
    this.word = word;
    this.meaning = meaning;
  }
}
