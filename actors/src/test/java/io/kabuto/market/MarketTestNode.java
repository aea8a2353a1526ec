package io.kabuto.market;

import io.kabuto.book.OrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import io.kabuto.node.KabutoNode;
import io.kabuto.node.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/** A one-node cluster with all roles (books journal to the node's own storage replica). */
final class MarketTestNode implements AutoCloseable {
  final KabutoNode node;
  final ActorSystem<?> system;
  final ActorRef<ShardingEnvelope<OrderBook.Command>> books;
  private final AtomicLong ids = new AtomicLong(1000);

  MarketTestNode(String extraConfig) throws Exception {
    Path dir = Files.createTempDirectory("kabuto-market");
    Path conf = dir.resolve("test.conf");
    Files.writeString(conf, "kabuto.admin.port = 0\n" + extraConfig);
    node = KabutoNode.start(NodeConfig.build(new NodeConfig.Options().port(0).dataDir(dir.resolve("data"))
        .configFile(conf)));
    node.up().toCompletableFuture().get(60, TimeUnit.SECONDS);
    system = node.system();
    books = OrderBook.init(system);
  }

  OrderBook.Response ask(String symbol, Function<ActorRef<OrderBook.Response>, OrderBook.Command> cmd)
      throws Exception {
    return AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>ask(books,
            r -> new ShardingEnvelope<>(symbol, cmd.apply(r)), Duration.ofSeconds(10), system.scheduler())
        .toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  /** A DAY limit order; price in yen. */
  OrderBook.Response place(String symbol, Side side, long yen, long qty) throws Exception {
    long id = ids.incrementAndGet();
    return ask(symbol, r -> new OrderBook.PlaceOrder(id, 1 + (int) (id % 7), side, OrderType.LIMIT,
        TimeInForce.DAY, yen * 10, qty, SelfTradePrevention.NONE, 1, r));
  }

  OrderBook.Depth depth(String symbol) throws Exception {
    return (OrderBook.Depth) ask(symbol, r -> new OrderBook.GetDepth(5, r));
  }

  @Override
  public void close() {
    node.terminate();
    node.awaitTermination(Duration.ofSeconds(30));
  }
}
