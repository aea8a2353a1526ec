package io.kabuto.scenario.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kabuto.scenario.history.History;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A made-up but plausible 60-second history (no cluster): three brokers on three symbols, the node
 * hosting 7203 killed at 20 s (7203 unanswered for a few seconds, the others unaffected) and
 * restarted at 40 s, with the watcher's lines and the final lookups. One acknowledged order is
 * missing from the final lookups, so the page shows a failed verdict with its links.
 */
final class SyntheticRun {
  private final List<JsonNode> lines = new ArrayList<>();
  private final Random rnd = new Random(7);

  private ObjectNode line(String type, long t) {
    ObjectNode n = History.JSON.createObjectNode();
    n.put("seq", lines.size() + 1);
    n.put("t", t);
    n.put("sim", 8 * 3600_000L + t * 300);
    n.put("type", type);
    return n;
  }

  private long add(ObjectNode n) {
    lines.add(n);
    return n.path("seq").asLong();
  }

  static List<JsonNode> lines() {
    return new SyntheticRun().build();
  }

  private List<JsonNode> build() {
    ObjectNode run = line("run", 0);
    run.put("phase", "start").put("scenario", "crash-matching-node");
    run.putObject("gateways").put("node-1", "http://127.0.0.1:45521").put("node-4", "http://127.0.0.1:45524");
    add(run);
    for (String n : List.of("node-1", "node-2", "node-3")) {
      add(line("cluster", 300).put("node", n).put("what", "answers").put("process", "running"));
      add(line("cluster", 320).put("node", n).put("what", "members").put("status", "Up")
          .put("view", "node-1 Up, node-2 Up, node-3 Up"));
    }
    add(line("cluster", 340).put("node", "node-2").put("what", "books").put("books", "7203,4565"));
    add(line("cluster", 340).put("node", "node-3").put("what", "books").put("books", "6758"));
    String[] symbols = {"7203", "6758", "4565"};
    String[] brokers = {"MM1", "NT1", "NT2"};
    List<String[]> acked = new ArrayList<>();
    long tradeId = 1;
    int n = 0;
    boolean killed = false;
    boolean restarted = false;
    for (long t = 500; t < 60_000; t += 90 + rnd.nextInt(60)) {
      if (!killed && t >= 20_000) {
        killed = true;
        ObjectNode f = line("fault", t).put("step", 1).put("phase", "start").put("action", "kill")
            .put("describe", "10:00 kill host-of:7203").put("target", "node-2");
        f.putArray("affected").add("7203").add("4565");
        add(f);
        add(line("fault", t + 40).put("step", 1).put("phase", "done").put("action", "kill")
            .put("detail", "SIGKILL pid 4242, gone after 12 ms, downed by node-1"));
        add(line("cluster", t + 400).put("node", "node-2").put("what", "silent").put("process", "dead"));
        add(line("cluster", t + 900).put("node", "node-1").put("what", "members").put("status", "Up")
            .put("view", "node-1 Up, node-2 Up unreachable, node-3 Up"));
        add(line("cluster", t + 2500).put("node", "node-1").put("what", "members").put("status", "Up")
            .put("view", "node-1 Up, node-3 Up"));
        add(line("cluster", t + 4800).put("node", "node-3").put("what", "books").put("books", "6758,7203,4565"));
      }
      if (!restarted && t >= 40_000) {
        restarted = true;
        ObjectNode f = line("fault", t).put("step", 2).put("phase", "start").put("action", "restart")
            .put("describe", "12:00 restart target-of:1").put("target", "node-2");
        f.putArray("affected").add("7203").add("6758").add("4565");
        add(f);
        add(line("cluster", t + 3000).put("node", "node-2").put("what", "answers").put("process", "running"));
        add(line("fault", t + 3500).put("step", 2).put("phase", "done").put("action", "restart")
            .put("detail", "node-2 is Up again"));
      }
      String sym = symbols[n % 3];
      String broker = brokers[n % 3];
      String id = "s7-" + broker + "-" + n;
      n++;
      long inv = add(line("invoke", t).put("broker", broker).put("op", "new").put("clOrdId", id).put("attempt", 1)
          .put("gw", "http://127.0.0.1:45521").put("symbol", sym).put("side", n % 2 == 0 ? "BUY" : "SELL")
          .put("price", "2000").put("qty", 100).put("tif", "DAY"));
      boolean down = !sym.equals("6758") && t >= 20_000 && t < 25_500;
      if (down && rnd.nextInt(3) > 0) {
        add(line("fail", t + 15_000 > 60_000 ? 59_999 : t + 4000).put("broker", broker).put("op", "new")
            .put("clOrdId", id).put("attempt", 1).put("invoke", inv).put("ms", 15000)
            .put("error", "HttpTimeoutException: request timed out"));
        continue;
      }
      long ms = down ? 3000 + rnd.nextInt(2000) : 3 + rnd.nextInt(15) + (rnd.nextInt(50) == 0 ? 120 : 0);
      ObjectNode ok = line("ok", t + ms).put("broker", broker).put("op", "new").put("clOrdId", id).put("attempt", 1)
          .put("invoke", inv).put("ms", ms).put("http", 200);
      ObjectNode body = ok.putObject("body").put("clOrdId", id).put("symbol", sym).put("orderId", Long.toString(n))
          .put("status", "accepted").put("filled", 0);
      body.putArray("events").addObject().put("type", "ACCEPTED").put("time", 8 * 3600_000L + t * 300);
      if (n % 4 == 0) {
        body.withArray("events").addObject().put("type", "TRADE").put("tradeId", tradeId++).put("price", "2000")
            .put("qty", 100).put("aggressor", true);
        body.put("filled", 100);
      }
      add(ok);
      acked.add(new String[] {broker, id, Long.toString(body.path("filled").asLong()), n % 2 == 0 ? "BUY" : "SELL"});
    }
    for (int i = 0; i < acked.size(); i++) {
      String[] a = acked.get(i);
      ObjectNode f = line("final-order", 60_500).put("broker", a[0]).put("clOrdId", a[1])
          .put("gw", "http://127.0.0.1:45521");
      if (i == 200) {
        f.put("http", 404).putObject("body").put("code", "UNKNOWN_CLORDID").put("error", "no such order");
      } else {
        long filled = Long.parseLong(a[2]);
        f.put("http", 200).putObject("body").put("clOrdId", a[1]).put("status", filled == 100 ? "filled" : "live")
            .put("side", a[3]).put("price", "2000").put("qty", 100).put("filled", filled).put("leaves", 100 - filled);
      }
      add(f);
    }
    return lines;
  }
}
