package io.kabuto.cli;

import io.kabuto.book.OrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Prices;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import io.kabuto.node.KabutoNode;
import io.kabuto.node.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kabuto demo}: a scripted TSE morning on one node: pre-open, opening itayose, continuous
 * trading, a special quote stepped on the clock, a node restart that recovers the book from its
 * journal, an idempotent resend, and the morning close. It checks what it shows and exits 1 if a
 * check fails. The multi-node incident demo replaces it when the scenario runner lands.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = KabutoCli.Version.class,
    description = {
      "Plays a scripted TSE morning for symbol 7203 on a one-node cluster (its own storage",
      "replica), restarts the node mid-session and checks the book recovers exactly.",
      "Takes about 20 seconds; data goes to a temporary directory unless --data-dir is given."
    })
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the demo node keeps its journal (default: a new temporary directory).")
  Path dataDir;

  @Option(names = "--verbose", description = "Show the nodes' INFO logs (cluster membership, journal, sharding).")
  boolean verbose;

  @Option(names = "--symbol", paramLabel = "CODE", description = "Symbol to trade (default: 7203, TOPIX500, base 2,000 yen, lot 100; listed in cluster-config/base.conf).")
  String symbol = "7203";

  private static final Duration ASK = Duration.ofSeconds(15);
  private KabutoNode node;
  private ActorRef<ShardingEnvelope<OrderBook.Command>> books;
  private int failures;

  @Override
  public Integer call() throws Exception {
    if (!verbose) {
      // the story is in the demo's own lines; node logs stay available with --verbose
      for (String name : List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "org.apache.pekko", "io.kabuto")) {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name))
            .setLevel(ch.qos.logback.classic.Level.WARN);
      }
    }
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("kabuto-demo-");
    step("starting a one-node cluster (roles matching, storage, gateway), journal in " + dir);
    start(dir);

    step("08:00 pre-open: orders are accepted, nothing executes");
    phase(Phase.PRE_OPEN, at(8, 0));
    place(101, 1, Side.BUY, OrderType.MARKET, 0, 300, at(8, 1));
    place(102, 2, Side.BUY, OrderType.LIMIT, yen("2010"), 500, at(8, 2));
    place(103, 3, Side.SELL, OrderType.LIMIT, yen("2000"), 400, at(8, 3));
    place(104, 4, Side.SELL, OrderType.LIMIT, yen("2005"), 600, at(8, 4));
    place(105, 2, Side.BUY, OrderType.LIMIT, yen("1995"), 200, at(8, 5));
    depth();

    step("09:00 opening itayose: one price, all orders simultaneous, market orders first");
    List<OrderBook.EventData> open = phase(Phase.CONTINUOUS, at(9, 0));
    check(open.stream().anyMatch(e -> e.type() == io.kabuto.matching.EventType.TRADE),
        "the opening auction traded");
    depth();

    step("09:01 continuous matching: price-time priority, trades at the resting price");
    place(201, 5, Side.SELL, OrderType.LIMIT, yen("2006"), 100, at(9, 1));
    place(202, 6, Side.BUY, OrderType.LIMIT, yen("2010"), 200, at(9, 2));
    modify(105, 2, yen("1996"), 200, at(9, 3));
    cancel(105, 2, at(9, 4));

    step("09:05 a buy that would jump beyond the renewal interval: special quote instead of a trade");
    place(301, 7, Side.SELL, OrderType.LIMIT, yen("2150"), 300, at(9, 5));
    place(302, 8, Side.BUY, OrderType.LIMIT, yen("2200"), 300, at(9, 6));
    OrderBook.Depth sq = depth();
    check(sq.specialQuote(), "a special quote is shown");

    step("the node restarts mid-session: the book recovers from its journal");
    long before = sq.stateHash();
    node.terminate();
    check(node.awaitTermination(Duration.ofSeconds(30)), "the node stopped");
    start(dir);
    OrderBook.Depth after = depth();
    check(after.stateHash() == before, "state hash after recovery equals the one before ("
        + Long.toHexString(before) + ")");

    step("a broker resends order 202 after the restart: it gets its first answer, not a second order");
    OrderBook.Response resend = place(202, 6, Side.BUY, OrderType.LIMIT, yen("2010"), 200, at(9, 7));
    check(resend instanceof OrderBook.Accepted, "the resend is answered as accepted");
    check(depth().stateHash() == before, "the resend changed nothing");

    step("the clock runs: the special quote steps every 3 minutes until orders balance");
    for (int m = 9; m <= 30 && depth().specialQuote(); m += 3) tick(at(9, 6 + m));
    check(!depth().specialQuote(), "the special quote resolved by itayose");
    depth();

    step("11:30 morning close (itayose), then lunch break: new orders are refused");
    phase(Phase.BREAK, at(11, 30));
    OrderBook.Response refused = place(401, 9, Side.BUY, OrderType.LIMIT, yen("2000"), 100, at(11, 31));
    check(refused instanceof OrderBook.Rejected, "an order during the break is rejected");

    node.terminate();
    node.awaitTermination(Duration.ofSeconds(30));
    System.out.println();
    if (failures == 0) {
      System.out.println("demo: all checks passed. Journal: " + dir);
      return 0;
    }
    System.out.println("demo: " + failures + " check(s) FAILED; the log above says which. Journal: " + dir);
    return 1;
  }

  private void start(Path dir) throws Exception {
    NodeConfig nc = NodeConfig.build(new NodeConfig.Options().port(0).dataDir(dir));
    node = KabutoNode.start(nc);
    node.up().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
    books = OrderBook.init(node.system());
  }

  private OrderBook.Response ask(Function<ActorRef<OrderBook.Response>, OrderBook.Command> command)
      throws Exception {
    return AskPattern.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>ask(
            books, reply -> new ShardingEnvelope<>(symbol, command.apply(reply)), ASK,
            node.system().scheduler())
        .toCompletableFuture()
        .get();
  }

  private OrderBook.Response place(long id, int broker, Side side, OrderType type, long price, long qty,
      long time) throws Exception {
    OrderBook.Response r = ask(reply -> new OrderBook.PlaceOrder(id, broker, side, type, TimeInForce.DAY,
        price, qty, SelfTradePrevention.NONE, time, reply));
    System.out.printf("  %s broker %d %-4s %-6s %6s x%-4d -> %s%n", hhmm(time), broker, side, type,
        type == OrderType.MARKET ? "market" : Prices.format(price), qty, describe(r));
    return r;
  }

  private void modify(long id, int broker, long price, long qty, long time) throws Exception {
    OrderBook.Response r = ask(reply -> new OrderBook.ModifyOrder(id, broker, price, qty, time, reply));
    System.out.printf("  %s broker %d modify #%d to %s x%d -> %s%n", hhmm(time), broker, id,
        Prices.format(price), qty, describe(r));
  }

  private void cancel(long id, int broker, long time) throws Exception {
    OrderBook.Response r = ask(reply -> new OrderBook.CancelOrder(id, broker, time, reply));
    System.out.printf("  %s broker %d cancel #%d -> %s%n", hhmm(time), broker, id, describe(r));
  }

  private List<OrderBook.EventData> phase(Phase p, long time) throws Exception {
    OrderBook.Response r = ask(reply -> new OrderBook.SetPhase(p, time, reply));
    System.out.printf("  %s phase %s -> %s%n", hhmm(time), p, describe(r));
    return r instanceof OrderBook.Ack a ? a.events() : List.of();
  }

  private void tick(long time) throws Exception {
    OrderBook.Response r = ask(reply -> new OrderBook.Clock(time, reply));
    System.out.printf("  %s clock -> %s%n", hhmm(time), describe(r));
  }

  private OrderBook.Depth depth() throws Exception {
    OrderBook.Depth d = (OrderBook.Depth) ask(reply -> new OrderBook.GetDepth(3, reply));
    System.out.printf("  book %s: phase %s, last %s, bids %s, asks %s%s, hash %s%n", d.symbol(), d.phase(),
        d.lastPrice() == 0 ? "-" : Prices.format(d.lastPrice()), levels(d.bids()), levels(d.asks()),
        d.specialQuote() ? ", special quote " + d.specialQuoteSide() + " " + Prices.format(d.specialQuotePrice()) : "",
        Long.toHexString(d.stateHash()));
    return d;
  }

  private static String levels(List<OrderBook.Level> ls) {
    StringBuilder sb = new StringBuilder("[");
    for (OrderBook.Level l : ls) {
      if (sb.length() > 1) sb.append(", ");
      sb.append(Prices.format(l.price())).append(" x").append(l.qty());
    }
    return sb.append(']').toString();
  }

  private static String describe(OrderBook.Response r) {
    List<OrderBook.EventData> events;
    if (r instanceof OrderBook.Rejected rej) return "REJECTED " + rej.code() + ": " + rej.reason();
    else if (r instanceof OrderBook.Accepted a) events = a.events();
    else if (r instanceof OrderBook.Ack a) events = a.events();
    else return r.toString();
    StringBuilder sb = new StringBuilder();
    for (OrderBook.EventData e : events) {
      String s = switch (e.type()) {
        case TRADE -> "trade " + e.qty() + "@" + Prices.format(e.price());
        case RESTED -> "rests " + e.leaves();
        case CANCELLED -> "cancelled " + e.leaves() + " (" + e.cancelReason() + ")";
        case REPLACED -> e.code() == 1 ? "replaced, keeps priority" : "replaced, loses priority";
        case SPECIAL_QUOTE -> e.code() == 1 ? "special quote " + e.sideValue() + " band "
            + Prices.format(e.price()) + ".." + Prices.format(e.price2()) : "special quote withdrawn";
        case PHASE -> "phase " + e.phase();
        case ACCEPTED -> "accepted";
      };
      if (sb.length() > 0) sb.append(", ");
      sb.append(s);
    }
    return sb.length() == 0 ? "ok" : sb.toString();
  }

  private void check(boolean ok, String what) {
    System.out.println((ok ? "  ok: " : "  FAILED: ") + what);
    if (!ok) failures++;
  }

  private static void step(String text) {
    System.out.println();
    System.out.println("== " + text);
  }

  private static long yen(String text) {
    return Prices.parseYen(text);
  }

  /** Simulation time: milliseconds since midnight JST. */
  private static long at(int hour, int minute) {
    return (hour * 60L + minute) * 60_000L;
  }

  private static String hhmm(long time) {
    long m = time / 60_000L;
    return String.format("%02d:%02d", m / 60, m % 60);
  }

  /** Registers {@code demo} with the CLI. */
  public static final class Provider implements KabutoSubcommand {
    @Override
    public String name() {
      return "demo";
    }

    @Override
    public Object command() {
      return new DemoCommand();
    }
  }
}
