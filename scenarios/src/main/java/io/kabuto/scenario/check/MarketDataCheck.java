package io.kabuto.scenario.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.scenario.history.FeedCapture;
import java.util.List;
import java.util.Map;

/**
 * market-data-equal-to-journal: each symbol's feed, as a gateway served it after the run, is
 * numbered without a gap from the oldest message the book retains to the newest, and every message
 * equals the one its book's merged journal implies ({@link FeedDerivation}), as many as it implies.
 */
final class MarketDataCheck {
  static final String WORD = "market-data-equal-to-journal";

  private MarketDataCheck() {}

  static Verdict check(Map<String, FeedCapture> feeds, Map<String, BookLog> logs) {
    Violations v = new Violations();
    long messages = 0;
    for (FeedCapture f : feeds.values()) {
      if (f.error() != null) {
        v.add(f.symbol() + ": the feed could not be read: " + f.error());
        continue;
      }
      BookLog log = logs.get(f.symbol());
      List<String> derived = log == null ? List.of() : FeedDerivation.derive(log);
      if (derived.size() != f.lastSeq()) {
        v.add(f.symbol() + ": the feed's last sequence is " + f.lastSeq() + ", the journal implies " + derived.size()
            + " messages");
      }
      long expect = Math.max(1, f.firstRetained());
      boolean broken = false;
      for (JsonNode m : f.messages()) {
        long seq = m.path("seq").asLong();
        if (seq != expect) {
          v.add(f.symbol() + ": gap in the feed: message " + seq + " follows " + (expect - 1));
          broken = true;
          break;
        }
        expect++;
        messages++;
        String got = FeedDerivation.canonical(m);
        String want = seq <= derived.size() ? derived.get((int) seq - 1) : "(none)";
        if (!got.equals(want)) {
          v.add(f.symbol() + " message " + seq + ": the feed says " + got + ", the journal implies " + want);
          broken = true;
          break;
        }
      }
      if (!broken && expect - 1 != f.lastSeq()) {
        v.add(f.symbol() + ": the feed served messages up to " + (expect - 1) + " but says its last is " + f.lastSeq());
      }
    }
    return Verdict.of(WORD, feeds.size() + " feeds, " + messages + " messages, gap-free and equal to the journal", v);
  }
}
