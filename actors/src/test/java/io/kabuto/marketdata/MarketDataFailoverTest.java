package io.kabuto.marketdata;

import io.kabuto.testing.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.book.OrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import io.kabuto.node.KabutoNode;
import io.kabuto.node.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes in one JVM: two matching nodes and a gateway node (all three storage replicas).
 * A subscriber on the gateway node follows a book's feed while the matching node hosting the
 * book is stopped and the book recovers on the other one. It must see every message exactly
 * once, in order, and exactly what the new incarnation serves from its journal.
 */
class MarketDataFailoverTest {
  private static final String SYMBOL = "7203";
  private final List<KabutoNode> nodes = new ArrayList<>();
  private Path root;
  private long nextId = 1;

  @AfterEach
  void stop() throws IOException {
    for (KabutoNode n : nodes) n.terminate();
    for (KabutoNode n : nodes) n.awaitTermination(Duration.ofSeconds(30));
    if (root != null) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }


  private KabutoNode start(String name, int port, int seedPort, List<String> roles) throws Exception {
    Path conf = root.resolve(name + ".conf");
    Files.writeString(conf, "kabuto.node.name = " + name + "\n"
        + "kabuto.storage { replicas = [n1, n2, n3], request-timeout = 2s }\n"
        + "kabuto.admin.port = 0\n"
        + "kabuto.gateway.http.port = 0\nkabuto.gateway.fix.enabled = off\n"
        + "kabuto.book.symbols { \"" + SYMBOL + "\" { base-price = \"2000\", tick-table = TOPIX500 } }\n"
        + "kabuto.book.market-data.feed-check-interval = 500ms\n");
    KabutoNode n = KabutoNode.start(NodeConfig.build(new NodeConfig.Options().port(port)
        .seeds(List.of("127.0.0.1:" + seedPort)).roles(roles).dataDir(root.resolve(name)).configFile(conf)));
    nodes.add(n);
    return n;
  }

  private static OrderBook.Response ask(KabutoNode n,
      Function<ActorRef<OrderBook.Response>, OrderBook.Command> cmd, Duration timeout) {
    return AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>ask(OrderBook.init(n.system()),
            r -> new ShardingEnvelope<>(SYMBOL, cmd.apply(r)), timeout, n.system().scheduler())
        .toCompletableFuture().orTimeout(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).join();
  }

  /** Places one order through {@code via}, resending it (same id: idempotent) until it is accepted. */
  private void place(KabutoNode via, Side side, long price, long qty) throws InterruptedException {
    long id = nextId++;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      try {
        OrderBook.Response r = ask(via, x -> new OrderBook.PlaceOrder(id, side == Side.BUY ? 1 : 2, side,
            OrderType.LIMIT, TimeInForce.DAY, price, qty, SelfTradePrevention.NONE, 32_400_000L + id, x),
            Duration.ofSeconds(3));
        if (r instanceof OrderBook.Accepted) return;
        assertTrue(r instanceof OrderBook.Rejected rej && rej.code() == io.kabuto.matching.Reject.INTERNAL_ERROR,
            "order " + id + ": " + r);
      } catch (RuntimeException failingOver) {
        // no answer while the book moves: resend
      }
      assertTrue(System.nanoTime() < deadline, "order " + id + " was never accepted");
      Thread.sleep(200);
    }
  }

  private static boolean hosts(KabutoNode n) {
    ShardRegion.CurrentShardRegionState s = AskPattern.<
            org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
            ShardRegion.CurrentShardRegionState>ask(ClusterSharding.get(n.system()).shardState(),
            r -> new GetShardRegionState(OrderBook.ENTITY_TYPE_KEY, r), Duration.ofSeconds(3),
            n.system().scheduler())
        .toCompletableFuture().join();
    return s.getShards().stream().anyMatch(sh -> sh.getEntityIds().contains(SYMBOL));
  }

  /** Some crossing orders: trades, top-of-book changes. */
  private void trade(KabutoNode via, int rounds) throws InterruptedException {
    for (int i = 0; i < rounds; i++) {
      long px = 20_000 + 5 * (i % 4);
      place(via, Side.SELL, px, 200);
      place(via, Side.BUY, px, 100);
    }
  }

  @Test
  void aSubscriberSeesEveryMessageOnceAcrossAFailover() throws Exception {
    root = Files.createTempDirectory("kabuto-md-failover");
    int p1 = FreePorts.next();
    KabutoNode n1 = start("n1", p1, p1, List.of("matching", "storage"));
    KabutoNode n2 = start("n2", FreePorts.next(), p1, List.of("matching", "storage"));
    KabutoNode gw = start("n3", FreePorts.next(), p1, List.of("storage", "gateway"));
    for (KabutoNode n : nodes) n.up().toCompletableFuture().get(90, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (nodes.stream().anyMatch(n -> Cluster.get(n.system()).state().members().size() < 3
        || io.kabuto.persistence.journal.StorageReplicas.get(n.system()).health().underReplicated())) {
      assertTrue(System.nanoTime() < deadline, "the three nodes did not form a replicated cluster");
      Thread.sleep(100);
    }

    List<MarketDataMessage> got = new CopyOnWriteArrayList<>();
    ActorRef<MarketDataMessage> subscriber = gw.system().systemActorOf(Behaviors.receiveMessage(m -> {
      got.add(m);
      return Behaviors.same();
    }), "md-test-subscriber", Props.empty());
    MarketDataFeeds.get(gw.system()).subscribe(SYMBOL, 1, subscriber);

    trade(gw, 10);
    KabutoNode host = hosts(n1) ? n1 : n2;
    assertTrue(hosts(host), "one of the matching nodes hosts the book");
    host.terminate();
    host.awaitTermination(Duration.ofSeconds(30));
    trade(gw, 10);
    KabutoNode survivor = host == n1 ? n2 : n1;
    assertTrue(hosts(survivor), "the book runs on the other matching node");

    // what the new incarnation serves from its journal, from 1
    List<MarketDataMessage> journal = new ArrayList<>();
    long from = 1;
    while (true) {
      long f = from;
      OrderBook.MarketDataPage p = (OrderBook.MarketDataPage) ask(gw,
          r -> new OrderBook.GetMarketData(f, 1000, r), Duration.ofSeconds(10));
      assertEquals(1, p.firstRetained());
      journal.addAll(p.messages());
      if (p.messages().isEmpty() || journal.size() >= p.lastSeq()) break;
      from = journal.get(journal.size() - 1).seq() + 1;
    }
    long last = journal.get(journal.size() - 1).seq();
    assertTrue(last >= 40, "20 trades and their top-of-book changes: " + last);

    long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (sequenced(got).size() < last) {
      assertTrue(System.nanoTime() < wait, "the subscriber got " + sequenced(got).size() + " of " + last);
      Thread.sleep(100);
    }
    Thread.sleep(1000); // anything doubled would arrive now
    List<MarketDataMessage> seen = sequenced(got);
    for (int i = 0; i < seen.size(); i++) assertEquals(i + 1, seen.get(i).seq(), "position " + i);
    assertEquals(journal, seen);
  }

  private static List<MarketDataMessage> sequenced(List<MarketDataMessage> got) {
    return got.stream().filter(m -> m.seq() > 0).toList();
  }
}
