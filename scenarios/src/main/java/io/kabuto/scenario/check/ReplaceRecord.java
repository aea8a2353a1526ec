package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the history says about one replace (one ClOrdID of an {@code op: replace} request):
 * the order it names, the new terms sent, every answer. A replace's terms are the order's new
 * limit price and total quantity (fills included).
 */
final class ReplaceRecord {
  /** What the answers say about whether the book applied the replace. */
  enum Fate {
    /** Acknowledged: the book applied it. */
    APPLIED,
    /** Every attempt was answered with a refusal that says the book did not apply it. */
    REFUSED,
    /** No answer, "exchange unavailable", or an answer that fits an earlier attempt having applied it. */
    UNKNOWN
  }

  final String broker;
  final String clOrdId;
  JsonNode invoke;
  int attempts;
  final List<JsonNode> answers = new ArrayList<>();

  ReplaceRecord(String broker, String clOrdId) {
    this.broker = broker;
    this.clOrdId = clOrdId;
  }

  String orig() {
    return invoke.path("orig").asText();
  }

  /** The new limit price as the history writes prices (yen text). */
  String price() {
    return invoke.path("price").asText();
  }

  long qty() {
    return invoke.path("qty").asLong();
  }

  long seq() {
    return invoke.path("seq").asLong();
  }

  List<JsonNode> acks() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode a : answers) {
      if (OrderRecord.accepted(a)) {
        out.add(a);
      }
    }
    return out;
  }

  Fate fate() {
    if (!acks().isEmpty()) {
      return Fate.APPLIED;
    }
    int refusals = 0;
    for (JsonNode a : answers) {
      if (refusal(a)) {
        refusals++;
      }
    }
    // an attempt without a definite refusal (lost, unavailable) may have reached the book
    return refusals > 0 && refusals == attempts ? Fate.REFUSED : Fate.UNKNOWN;
  }

  /**
   * An answer saying the book did not apply this attempt. Not a 503 (the book may apply it after
   * the gateway gave up), not NO_CHANGE (the order already has these terms: an earlier attempt
   * applied). An UNKNOWN_ORDER to a resend is a refusal of that attempt only; {@link #fate} then
   * still counts the unanswered attempt before it.
   */
  private static boolean refusal(JsonNode a) {
    if (!"ok".equals(a.path("type").asText()) || OrderRecord.accepted(a)) {
      return false;
    }
    String code = a.path("body").path("code").asText();
    return a.path("http").asInt() != 503 && !code.equals("NO_CHANGE") && !code.equals("EXCHANGE_UNAVAILABLE");
  }

  /**
   * The replace's own event in an acknowledgement ({@code REPLACED}: the new terms and the
   * quantity left after it, before any trade it made), or a missing node.
   */
  static JsonNode replacedEvent(JsonNode ack) {
    for (JsonNode e : ack.path("body").path("events")) {
      if ("REPLACED".equals(e.path("type").asText())) {
        return e;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
