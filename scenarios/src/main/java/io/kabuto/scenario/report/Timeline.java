package io.kabuto.scenario.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The history cut into one-second buckets of wall time: orders sent, answers, latency
 * percentiles, unanswered orders, and per symbol whether it traded, was answered or was down.
 */
final class Timeline {
  /** Per symbol and second: 0 no orders, 1 answered, 2 traded, 3 only unanswered. */
  static final int IDLE = 0;
  static final int ANSWERED = 1;
  static final int TRADED = 2;
  static final int DOWN = 3;

  final int seconds;
  final double[] ordersPerSecond;
  final double[] p50;
  final double[] p99;
  final double[] unanswered;
  final Map<String, int[]> symbolState = new TreeMap<>();

  Timeline(List<JsonNode> lines) {
    long last = 0;
    for (JsonNode l : lines) {
      last = Math.max(last, l.path("t").asLong());
    }
    seconds = (int) (last / 1000) + 1;
    ordersPerSecond = new double[seconds];
    p50 = new double[seconds];
    p99 = new double[seconds];
    unanswered = new double[seconds];
    List<List<Long>> lat = new ArrayList<>();
    for (int i = 0; i < seconds; i++) {
      lat.add(new ArrayList<>());
    }
    Map<String, String> symbolOf = new java.util.HashMap<>();
    for (JsonNode l : lines) {
      String type = l.path("type").asText();
      boolean isNew = "new".equals(l.path("op").asText());
      int s = (int) (l.path("t").asLong() / 1000);
      if (type.equals("invoke") && isNew) {
        ordersPerSecond[s]++;
        symbolOf.put(l.path("broker").asText() + "/" + l.path("clOrdId").asText(), l.path("symbol").asText());
      } else if ((type.equals("ok") || type.equals("fail")) && isNew) {
        String sym = symbolOf.get(l.path("broker").asText() + "/" + l.path("clOrdId").asText());
        int[] st = sym == null ? null : symbolState.computeIfAbsent(sym, k -> new int[seconds]);
        boolean none = type.equals("fail") || l.path("http").asInt() == 503;
        if (none) {
          unanswered[s]++;
          if (st != null && st[s] == IDLE) {
            st[s] = DOWN;
          }
        } else {
          lat.get(s).add(l.path("ms").asLong());
          if (st != null) {
            boolean traded = false;
            for (JsonNode e : l.path("body").path("events")) {
              traded |= "TRADE".equals(e.path("type").asText());
            }
            st[s] = Math.max(st[s] == DOWN ? IDLE : st[s], traded ? TRADED : ANSWERED);
          }
        }
      }
    }
    for (int i = 0; i < seconds; i++) {
      long[] xs = lat.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
      p50[i] = percentile(xs, 0.50);
      p99[i] = percentile(xs, 0.99);
    }
  }

  static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  static double max(double[] xs) {
    return Arrays.stream(xs).max().orElse(0);
  }
}
