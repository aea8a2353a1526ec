package io.kabuto.node;

import io.kabuto.testing.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.book.OrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.remote.RemoteActorRefProvider;
import org.apache.pekko.remote.transport.ThrottlerTransportAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes with every role (3 storage replicas) in one JVM; the node hosting a book is cut
 * off from the other two (Artery blackhole). Orders keep arriving on both sides. The minority
 * side never gets an order acknowledged (its journal writes cannot reach a majority), the
 * majority side's resolver downs it and the book restarts there, fencing the old incarnation:
 * at no time are two incarnations of the book both acknowledging orders, and every order that
 * was acknowledged anywhere is in the book afterwards.
 */
class MinorityPartitionTest {
  private static final String SYMBOL = "7203";
  private final List<KabutoNode> nodes = new ArrayList<>();
  private Path root;

  @AfterEach
  void stop() throws IOException {
    for (KabutoNode n : nodes) {
      n.terminate();
    }
    for (KabutoNode n : nodes) {
      n.awaitTermination(Duration.ofSeconds(30));
    }
    if (root != null) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }


  private KabutoNode start(String name, int port, int seedPort) throws Exception {
    Path conf = root.resolve(name + ".conf");
    Files.writeString(conf, "kabuto.node.name = " + name + "\n"
        + "kabuto.storage { replicas = [n1, n2, n3], request-timeout = 2s }\n"
        + "kabuto.admin.port = 0\n"
        + "kabuto.gateway.http.port = 0\nkabuto.gateway.fix.enabled = off\n");
    KabutoNode n = KabutoNode.start(NodeConfig.build(new NodeConfig.Options().port(port)
        .seeds(List.of("127.0.0.1:" + seedPort)).dataDir(root.resolve(name)).configFile(conf)));
    nodes.add(n);
    return n;
  }

  private static OrderBook.Response place(KabutoNode n, long id, Duration timeout) {
    ActorRef<ShardingEnvelope<OrderBook.Command>> books = OrderBook.init(n.system());
    return AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>ask(books,
            r -> new ShardingEnvelope<>(SYMBOL, new OrderBook.PlaceOrder(id, 1, Side.BUY,
                OrderType.LIMIT, TimeInForce.DAY, 20_000, 100, SelfTradePrevention.NONE,
                32_400_000L + id, r)),
            timeout, n.system().scheduler())
        .toCompletableFuture()
        // A node that downed itself has no scheduler left to time the ask out.
        .orTimeout(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
        .join();
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

  private static void blackhole(ActorSystem<?> from, Address to) {
    var classic = (ExtendedActorSystem) Adapter.toClassic(from);
    ((RemoteActorRefProvider) classic.provider()).transport().managementCommand(
        new ThrottlerTransportAdapter.SetThrottle(to, ThrottlerTransportAdapter.bothDirection(),
            ThrottlerTransportAdapter.blackholeThrottleMode()));
  }

  @Test
  void a_minority_partition_leaves_no_dual_active_book() throws Exception {
    root = Files.createTempDirectory("kabuto-partition-test");
    int p1 = FreePorts.next();
    List<KabutoNode> all = List.of(start("n1", p1, p1), start("n2", FreePorts.next(), p1),
        start("n3", FreePorts.next(), p1));
    for (KabutoNode n : all) {
      n.up().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (all.stream().anyMatch(n -> Cluster.get(n.system()).state().members().size() < 3)) {
      assertTrue(System.nanoTime() < deadline, "the three nodes did not form a cluster");
      Thread.sleep(100);
    }

    // Like an operator: wait until every node sees all three replicas up to date.
    while (all.stream().anyMatch(n -> io.kabuto.persistence.journal.StorageReplicas
        .get(n.system()).health().underReplicated())) {
      assertTrue(System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(30),
          "storage never became fully replicated");
      Thread.sleep(100);
    }
    List<Long> acked = new CopyOnWriteArrayList<>();
    long id = 1;
    OrderBook.Response first = null;
    for (int attempt = 0; attempt < 5 && !(first instanceof OrderBook.Accepted); attempt++) {
      try {
        first = place(all.get(1), id, Duration.ofSeconds(5)); // a resend is idempotent
      } catch (RuntimeException slowStart) {
        // the book's first recovery on a cold cluster; resend the same order
      }
    }
    assertTrue(first instanceof OrderBook.Accepted, "first order: " + first);
    acked.add(id++);
    KabutoNode host = all.stream().filter(MinorityPartitionTest::hosts).findFirst().orElseThrow();
    List<KabutoNode> majority = all.stream().filter(n -> n != host).toList();

    Address hostAddr = host.address();
    for (KabutoNode m : majority) {
      blackhole(m.system(), hostAddr);
      blackhole(host.system(), m.address());
    }
    long cutAt = System.nanoTime();

    // Orders on the cut-off node: none may be acknowledged.
    List<Long> minorityAcked = new CopyOnWriteArrayList<>();
    long minorityIds = 1_000;
    CompletableFuture<Void> minority = CompletableFuture.runAsync(() -> {
      for (long k = minorityIds; k < minorityIds + 10; k++) {
        try {
          if (place(host, k, Duration.ofSeconds(3)) instanceof OrderBook.Accepted) {
            minorityAcked.add(k);
          }
        } catch (RuntimeException timeoutOrTerminated) {
          // expected: no majority of storage replicas, or the node downed itself
        }
      }
    });

    // Orders on the majority side: retried until the book runs here.
    KabutoNode client = majority.get(0);
    long firstAckNanos = 0;
    while (firstAckNanos == 0) {
      assertTrue(System.nanoTime() - cutAt < TimeUnit.SECONDS.toNanos(60),
          "the majority never got the book back");
      try {
        if (place(client, id, Duration.ofSeconds(2)) instanceof OrderBook.Accepted) {
          acked.add(id);
          firstAckNanos = System.nanoTime();
        }
      } catch (RuntimeException retry) {
        // the book is unreachable until the resolver downs the minority
      }
      id++;
    }
    for (int k = 0; k < 20; k++, id++) {
      if (place(client, id, Duration.ofSeconds(5)) instanceof OrderBook.Accepted) {
        acked.add(id);
      }
    }
    minority.join();
    assertEquals(List.of(), minorityAcked, "the cut-off incarnation acknowledged orders");
    assertTrue(majority.stream().anyMatch(MinorityPartitionTest::hosts),
        "the book runs on the majority side");

    ActorRef<ShardingEnvelope<OrderBook.Command>> books = OrderBook.init(client.system());
    for (long a : acked) {
      OrderBook.Response r = AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>
          ask(books, x -> new ShardingEnvelope<>(SYMBOL, new OrderBook.GetOrder(a, x)),
              Duration.ofSeconds(5), client.system().scheduler()).toCompletableFuture().join();
      OrderBook.OrderStatus st = (OrderBook.OrderStatus) r;
      assertEquals(OrderBook.OrderState.LIVE, st.state(), "acknowledged order " + a + " is there");
    }
    for (long k = minorityIds; k < minorityIds + 10; k++) {
      long kk = k;
      OrderBook.Response r = AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>
          ask(books, x -> new ShardingEnvelope<>(SYMBOL, new OrderBook.GetOrder(kk, x)),
              Duration.ofSeconds(5), client.system().scheduler()).toCompletableFuture().join();
      assertEquals(OrderBook.OrderState.UNKNOWN, ((OrderBook.OrderStatus) r).state(),
          "order " + kk + " sent to the cut-off side was never acknowledged, so it is not there");
    }
  }
}
