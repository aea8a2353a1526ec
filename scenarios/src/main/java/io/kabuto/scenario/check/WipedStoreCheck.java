package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A storage node restarted on an empty data directory (a {@code restart} step with {@code wipe =
 * true}) must come back as a new store that does not vote until it has caught up from the others:
 * an empty store's "I have nothing" counted in a majority could let a recovery miss acknowledged
 * writes. Read from what the step saw of the node's own replica in its {@code /health}.
 */
final class WipedStoreCheck {
  static final String WORD = "wiped-store-catches-up";

  private WipedStoreCheck() {}

  /** NOT_CHECKED without a wiped restart. */
  static Verdict check(HistoryIndex h) {
    Violations v = new Violations();
    List<String> seen = new ArrayList<>();
    for (JsonNode f : h.faults) {
      JsonNode w = f.path("wipedStore");
      if (w.isMissingNode()) {
        continue;
      }
      String node = w.path("node").asText();
      long seq = f.path("seq").asLong();
      String store = w.path("firstStore").asText();
      long caught = w.path("caughtUpMillis").asLong(-1);
      if (w.path("votedBeforeCaughtUp").asBoolean()) {
        v.add(node + " voted before it had caught up (store " + store + ")", seq);
      } else if (caught < 0) {
        v.add(node + " did not catch up after its restart on an empty directory (store " + store + ")", seq);
      } else if (store.equals("never reported")) {
        v.add(node + " never reported its store after the restart", seq);
      } else if (!w.path("sawCatchingUp").asBoolean() && !w.path("logSaysNotVoting").asBoolean()) {
        v.add(node + " came back on an empty directory (store " + store + ") with no sign it waited to vote: "
            + "neither seen catching up nor logged as a non-voter", seq);
      } else {
        seen.add(node + ": store " + store + ", not voting until caught up ("
            + (w.path("sawCatchingUp").asBoolean() ? "seen catching up, " : "") + (w.path("logSaysNotVoting").asBoolean()
                ? "its log says so, " : "") + "up to date " + caught + " ms after Up)");
      }
    }
    if (seen.isEmpty() && v.count() == 0) {
      return Verdict.notChecked(WORD, "no restart on an empty data directory");
    }
    return Verdict.of(WORD, String.join("; ", seen), v);
  }
}
