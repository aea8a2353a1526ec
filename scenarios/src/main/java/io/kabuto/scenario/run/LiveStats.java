package io.kabuto.scenario.run;

import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters the progress line reads (the report computes its figures from the history). */
public final class LiveStats {
  public final AtomicLong sent = new AtomicLong();
  public final AtomicLong answered = new AtomicLong();
  /** No answer, or 503 exchange unavailable. */
  public final AtomicLong unanswered = new AtomicLong();
  /** Answered with a refusal or a rejection (4xx). */
  public final AtomicLong refused = new AtomicLong();
  public final AtomicLong faultsDone = new AtomicLong();
  private final Map<String, Long> lastTrade = new ConcurrentHashMap<>();
  private final Map<String, Long> lastFault = new ConcurrentHashMap<>();

  public void traded(String symbol) {
    lastTrade.put(symbol, System.nanoTime());
  }

  public void faulted(Iterable<String> symbols) {
    long now = System.nanoTime();
    symbols.forEach(s -> lastFault.put(s, now));
  }

  /** Symbols hit by a fault that have not traded since. */
  public TreeSet<String> recovering() {
    TreeSet<String> out = new TreeSet<>();
    lastFault.forEach((s, f) -> {
      if (lastTrade.getOrDefault(s, Long.MIN_VALUE) < f) {
        out.add(s);
      }
    });
    return out;
  }
}
