package io.kabuto.node;

import io.kabuto.testing.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.book.OrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import io.kabuto.persistence.journal.StorageReplicas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real processes: three storage nodes started with {@code KabutoCli node --roles storage}, an
 * order book on a matching node in this JVM journaling to them, and a SIGKILL of one storage
 * process while the book takes orders. No acknowledged order is lost, orders keep being
 * acknowledged, and the killed replica, restarted on its directory, catches up.
 */
class StorageProcessKillTest {
  private static final String SYMBOL = "7203";
  private static final long PRICE = 20_000; // 2000 yen
  private final List<Process> processes = new ArrayList<>();
  private final List<KabutoNode> nodes = new ArrayList<>();
  private Path root;

  @AfterEach
  void cleanUp() throws IOException {
    for (KabutoNode n : nodes) {
      n.terminate();
      n.awaitTermination(Duration.ofSeconds(20));
    }
    for (Process p : processes) {
      p.destroyForcibly();
    }
    if (root != null) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }


  private Path config(String name) throws IOException {
    Path f = root.resolve(name + ".conf");
    Files.writeString(f, "kabuto.node.name = " + name + "\n"
        + "kabuto.storage { replicas = [st-1, st-2, st-3], request-timeout = 2s,"
        + " catch-up.retry = 500ms }\n");
    return f;
  }

  private Process startStorage(String name, int port, int seedPort) throws Exception {
    Path log = root.resolve(name + "-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            "io.kabuto.cli.KabutoCli", "node", "--roles", "storage",
            "--port", String.valueOf(port), "--seeds", "127.0.0.1:" + seedPort,
            "--data-dir", root.resolve(name).toString(), "--config", config(name).toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(log).contains("node up:")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError(name + " did not come up:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return p;
  }

  private KabutoNode startMatching(String name, int seedPort) throws Exception {
    NodeConfig nc = NodeConfig.build(new NodeConfig.Options().roles(List.of("matching")).port(0)
        .seeds(List.of("127.0.0.1:" + seedPort)).dataDir(root.resolve(name))
        .configFile(config(name)));
    KabutoNode n = KabutoNode.start(nc);
    nodes.add(n);
    n.up().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return n;
  }

  private static OrderBook.Response ask(KabutoNode n,
      ActorRef<ShardingEnvelope<OrderBook.Command>> books,
      Function<ActorRef<OrderBook.Response>, OrderBook.Command> cmd) {
    return AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>ask(books,
            r -> new ShardingEnvelope<>(SYMBOL, cmd.apply(r)), Duration.ofSeconds(15),
            n.system().scheduler())
        .toCompletableFuture().join();
  }

  @Test
  void sigkill_of_a_storage_process_loses_no_acknowledged_order() throws Exception {
    root = Files.createTempDirectory("kabuto-kill-test");
    int p1 = FreePorts.next();
    int p2 = FreePorts.next();
    int p3 = FreePorts.next();
    startStorage("st-1", p1, p1);
    Process st2 = startStorage("st-2", p2, p1);
    startStorage("st-3", p3, p1);
    KabutoNode m = startMatching("m-1", p1);
    var books = OrderBook.init(m.system());
    long t = 9 * 3_600_000L;
    // A new book opens in continuous trading; make sure, whatever the default.
    ask(m, books, r -> new OrderBook.SetPhase(Phase.CONTINUOUS, t, r));

    int acked = 0;
    for (long id = 1; id <= 300; id++) {
      long oid = id;
      if (id == 101) {
        st2.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
      }
      OrderBook.Response r = ask(m, books, reply -> new OrderBook.PlaceOrder(oid, 1, Side.BUY,
          OrderType.LIMIT, TimeInForce.DAY, PRICE, 100, SelfTradePrevention.NONE, t + oid, reply));
      assertInstanceOf(OrderBook.Accepted.class, r, "order " + id + " after the kill: " + r);
      acked++;
    }
    assertEquals(300, acked);

    m.terminate();
    m.awaitTermination(Duration.ofSeconds(30));
    startStorage("st-2", p2, p1); // back on its directory
    KabutoNode m2 = startMatching("m-2", p1);
    var books2 = OrderBook.init(m2.system());
    OrderBook.Response depth = ask(m2, books2, r -> new OrderBook.GetDepth(5, r));
    OrderBook.Depth d = assertInstanceOf(OrderBook.Depth.class, depth);
    assertEquals(1, d.bids().size());
    assertEquals(300 * 100, d.bids().get(0).qty(), "every acknowledged order is in the book");

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (StorageReplicas.get(m2.system()).health().underReplicated()) {
      assertTrue(System.nanoTime() < deadline, "st-2 did not catch up: "
          + StorageReplicas.get(m2.system()).health());
      Thread.sleep(200);
    }
  }
}
