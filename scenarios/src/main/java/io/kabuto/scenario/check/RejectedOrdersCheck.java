package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code max-rejected}: how many new orders ended refused. An order's fate is its last answer: a
 * broker that resends the same ClOrdID after a 503 or a lost connection is retrying one order, so
 * only a final refusal (an HTTP error other than 503, or a {@code refused}/{@code rejected} order)
 * counts. A rolling restart done right costs the brokers none.
 */
final class RejectedOrdersCheck {
  static final String WORD = "rejected-orders";

  private RejectedOrdersCheck() {}

  static Verdict check(HistoryIndex h, int max) {
    Violations v = new Violations();
    int rejected = 0;
    String first = null;
    for (OrderRecord r : h.orders.values()) {
      if (r.answers.isEmpty()) {
        continue;
      }
      JsonNode last = r.answers.get(r.answers.size() - 1);
      if (refused(last)) {
        rejected++;
        if (first == null) {
          first = r.broker + " " + r.clOrdId + ": HTTP " + last.path("http").asInt() + " "
              + last.path("body").path("code").asText(last.path("body").path("status").asText());
        }
        if (rejected > max) {
          v.add("", r.invoke == null ? 0 : r.invoke.path("seq").asLong(), last.path("seq").asLong());
        }
      }
    }
    if (rejected <= max) {
      return Verdict.pass(WORD, rejected + " new orders refused, limit " + max);
    }
    return new Verdict(WORD, Verdict.Status.FAIL, rejected + " new orders refused, limit " + max
        + "; first: " + first, rejected, v.lines());
  }

  static boolean refused(JsonNode answer) {
    if (!"ok".equals(answer.path("type").asText())) {
      return false;
    }
    int http = answer.path("http").asInt();
    String status = answer.path("body").path("status").asText();
    return (http >= 400 && http != 503) || status.equals("refused") || status.equals("rejected");
  }
}
