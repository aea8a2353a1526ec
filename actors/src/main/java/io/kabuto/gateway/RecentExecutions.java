package io.kabuto.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last {@code capacity} executions a session forwarded, by (symbol, book sequence, index, order): both sides of a self-trade share an index;
 * pub-sub may deliver one twice (a topic seen through two registrations during a membership
 * change), and a broker must not see a fill twice. Bounded: an execution older than the last
 * {@code capacity} is not redelivered in practice, and memory stays flat all day.
 */
final class RecentExecutions {
  private record Id(String symbol, long bookSeq, int index, long orderId) {}

  private final Map<Id, Boolean> seen;

  RecentExecutions(int capacity) {
    this.seen = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Id, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** True the first time this execution is seen (within the bound). */
  boolean firstTime(String symbol, long bookSeq, int index, long orderId) {
    return seen.putIfAbsent(new Id(symbol, bookSeq, index, orderId), Boolean.TRUE) == null;
  }
}
