package io.kabuto.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One participant floods a gateway node over HTTP from many connections while two others place
 * orders at a steady modest rate: the others' orders all succeed, their median latency during
 * the flood stays within a small factor of their median before it (or a small absolute margin:
 * 2 shared cores), and the flooder is rate-limited. Not a benchmark: a generous ratio in one run.
 *
 * <p>The caps are set below what this one-node test exchange persists per second (every order
 * is a journal write), as an exchange sets them below its capacity: the test is about what the
 * gateway does with the traffic above a participant's cap, not about storage throughput.
 */
class FloodIsolationTest {
  private static final String FLOOD = "flood-token";
  private static final String CALM1 = "calm1-token";
  private static final String CALM2 = "calm2-token";
  // Spread over books S3..S20 so that the flood is limited by the gateway, not by one book.
  private static final int FLOOD_CONNECTIONS = 64;
  private static final int CALM_ORDERS = 40;
  private static HttpTestNode n;

  @BeforeAll
  static void start() throws Exception {
    n = new HttpTestNode("""
        kabuto.gateway.participants {
          FLOOD { id = 11, password = "f", token = "flood-token", rate-per-second = 20,
                  max-order-qty = 1000000, max-notional-yen = 1000000000,
                  cancel-on-disconnect = off }
          CALM1 { id = 12, password = "c1", token = "calm1-token", rate-per-second = 100,
                  max-order-qty = 1000000, max-notional-yen = 1000000000,
                  cancel-on-disconnect = off }
          CALM2 { id = 13, password = "c2", token = "calm2-token", rate-per-second = 100,
                  max-order-qty = 1000000, max-notional-yen = 1000000000,
                  cancel-on-disconnect = off }
        }
        """);
  }

  @AfterAll
  static void stop() {
    if (n != null) {
      n.close();
    }
  }

  /** Places {@code count} orders, one every 50 ms; returns each latency in ms (-1: failed). */
  private static List<Long> calm(String token, String symbol, String prefix, int count)
      throws Exception {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      HttpTestNode.Res r = n.post("/orders", token,
          HttpTestNode.order(prefix + i, symbol, "BUY", "1990", 1));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (r.status() != 200) {
        throw new AssertionError(prefix + i + ": " + r.status() + " " + r.raw());
      }
      out.add(ms);
      Thread.sleep(50);
    }
    return out;
  }

  private static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private record Phase(long median1, long median2) {}

  private static Phase both(ExecutorService pool, String phase) throws Exception {
    Future<List<Long>> a = pool.submit(() -> calm(CALM1, "S1", phase + "-a-", CALM_ORDERS));
    Future<List<Long>> b = pool.submit(() -> calm(CALM2, "S2", phase + "-b-", CALM_ORDERS));
    return new Phase(median(a.get(120, TimeUnit.SECONDS)), median(b.get(120, TimeUnit.SECONDS)));
  }

  @Test
  void a_flooding_participant_does_not_slow_the_others_beyond_a_small_factor() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(FLOOD_CONNECTIONS + 2);
    try {
      both(pool, "warm"); // JIT, books opened, connections made
      Phase before = both(pool, "before");

      AtomicBoolean flooding = new AtomicBoolean(true);
      AtomicLong sent = new AtomicLong();
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      HttpClient flooder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      List<Future<?>> floods = new ArrayList<>();
      for (int c = 0; c < FLOOD_CONNECTIONS; c++) {
        int conn = c;
        floods.add(pool.submit(() -> {
          for (int i = 0; flooding.get(); i++) {
            HttpRequest req = HttpRequest.newBuilder(n.uri("/orders"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + FLOOD)
                .POST(HttpRequest.BodyPublishers.ofString(
                    HttpTestNode.order("f-" + conn + "-" + i, "S" + (3 + (conn + i) % 18),
                        "BUY", "1990", 1)))
                .build();
            int status;
            try {
              status = flooder.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (Exception e) {
              status = -1;
            }
            sent.incrementAndGet();
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
          }
          return null;
        }));
      }
      Thread.sleep(1000); // the flood is on
      long floodStart = sent.get();
      long t0 = System.nanoTime();
      Phase during = both(pool, "during");
      double seconds = (System.nanoTime() - t0) / 1e9;
      long floodRate = (long) ((sent.get() - floodStart) / seconds);
      flooding.set(false);
      for (Future<?> f : floods) {
        f.get(60, TimeUnit.SECONDS);
      }

      String numbers = "calm medians before " + before + " ms, during " + during
          + " ms; flood " + sent.get() + " requests (" + floodRate + "/s during the "
          + "measurement) on " + FLOOD_CONNECTIONS + " connections, statuses " + statuses;
      System.out.println("FloodIsolationTest: " + numbers);
      assertTrue(statuses.getOrDefault(429, new AtomicInteger()).get() > 0,
          "the flooder was never rate-limited: " + numbers);
      assertTrue(floodRate > 4 * 20, "not a flood (cap 20/s): " + numbers);
      assertEquals(0, statuses.getOrDefault(-1, new AtomicInteger()).get(),
          "flood requests failed outright: " + numbers);
      assertTrue(within(before.median1(), during.median1()), "CALM1 slowed down: " + numbers);
      assertTrue(within(before.median2(), during.median2()), "CALM2 slowed down: " + numbers);
    } finally {
      pool.shutdownNow();
    }
  }

  /** At most 5x the quiet median, or the quiet median + 50 ms (whichever is larger). */
  private static boolean within(long quiet, long flooded) {
    return flooded <= Math.max(5 * quiet, quiet + 50);
  }
}
