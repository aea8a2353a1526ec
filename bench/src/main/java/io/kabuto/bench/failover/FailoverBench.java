package io.kabuto.bench.failover;

import io.kabuto.bench.BenchCluster;
import io.kabuto.bench.BenchFailure;
import io.kabuto.bench.Progress;
import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.book.OrderBook;
import io.kabuto.cli.cluster.ClusterState.NodeState;
import io.kabuto.cli.cluster.LocalCluster;
import io.kabuto.cli.cluster.Topology;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import io.kabuto.node.KabutoNode;
import io.kabuto.node.NodeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Failover time of one order book on a real local cluster (one JVM per node, started by the
 * {@code ./kabuto cluster} machinery in a private run dir). The benchmark JVM joins as a client
 * member (role gateway) and sends a non-crossing limit buy to one symbol every 10 ms through the
 * sharding proxy; each order is resent under the same id (idempotent) until it is Accepted. Each
 * run SIGKILLs the node that hosts the book (CLI kill: fast-path down) and measures the time from
 * the kill to the first Accepted of an order sent after the kill, with a breakdown (process gone,
 * member removed in the client's view, book seen on its new node, first ack), then restarts the
 * node and waits until the cluster is whole and storage fully replicated. At the end every
 * acknowledged order must be on the book (GetDepth total, GetOrder for each if that differs).
 */
public final class FailoverBench {
  public static final String DEFAULT_SYMBOL = "7203";
  /** 2,000 yen in 0.1-yen units: the base price of 7203, on the TOPIX500 tick grid. */
  public static final long PRICE = 20_000;
  public static final long QTY = 100;
  static final Duration SEND_EVERY = Duration.ofMillis(10);
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(1);
  /**
   * At most this many orders unanswered at a time (a broker session's window): without it, every
   * order sent during the outage is resent every second, and the recovered book (one persist at
   * a time) drowns in resends it answers after the client's timeout: a retry storm that never ends.
   */
  static final int MAX_IN_FLIGHT = 20;
  static final Duration RECOVERY_MAX = Duration.ofSeconds(60);
  /** 08:30 of the simulated day (pre-open: limit orders rest). */
  static final long TIME = (8 * 60L + 30) * 60_000L;

  /** Background load orders waiting for an answer at most (beyond it a due order is skipped). */
  static final int LOAD_MAX_IN_FLIGHT = 500;
  static final Duration LOAD_ASK_TIMEOUT = Duration.ofSeconds(3);
  /** The default: background orders per second on the other listed symbols. */
  public static final int DEFAULT_LOAD = 1000;

  /**
   * @param load background orders per second on the other listed symbols while the runs go on (0 =
   *     none), so that the failover is measured on a cluster with work to do
   */
  public record Options(int runs, String symbol, Topology topology, Path runDir, boolean verbose, int load) {
    public Options(int runs, String symbol, Topology topology, Path runDir, boolean verbose) {
      this(runs, symbol, topology, runDir, verbose, 0);
    }
  }

  /**
   * One kill/recover cycle; all offsets in ms from the kill, -1 when not seen. {@code
   * coordinatorOnVictim}: the killed node was the oldest matching node, so the shard coordinator
   * (a singleton there) died too and had to be taken over before the shard could move. {@code
   * bookAnsweredMs}: the first answer of the book to a probe (GetDepth, sent every 20 ms after the
   * kill), whatever the order client's retry policy. {@code restartUpMs}/{@code caughtUpMs}: the
   * killed node's restart, from its start to Up and to all storage replicas up to date.
   */
  public record Run(String host, String newHost, boolean coordinatorOnVictim, long processGoneMs,
      long downPostedMs, long unreachableMs, long downedMs, long removedMs, long bookSeenMs,
      long bookAnsweredMs, long firstAckMs, long restartUpMs, long caughtUpMs, double loadAckedPerSecond) {}

  public record Result(List<Run> runs, long acked, long lost) {
    public double medianSeconds() {
      List<Long> l = new ArrayList<>(runs.stream().map(Run::firstAckMs).toList());
      Collections.sort(l);
      int n = l.size();
      return n == 0 ? 0 : (n % 2 == 1 ? l.get(n / 2) : (l.get(n / 2 - 1) + l.get(n / 2)) / 2.0) / 1000.0;
    }

    public double maxSeconds() {
      return runs.stream().mapToLong(Run::firstAckMs).max().orElse(0) / 1000.0;
    }

    public String lastLine() {
      return String.format(Locale.ROOT, "failover: median=%.2f max=%.2f runs=%d lost-acks=%d",
          medianSeconds(), maxSeconds(), runs.size(), lost);
    }
  }

  // ---------------------------------------------------------------------------- state

  private final Options o;
  private final Progress p;
  private final PrintStream out;
  private LocalCluster cluster;
  private KabutoNode client;
  private ActorRef<ShardingEnvelope<OrderBook.Command>> books;
  private ScheduledExecutorService sender;

  private final AtomicLong nextId = new AtomicLong(1);
  private final Map<Long, Boolean> orders = new ConcurrentHashMap<>(); // id -> acked
  private final AtomicLong ackedCount = new AtomicLong();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong timeouts = new AtomicLong();
  private final Map<String, AtomicLong> rejects = new ConcurrentHashMap<>();
  private volatile boolean sendingNew = true;
  private volatile boolean stopped;
  private volatile long killNanos = Long.MAX_VALUE;
  private final AtomicLong firstAckAfterKill = new AtomicLong();
  /**
   * Orders count for "first ack" only if sent after the killed process was seen gone: SIGKILL
   * takes up to ~0.1-0.3 s to end a JVM here, and the dying node still answers orders sent in that
   * gap (they were acknowledged and are on the book: no loss, but no failover either).
   */
  private volatile long goneNanos = Long.MAX_VALUE;
  /** Member address -> nanoTime of the event, per kind, in the client's view. */
  private final Map<String, Long> unreachableAt = new ConcurrentHashMap<>();
  private final Map<String, Long> downedAt = new ConcurrentHashMap<>();
  private final Map<String, Long> removedAt = new ConcurrentHashMap<>();
  private volatile String killedAddress;
  private final AtomicLong bookAnswered = new AtomicLong();
  /** Orders resent because the member hosting the book was removed (not waiting for the timeout). */
  private final AtomicLong resentOnRemoval = new AtomicLong();

  private List<String> loadSymbols = List.of();
  private final Map<String, Long> basePrice = new ConcurrentHashMap<>();
  private final AtomicLong loadSent = new AtomicLong();
  private final AtomicLong loadAcked = new AtomicLong();
  private final AtomicLong loadSkipped = new AtomicLong();
  private final AtomicLong loadTimeouts = new AtomicLong();
  private final Map<String, AtomicLong> loadRejects = new ConcurrentHashMap<>();
  private final AtomicInteger loadPending = new AtomicInteger();
  private volatile long loadStartNanos;

  private FailoverBench(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
    this.p = new Progress(out);
  }

  public static Result run(Options o, PrintStream out) throws Exception {
    return new FailoverBench(o, out).run();
  }

  private Result run() throws Exception {
    if (!o.verbose()) {
      Progress.quietLogs("ERROR");
    }
    boolean tempDir = o.runDir() == null;
    Path runDir = tempDir ? Files.createTempDirectory("kabuto-bench-failover") : o.runDir();
    Topology t = o.topology() != null ? o.topology() : Topology.defaultTopology(BenchCluster.home());
    if (t.nodes().stream().filter(n -> n.roles().contains(NodeConfig.ROLE_MATCHING)).count() < 2) {
      throw new BenchFailure("topology " + t.name() + " has fewer than 2 matching nodes: nowhere to fail over to");
    }
    Thread hook = BenchCluster.addHook("bench-failover-teardown", this::emergencyTeardown);
    boolean ok = false;
    try {
      p.say("starting topology %s (%d nodes) in %s", t.name(), t.nodes().size(), runDir);
      cluster = BenchCluster.up(runDir, t, out, Duration.ofSeconds(120));
      p.say("cluster up; watchdog %s", cluster.watchdogRunning() ? "running" : "NOT running");
      startClient(t, runDir);
      Result r = measure(t);
      ok = true;
      return r;
    } catch (LocalCluster.ClusterFailure e) {
      throw new BenchFailure(e.getMessage());
    } finally {
      teardown();
      BenchCluster.removeHook(hook);
      if (ok && tempDir) {
        Progress.deleteTree(runDir);
      } else {
        p.say("node logs kept in %s", runDir);
      }
    }
  }

  private void startClient(Topology t, Path runDir) throws Exception {
    Path conf = runDir.resolve("bench-client.conf");
    String nodeConf = Files.readString(cluster.confFile(t.nodes().get(0).name()));
    Files.writeString(conf, nodeConf + "\n# the benchmark's client member\n"
        + "kabuto.node.name = \"bench-client\"\nkabuto.admin.port = 0\n"
        + (o.verbose() ? "" : "pekko.loglevel = ERROR\n"));
    NodeConfig nc = NodeConfig.build(new NodeConfig.Options()
        .roles(List.of(NodeConfig.ROLE_GATEWAY)).port(0).hostname("127.0.0.1")
        .seeds(t.seeds()).configFile(conf).dataDir(runDir.resolve("bench-client")));
    client = KabutoNode.start(nc);
    try {
      client.up().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new BenchFailure("the client node did not join the cluster within 60 s (seeds "
          + t.seeds() + "); see the node logs in " + runDir);
    }
    ActorSystem<?> system = client.system();
    p.say("client joined as %s (role gateway)", client.address());
    ActorRef<ClusterEvent.ClusterDomainEvent> listener = system.systemActorOf(
        Behaviors.receiveMessage(ev -> {
          long now = System.nanoTime();
          if (ev instanceof ClusterEvent.UnreachableMember u) {
            unreachableAt.put(u.member().address().toString(), now);
          } else if (ev instanceof ClusterEvent.MemberDowned d) {
            downedAt.put(d.member().address().toString(), now);
          } else if (ev instanceof ClusterEvent.MemberRemoved r) {
            String a = r.member().address().toString();
            removedAt.put(a, now);
            if (a.equals(killedAddress) && sender != null && !sender.isShutdown()) {
              // The book's host is gone for good: what was sent to it since the kill is lost, and
              // the shard is moving. Resend the unanswered orders now (same ids: idempotent), as a
              // gateway should on "shard moved", instead of waiting out the 1 s ask timeout. A
              // short delay lets the local shard region see the removal first (it then buffers
              // the resends until the coordinator names the new home) instead of sending them to
              // the dead node again.
              sender.schedule(this::resendPending, 50, TimeUnit.MILLISECONDS);
            }
          }
          return Behaviors.same();
        }), "bench-member-events", Props.empty());
    Cluster.get(system).subscriptions().tell(
        new Subscribe<>(listener, ClusterEvent.ClusterDomainEvent.class));
    books = OrderBook.init(system);
  }

  // -------------------------------------------------------------------------- orders

  private void resendPending() {
    for (Map.Entry<Long, Boolean> e : orders.entrySet()) {
      if (!e.getValue()) {
        resentOnRemoval.incrementAndGet();
        attempt(e.getKey());
      }
    }
  }

  /** Background load: alternating buys and sells at the base price, so they trade and books stay small. */
  private void sendLoad() {
    if (stopped || loadSymbols.isEmpty()) {
      return;
    }
    long due = (System.nanoTime() - loadStartNanos) / 1_000_000L * o.load() / 1000L;
    while (loadSent.get() < due && !stopped) {
      long n = loadSent.getAndIncrement();
      if (loadPending.get() >= LOAD_MAX_IN_FLIGHT) {
        loadSkipped.incrementAndGet();
        continue;
      }
      String symbol = loadSymbols.get((int) (n % loadSymbols.size()));
      Side side = (n / loadSymbols.size()) % 2 == 0 ? Side.BUY : Side.SELL;
      long id = 1_000_000_000L + n;
      long price = basePrice.get(symbol);
      loadPending.incrementAndGet();
      AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>ask(books,
              reply -> new ShardingEnvelope<>(symbol, new OrderBook.PlaceOrder(id, 2, side,
                  OrderType.LIMIT, TimeInForce.DAY, price, QTY, SelfTradePrevention.NONE, TIME, reply)),
              LOAD_ASK_TIMEOUT, client.system().scheduler())
          .whenComplete((r, e) -> {
            loadPending.decrementAndGet();
            if (r instanceof OrderBook.Accepted) {
              loadAcked.incrementAndGet();
            } else if (r instanceof OrderBook.Rejected rej) {
              loadRejects.computeIfAbsent(rej.code().toString(), k -> new AtomicLong()).incrementAndGet();
            } else {
              loadTimeouts.incrementAndGet();
            }
          });
    }
  }

  /** Probes the book (GetDepth of 0 levels) every 20 ms after the kill until it answers. */
  private void probeBook() {
    long k = killNanos;
    if (stopped || k == Long.MAX_VALUE || bookAnswered.get() != 0 || System.nanoTime() < k) {
      return;
    }
    AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>ask(books,
            reply -> new ShardingEnvelope<>(o.symbol(), new OrderBook.GetDepth(0, reply)),
            ASK_TIMEOUT, client.system().scheduler())
        .whenComplete((r, e) -> {
          if (r instanceof OrderBook.Depth && killNanos == k) {
            bookAnswered.compareAndSet(0, System.nanoTime());
          }
        });
  }

  private void sendNew() {
    if (!sendingNew || stopped || pending.get() >= MAX_IN_FLIGHT) {
      return;
    }
    long id = nextId.getAndIncrement();
    orders.put(id, false);
    pending.incrementAndGet();
    attempt(id);
  }

  private void attempt(long id) {
    if (stopped) {
      return;
    }
    long sent = System.nanoTime();
    ActorSystem<?> system = client.system();
    AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>ask(books,
            reply -> new ShardingEnvelope<>(o.symbol(), new OrderBook.PlaceOrder(id, 1, Side.BUY,
                OrderType.LIMIT, TimeInForce.DAY, PRICE, QTY, SelfTradePrevention.NONE, TIME, reply)),
            ASK_TIMEOUT, system.scheduler())
        .whenComplete((r, e) -> {
          long now = System.nanoTime();
          if (r instanceof OrderBook.Accepted) {
            if (!orders.put(id, true)) {
              ackedCount.incrementAndGet();
              pending.decrementAndGet();
            }
            if (sent > goneNanos) {
              firstAckAfterKill.compareAndSet(0, now);
            }
            return;
          }
          if (r instanceof OrderBook.Rejected rej) {
            rejects.computeIfAbsent(rej.code() + ": " + rej.reason(), k -> new AtomicLong()).incrementAndGet();
          } else if (e != null) {
            timeouts.incrementAndGet();
          } else {
            rejects.computeIfAbsent("unexpected " + r, k -> new AtomicLong()).incrementAndGet();
          }
          if (!stopped) {
            // same id again (an accepted id answers its first answer); a rejection waits a little
            sender.schedule(() -> attempt(id), r != null ? 50 : 0, TimeUnit.MILLISECONDS);
          }
        });
  }

  private <T extends OrderBook.Response> T query(java.util.function.Function<ActorRef<OrderBook.Response>,
      OrderBook.Command> cmd, Class<T> type) throws Exception {
    OrderBook.Response r = AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>ask(books,
            reply -> new ShardingEnvelope<>(o.symbol(), cmd.apply(reply)), Duration.ofSeconds(5),
            client.system().scheduler())
        .toCompletableFuture().get(6, TimeUnit.SECONDS);
    if (!type.isInstance(r)) {
      throw new BenchFailure("book " + o.symbol() + " answered " + r + " to " + type.getSimpleName());
    }
    return type.cast(r);
  }

  // ------------------------------------------------------------------------- measure

  private Result measure(Topology t) throws Exception {
    sender = Executors.newScheduledThreadPool(2, r -> {
      Thread th = new Thread(r, "bench-failover-sender");
      th.setDaemon(true);
      return th;
    });
    sender.scheduleAtFixedRate(this::sendNew, 0, SEND_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    sender.scheduleAtFixedRate(this::probeBook, 0, 20, TimeUnit.MILLISECONDS);
    waitFor(Duration.ofSeconds(60), () -> ackedCount.get() > 0,
        "no order on " + o.symbol() + " was acknowledged within 60 s of joining");
    if (o.load() > 0) {
      var symbols = client.system().settings().config().getConfig("kabuto.book.symbols");
      List<String> l = new ArrayList<>();
      for (String sym : new java.util.TreeSet<>(symbols.root().keySet())) {
        if (!sym.equals(o.symbol())) {
          l.add(sym);
          basePrice.put(sym, Math.round(Double.parseDouble(
              symbols.getConfig("\"" + sym + "\"").getString("base-price")) * 10));
        }
      }
      if (l.isEmpty()) {
        throw new BenchFailure("--load needs listed symbols other than " + o.symbol() + " (kabuto.book.symbols)");
      }
      loadSymbols = List.copyOf(l);
      loadStartNanos = System.nanoTime();
      sender.scheduleAtFixedRate(this::sendLoad, 0, 5, TimeUnit.MILLISECONDS);
      long before = loadAcked.get();
      Thread.sleep(5000); // warm-up of the load: the books of the other symbols start and recover
      p.say("background load: %d orders/s offered on %s (buys and sells at the base price, %d ms ask "
          + "timeout, at most %d unanswered); %d acknowledged in the last 5 s", o.load(), loadSymbols,
          LOAD_ASK_TIMEOUT.toMillis(), LOAD_MAX_IN_FLIGHT, loadAcked.get() - before);
    }
    p.say("orders flowing: a limit buy %d x %d every %d ms to %s (ask timeout %d ms, same id resent, "
        + "at most %d unanswered)", PRICE, QTY, SEND_EVERY.toMillis(), o.symbol(), ASK_TIMEOUT.toMillis(),
        MAX_IN_FLIGHT);

    List<Run> runs = new ArrayList<>();
    int discarded = 0;
    for (int i = 1; i <= o.runs(); i++) {
      Run r = oneRun(i, t);
      // The book moved away just before the kill (sharding rebalances shards onto a restarted
      // node): the killed node did not host it, so this run measured nothing. Do it again.
      if (r.removedMs() < 0 || r.firstAckMs() < r.downPostedMs()) {
        if (++discarded > o.runs()) {
          throw new BenchFailure("the book kept moving away from the node chosen for the kill "
              + "(shard rebalancing); try again");
        }
        p.say("run %d/%d: the book had moved off %s before the kill (shard rebalance); this run "
            + "does not count, repeating it", i, o.runs(), r.host());
        i--;
        continue;
      }
      runs.add(r);
    }

    sendingNew = false;
    p.say("stopping new orders; waiting for %d unanswered orders", pending.get());
    waitFor(Duration.ofSeconds(30), () -> pending.get() == 0,
        pending.get() + " orders still unanswered 30 s after the last run");
    stopped = true;
    long acked = ackedCount.get();
    OrderBook.Depth d = query(r -> new OrderBook.GetDepth(OrderBook.MAX_DEPTH_LEVELS, r), OrderBook.Depth.class);
    long onBook = d.bids().stream().filter(l -> l.price() == PRICE).mapToLong(OrderBook.Level::qty).sum();
    long lost = 0;
    if (onBook != acked * QTY) {
      p.say("book holds %d at %d, %d acknowledged orders x %d = %d: checking each order",
          onBook, PRICE, acked, QTY, acked * QTY);
      for (Map.Entry<Long, Boolean> e : new TreeMap<>(orders).entrySet()) {
        if (!e.getValue()) {
          continue;
        }
        long id = e.getKey();
        OrderBook.OrderStatus s = query(r -> new OrderBook.GetOrder(id, r), OrderBook.OrderStatus.class);
        if (s.state() != OrderBook.OrderState.LIVE) {
          lost++;
          if (lost <= 10) {
            p.say("  LOST: order %d was acknowledged but is %s", id, s.state());
          }
        }
      }
    }
    p.say("orders: %d sent, %d acknowledged, %d on the book (%d at %d), %d ask timeouts, rejections: %s",
        nextId.get() - 1, acked, d.orderCount(), onBook / QTY, PRICE, timeouts.get(),
        rejects.isEmpty() ? "none" : rejects.toString());
    if (o.load() > 0) {
      double secs = (System.nanoTime() - loadStartNanos) / 1e9;
      p.say("background load: %d offered/s, %.0f acknowledged/s over %.0f s (%d sent, %d acknowledged, "
          + "%d skipped at the in-flight cap, %d timed out, rejections: %s)", o.load(), loadAcked.get() / secs,
          secs, loadSent.get() - loadSkipped.get(), loadAcked.get(), loadSkipped.get(), loadTimeouts.get(),
          loadRejects.isEmpty() ? "none" : loadRejects.toString());
    }
    p.say("orders resent at once when the book's host was removed (instead of after the ask timeout): %d",
        resentOnRemoval.get());
    summarize(runs);
    return new Result(runs, acked, lost);
  }

  private Run oneRun(int i, Topology t) throws Exception {
    String host = findHost(t, Duration.ofSeconds(30));
    ClusterOpsView view = new ClusterOpsView(host);
    long before = ackedCount.get();
    Thread.sleep(1000); // steady state before the kill
    long rate = ackedCount.get() - before;
    long loadBefore = loadAcked.get();
    long loadFrom = System.nanoTime();
    NodeState h = cluster.node(host);
    String addr = h.address();
    unreachableAt.remove(addr);
    downedAt.remove(addr);
    removedAt.remove(addr);
    firstAckAfterKill.set(0);
    goneNanos = Long.MAX_VALUE;
    bookAnswered.set(0);
    killedAddress = addr;
    boolean coordinatorOnVictim = addr.equals(oldestMatching());
    view.startPolling(t);
    long k = System.nanoTime();
    killNanos = k;
    LocalCluster.Kill kill = cluster.kill(host);
    goneNanos = kill.deadNanos();
    try {
      waitFor(RECOVERY_MAX, () -> firstAckAfterKill.get() != 0, "");
    } catch (BenchFailure e) {
      throw new BenchFailure(o.symbol() + " acknowledged nothing within " + RECOVERY_MAX.toSeconds()
          + " s of killing " + host + diagnose(t) + "; see the node logs in " + cluster.runDir());
    }
    long ack = firstAckAfterKill.get();
    waitFor(Duration.ofSeconds(5), () -> bookAnswered.get() != 0, "");
    view.stop();
    long answered = bookAnswered.get();
    long removed = ms(removedAt.get(addr), k);
    long seen = view.seenNanos == 0 ? -1 : ms(view.seenNanos, k);
    p.say("run %d/%d: %d acks/s before the kill", i, o.runs(), rate);
    p.say("run %d/%d: book %s on %s (pid %d%s) killed; process gone +%d ms, down posted +%d ms (by %s), "
            + "client saw it downed +%s, removed +%s; book on %s +%s, answered +%s; first ack +%d ms "
            + "-> recovery %.2f s",
        i, o.runs(), o.symbol(), host, kill.pid(), coordinatorOnVictim ? ", shard coordinator" : "",
        ms(kill.deadNanos(), k), ms(kill.downPostedNanos(), k), kill.downedBy(),
        fmt(ms(downedAt.get(addr), k)), fmt(removed), view.newHost == null ? "?" : view.newHost, fmt(seen),
        fmt(answered == 0 ? -1 : ms(answered, k)), ms(ack, k), ms(ack, k) / 1000.0);
    p.say("restarting %s", host);
    long r0 = System.nanoTime();
    cluster.restart(host, Duration.ofSeconds(90));
    long up = System.nanoTime();
    waitWhole(t, Duration.ofSeconds(60));
    long whole = System.nanoTime();
    double loadRate = (loadAcked.get() - loadBefore) / ((whole - loadFrom) / 1e9);
    p.say("%s is back: Up %.1f s after its restart, storage fully replicated after %.1f s; %d members Up%s",
        host, (up - r0) / 1e9, (whole - r0) / 1e9, t.nodes().size() + 1,
        o.load() > 0 ? String.format(Locale.ROOT, "; background load acknowledged %.0f/s during this run", loadRate) : "");
    return new Run(host, view.newHost, coordinatorOnVictim, ms(kill.deadNanos(), k), ms(kill.downPostedNanos(), k),
        ms(unreachableAt.get(addr), k), ms(downedAt.get(addr), k), removed, seen,
        answered == 0 ? -1 : ms(answered, k), ms(ack, k), (up - r0) / 1_000_000L, (whole - r0) / 1_000_000L,
        loadRate);
  }

  /** The oldest Up matching member in the client's view: where the shard coordinator singleton runs. */
  private String oldestMatching() {
    org.apache.pekko.cluster.Member oldest = null;
    for (org.apache.pekko.cluster.Member m : Cluster.get(client.system()).state().getMembers()) {
      if (m.status() == MemberStatus.up() && m.hasRole(NodeConfig.ROLE_MATCHING)
          && (oldest == null || m.isOlderThan(oldest))) {
        oldest = m;
      }
    }
    return oldest == null ? null : oldest.address().toString();
  }

  /** Polls /health of the surviving matching nodes for the book (its new home). */
  private final class ClusterOpsView {
    final String killed;
    volatile String newHost;
    volatile long seenNanos;
    volatile boolean done;
    final List<Thread> threads = new ArrayList<>();

    ClusterOpsView(String killed) {
      this.killed = killed;
    }

    void startPolling(Topology t) {
      for (Topology.Node n : t.nodes()) {
        if (n.name().equals(killed) || !n.roles().contains(NodeConfig.ROLE_MATCHING)) {
          continue;
        }
        Thread th = new Thread(() -> {
          while (!done && seenNanos == 0) {
            long sent = System.nanoTime();
            if (sent < killNanos) {
              sleep(5);
              continue;
            }
            Optional<JsonNode> hl = cluster.health(n.name(), Duration.ofSeconds(3));
            if (hl.isPresent() && hosts(hl.get())) {
              synchronized (this) {
                if (seenNanos == 0 || sent < seenNanos) {
                  seenNanos = sent;
                  newHost = n.name();
                }
              }
              return;
            }
            sleep(50);
          }
        }, "bench-failover-poll-" + n.name());
        th.setDaemon(true);
        th.start();
        threads.add(th);
      }
    }

    void stop() throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (seenNanos == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      done = true;
      for (Thread th : threads) {
        th.join(4000);
      }
    }
  }

  /** Known causes of a book that never recovers, from the survivors' logs. */
  private String diagnose(Topology t) {
    for (Topology.Node n : t.nodes()) {
      try {
        String log = Files.readString(cluster.logFile(n.name()));
        if (log.contains("OversizedPayloadException") && log.contains("ReadReply")) {
          return " (" + n.name() + "'s log: a storage ReadReply was larger than Artery's maximum-frame-size "
              + "and was dropped, so the book's recovery on a node without a local replica times out "
              + "again and again; the book's journal has grown past 256 KiB and its snapshots are "
              + "oversized too)";
        }
      } catch (IOException e) {
        // no log
      }
    }
    return "";
  }

  private boolean hosts(JsonNode health) {
    for (JsonNode b : health.path("books")) {
      if (b.asText().equals(o.symbol())) {
        return true;
      }
    }
    return false;
  }

  private String findHost(Topology t, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      for (Topology.Node n : t.nodes()) {
        if (n.roles().contains(NodeConfig.ROLE_MATCHING)
            && cluster.health(n.name(), Duration.ofSeconds(3)).map(this::hosts).orElse(false)) {
          return n.name();
        }
      }
      sleep(200);
    }
    throw new BenchFailure("no node reports book " + o.symbol() + " in GET /health \"books\" within "
        + max.toSeconds() + " s; see ./kabuto cluster --run-dir " + cluster.runDir() + " status");
  }

  /** All nodes and the client Up and reachable (client's view), storage not under-replicated. */
  private void waitWhole(Topology t, Duration max) {
    Cluster c = Cluster.get(client.system());
    waitFor(max, () -> {
      var st = c.state();
      long up = 0;
      for (var m : st.getMembers()) {
        if (m.status() == MemberStatus.up()) {
          up++;
        }
      }
      if (up != t.nodes().size() + 1 || !st.getUnreachable().isEmpty()) {
        return false;
      }
      for (Topology.Node n : t.nodes()) {
        if (!n.roles().contains(NodeConfig.ROLE_STORAGE)) {
          continue;
        }
        Optional<JsonNode> hl = cluster.health(n.name(), Duration.ofSeconds(3));
        if (hl.isEmpty() || !hl.get().has("storage") || hl.get().path("storage").path("underReplicated").asBoolean(true)) {
          return false;
        }
        for (JsonNode r : hl.get().path("storage").path("seen")) {
          if (!r.path("upToDate").asBoolean(false)) {
            return false;
          }
        }
      }
      return true;
    }, "the cluster is not whole again (all members Up, storage replicated) within " + max.toSeconds()
        + " s; see ./kabuto cluster --run-dir " + cluster.runDir() + " status");
  }

  private void summarize(List<Run> runs) {
    p.say("where the time goes (ms after the kill; median over %d runs):", runs.size());
    p.say("  process gone        %s", median(runs.stream().map(Run::processGoneMs).toList()));
    p.say("  down posted         %s", median(runs.stream().map(Run::downPostedMs).toList()));
    p.say("  downed (client)     %s", median(runs.stream().map(Run::downedMs).toList()));
    p.say("  removed (client)    %s", median(runs.stream().map(Run::removedMs).toList()));
    p.say("  book on a new node  %s (GET /health polled every 50 ms)", median(runs.stream().map(Run::bookSeenMs).toList()));
    p.say("  book answered       %s (a GetDepth probe every 20 ms)", median(runs.stream().map(Run::bookAnsweredMs).toList()));
    p.say("  first ack           %s", median(runs.stream().map(Run::firstAckMs).toList()));
    long coord = runs.stream().filter(Run::coordinatorOnVictim).count();
    p.say("  runs that killed the shard coordinator's node too: %d; their first ack %s, the others' %s", coord,
        median(runs.stream().filter(Run::coordinatorOnVictim).map(Run::firstAckMs).toList()),
        median(runs.stream().filter(r -> !r.coordinatorOnVictim()).map(Run::firstAckMs).toList()));
    p.say("the killed node's restart: Up after %s ms, storage caught up after %s ms",
        median(runs.stream().map(Run::restartUpMs).toList()), median(runs.stream().map(Run::caughtUpMs).toList()));
  }

  private static String median(List<Long> l) {
    List<Long> s = new ArrayList<>(l.stream().filter(x -> x >= 0).toList());
    if (s.isEmpty()) {
      return "not seen";
    }
    Collections.sort(s);
    return s.get(s.size() / 2) + " (min " + s.get(0) + ", max " + s.get(s.size() - 1) + ")";
  }

  private static long ms(Long nanos, long from) {
    return nanos == null ? -1 : Math.max(0, (nanos - from) / 1_000_000);
  }

  private static String fmt(long ms) {
    return ms < 0 ? "not seen" : ms + " ms";
  }

  private static void waitFor(Duration max, java.util.function.BooleanSupplier cond, String failure) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new BenchFailure(failure);
      }
      sleep(10);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchFailure("interrupted");
    }
  }

  // ------------------------------------------------------------------------ teardown

  private void teardown() {
    stopped = true;
    if (sender != null) {
      sender.shutdownNow();
    }
    if (client != null) {
      client.terminate();
      client.awaitTermination(Duration.ofSeconds(15));
    }
    BenchCluster.down(cluster, p, Duration.ofSeconds(15));
    cluster = null;
  }

  /** Ctrl-C / SIGTERM: no time for a graceful leave; kill every process of the cluster. */
  private void emergencyTeardown() {
    BenchCluster.killAll(cluster, out);
  }
}
