package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the history says about one ClOrdID of one broker: what was sent, every answer, and
 * the final lookup.
 */
final class OrderRecord {
  final String broker;
  final String clOrdId;
  JsonNode invoke;
  int attempts;
  final List<JsonNode> answers = new ArrayList<>();
  JsonNode finalLookup;

  OrderRecord(String broker, String clOrdId) {
    this.broker = broker;
    this.clOrdId = clOrdId;
  }

  String symbol() {
    return invoke.path("symbol").asText();
  }

  String side() {
    return invoke.path("side").asText();
  }

  long qty() {
    return invoke.path("qty").asLong();
  }

  /** Answers that say the book accepted the order (an acknowledgement). */
  List<JsonNode> acks() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode a : answers) {
      if (a.path("http").asInt() == 200 && "accepted".equals(a.path("body").path("status").asText())) {
        out.add(a);
      }
    }
    return out;
  }

  /** The final lookup's document, or null if the lookup got no answer. */
  JsonNode finalBody() {
    return finalLookup == null || finalLookup.path("http").asInt(-1) < 0 ? null : finalLookup.path("body");
  }

  boolean finalKnown() {
    return finalLookup != null && finalLookup.path("http").asInt() == 200;
  }
}
