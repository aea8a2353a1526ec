package io.kabuto.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import io.kabuto.node.KabutoNode;
import io.kabuto.node.NodeConfig;
import io.kabuto.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real processes (issue 13): three nodes, each a storage replica and a matching node, started by
 * {@code cluster up} (with its watchdog), and this JVM as a gateway member sending orders to one
 * book. The test SIGKILLs the node hosting that book, preferring one that also runs the shard
 * coordinator (the oldest matching node), with {@code cluster kill}.
 *
 * <ul>
 *   <li>An order sent after the kill is acknowledged within {@link #ACKED_AGAIN_WITHIN}: the
 *       confirmed-death fast path (down, quarantine, removal, coordinator write, new incarnation).
 *       Without it the split brain resolver would take the failure detector's 5 s plus its 7 s
 *       stable-after before anything moves, so the bound tells the two apart, yet leaves several
 *       times the measured failover (about a second) for a loaded CI machine.
 *   <li>The killed node restarts while orders flow: no book moves to it (sharding's least-shard
 *       rebalancing would move one within a rebalance round; the rounds are 2 s here, and the
 *       start-up rebalance window 5 s, so the old behaviour fails this test in three rounds),
 *       and every book answers throughout.
 *   <li>Every acknowledged order is on the book at the end (nothing acknowledged was lost, so no
 *       second incarnation acknowledged orders of its own beside it).
 * </ul>
 */
class BookFailoverTest extends ThreeNodeClusterTest {
  static final Duration ACKED_AGAIN_WITHIN = Duration.ofSeconds(10);
  /** A resting buy at the symbol's base price (0.1-yen units), set once the symbol is chosen. */
  private volatile long price;
  static final long QTY = 100;
  static final long TIME = (8 * 60L + 30) * 60_000L;
  static final List<String> LISTED = List.of("4565", "6758", "7203", "8306", "9984");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private KabutoNode client;
  private ActorRef<ShardingEnvelope<OrderBook.Command>> books;
  private ScheduledExecutorService sender;
  private volatile boolean sendingNew = true;
  private volatile boolean stopped;
  private volatile String symbol;
  private final AtomicLong nextId = new AtomicLong(1);
  private final Map<Long, Boolean> orders = new ConcurrentHashMap<>();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong firstAckAfter = new AtomicLong();
  private volatile long killNanos = Long.MAX_VALUE;

  @Override
  String topologyName() {
    return "test-failover";
  }

  @Override
  String roles(int i) {
    return "[storage, matching]";
  }

  @Override
  String topologyExtra() {
    return "  node-config {\n"
        + "    kabuto.storage.replicas = [node-1, node-2, node-3]\n"
        // rebalance rounds every 2 s, so that a rebalance onto the restarted node would show
        // within the test's 6 s; the start-up window short, so that it is over by then
        + "    pekko.cluster.sharding.rebalance-interval = 2s\n"
        + "    kabuto.book.rebalance-window = 5s\n"
        + "  }\n";
  }

  @AfterEach
  void stopClient() {
    stopped = true;
    if (sender != null) {
      sender.shutdownNow();
    }
    if (client != null) {
      client.terminate();
      client.awaitTermination(Duration.ofSeconds(15));
    }
    cli("down");
  }

  @Test
  @Timeout(240)
  void killedBookHostIsAckedAgainAndARestartedNodeTakesNoBook() throws Exception {
    Run up = cli("up", "--topology", topology.toString());
    assertEquals(0, up.rc(), up.out());
    startClient();
    // every listed book running somewhere
    for (String s : LISTED) {
      awaitTrue(Duration.ofSeconds(60), () -> depth(s, Duration.ofSeconds(2)).isPresent(), "book " + s + " answers");
    }
    Map<String, Integer> before = await(Duration.ofSeconds(30), this::placement, "all books placed");

    // the victim: the coordinator's node (oldest matching) if it hosts a book, else any book's host
    int oldest = oldestMatching();
    int victim = before.containsValue(oldest) ? oldest : before.get("7203");
    symbol = before.entrySet().stream().filter(e -> e.getValue() == victim).map(Map.Entry::getKey)
        .findFirst().orElseThrow();
    price = Math.round(Double.parseDouble(client.system().settings().config()
        .getString("kabuto.book.symbols.\"" + symbol + "\".base-price")) * 10);
    System.out.printf("placement %s; shard coordinator on node-%d; killing node-%d, host of %s%n",
        before, oldest + 1, victim + 1, symbol);

    sender = Executors.newScheduledThreadPool(2);
    sender.scheduleAtFixedRate(this::sendNew, 0, 20, TimeUnit.MILLISECONDS);
    awaitTrue(Duration.ofSeconds(30), () -> acked.get() >= 20, "orders acknowledged before the kill");

    long k = System.nanoTime();
    Run kill = cli("kill", "node-" + (victim + 1));
    assertEquals(0, kill.rc(), kill.out());
    // Only orders sent once the process is gone count (cluster kill returns after it saw the pid
    // gone): the dying JVM still answers what reaches it in the ~0.1 s SIGKILL takes.
    killNanos = System.nanoTime();
    try {
      awaitTrue(ACKED_AGAIN_WITHIN.minusNanos(killNanos - k), () -> firstAckAfter.get() != 0, "");
    } catch (AssertionError e) {
      fail(symbol + ": no order sent after killing its host node-" + (victim + 1) + " was acknowledged within "
          + ACKED_AGAIN_WITHIN.toSeconds() + " s (the split brain resolver's path, not the fast path?)");
    }
    System.out.printf("%s acknowledged again %d ms after the kill%n", symbol,
        (firstAckAfter.get() - k) / 1_000_000);

    // the books of the killed node are elsewhere now; the killed node comes back under load
    Map<String, Integer> afterKill = await(Duration.ofSeconds(30),
        () -> placement().filter(p -> !p.containsValue(victim)), "books placed on the survivors");
    Run restart = cli("restart", "node-" + (victim + 1));
    assertEquals(0, restart.rc(), restart.out());
    long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
    while (System.nanoTime() < end) {
      for (String s : LISTED) {
        assertTrue(depth(s, Duration.ofSeconds(3)).isPresent(),
            "book " + s + " did not answer within 3 s after node-" + (victim + 1) + " restarted");
      }
      Thread.sleep(200);
    }
    Map<String, Integer> afterRestart = await(Duration.ofSeconds(10), this::placement, "all books placed");
    assertEquals(afterKill, afterRestart, "no book moves when a node comes back (automatic rebalancing)");

    sendingNew = false;
    awaitTrue(Duration.ofSeconds(30), () -> pending.get() == 0, "every order answered");
    stopped = true;
    OrderBook.Depth d = depth(symbol, Duration.ofSeconds(5)).orElseThrow();
    long onBook = d.bids().stream().filter(l -> l.price() == price).mapToLong(OrderBook.Level::qty).sum();
    assertEquals(acked.get() * QTY, onBook, "every acknowledged order is on the book (" + acked.get() + " acked)");
  }

  // ------------------------------------------------------------------------------ helpers

  private void startClient() throws Exception {
    Path conf = tmp.resolve("client.conf");
    Files.writeString(conf, Files.readString(runDir.resolve("node-1.conf"))
        + "\nkabuto.node.name = \"test-client\"\nkabuto.admin.port = 0\n");
    client = KabutoNode.start(NodeConfig.build(new NodeConfig.Options()
        .roles(List.of(NodeConfig.ROLE_GATEWAY)).port(FreePorts.next()).hostname("127.0.0.1")
        .seeds(List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1])).configFile(conf)
        .dataDir(tmp.resolve("client"))));
    client.up().toCompletableFuture().get(60, TimeUnit.SECONDS);
    books = OrderBook.init(client.system());
  }

  private void sendNew() {
    if (!sendingNew || stopped || pending.get() >= 20) {
      return;
    }
    long id = nextId.getAndIncrement();
    orders.put(id, false);
    pending.incrementAndGet();
    attempt(id);
  }

  /** Sends order {@code id} until it is accepted: the same id again after a timeout (idempotent). */
  private void attempt(long id) {
    if (stopped) {
      return;
    }
    long sent = System.nanoTime();
    String s = symbol;
    AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>ask(books,
            reply -> new ShardingEnvelope<>(s, new OrderBook.PlaceOrder(id, 1, Side.BUY, OrderType.LIMIT,
                TimeInForce.DAY, price, QTY, SelfTradePrevention.NONE, TIME, reply)),
            Duration.ofSeconds(1), client.system().scheduler())
        .whenComplete((r, e) -> {
          if (r instanceof OrderBook.Accepted) {
            if (!orders.put(id, true)) {
              acked.incrementAndGet();
              pending.decrementAndGet();
            }
            if (sent > killNanos) {
              firstAckAfter.compareAndSet(0, System.nanoTime());
            }
          } else if (!stopped && !sender.isShutdown()) {
            sender.schedule(() -> attempt(id), r != null ? 50 : 0, TimeUnit.MILLISECONDS);
          }
        });
  }

  private Optional<OrderBook.Depth> depth(String s, Duration timeout) {
    try {
      OrderBook.Response r = AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>ask(books,
              reply -> new ShardingEnvelope<>(s, new OrderBook.GetDepth(OrderBook.MAX_DEPTH_LEVELS, reply)),
              timeout, client.system().scheduler())
          .toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return r instanceof OrderBook.Depth d ? Optional.of(d) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** Symbol -> index of the one node hosting it, if every listed book is on exactly one live node. */
  private Optional<Map<String, Integer>> placement() {
    Map<String, Integer> at = new TreeMap<>();
    for (int i = 0; i < 3; i++) {
      Optional<JsonNode> h = health(i);
      if (h.isEmpty()) {
        continue; // a dead node hosts nothing
      }
      if (!h.get().path("books").isArray()) {
        return Optional.empty();
      }
      for (JsonNode b : h.get().path("books")) {
        if (LISTED.contains(b.asText()) && at.put(b.asText(), i) != null) {
          return Optional.empty(); // on two nodes at once: a move in progress
        }
      }
    }
    return at.keySet().containsAll(LISTED) ? Optional.of(at) : Optional.empty();
  }

  private int oldestMatching() {
    Member oldest = null;
    for (Member m : Cluster.get(client.system()).state().getMembers()) {
      if (m.status() == MemberStatus.up() && m.hasRole(NodeConfig.ROLE_MATCHING)
          && (oldest == null || m.isOlderThan(oldest))) {
        oldest = m;
      }
    }
    for (int i = 0; i < 3; i++) {
      if (oldest != null && oldest.address().toString().equals(address(i))) {
        return i;
      }
    }
    throw new IllegalStateException("no matching member Up: " + oldest);
  }

  private Optional<JsonNode> health(int i) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + (ports[i] + 10000) + "/health")).timeout(Duration.ofSeconds(6)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 || r.statusCode() == 503 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T await(Duration max, java.util.function.Supplier<Optional<T>> what, String description)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<T> v = what.get();
      if (v.isPresent()) {
        return v.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError(description + ": not within " + max.toSeconds() + " s");
  }

  private static void awaitTrue(Duration max, BooleanSupplier cond, String description) throws InterruptedException {
    await(max, () -> cond.getAsBoolean() ? Optional.of(true) : Optional.empty(), description);
  }
}
