package io.kabuto.bench.journal;

import com.typesafe.config.ConfigFactory;
import io.kabuto.bench.Progress;
import io.kabuto.book.BookSettings;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * {@code kabuto bench journal --book}: orders/s through ONE order book (its front and journaled
 * book, as sharding runs it) on the replicated journal (3 replicas in this JVM, quorum 2, fsync
 * always), with write batching ({@code kabuto.book.max-batch} as configured) and without
 * ({@code max-batch = 1}), in one run; the last line gives the ratio. Closed loop: a fixed
 * number of orders outstanding, each answer sends the next (resting limit orders, no trades, so
 * the measure is the write path rather than matching).
 */
public final class BookBatchBench {
  private BookBatchBench() {}

  /** Orders outstanding at once: what many gateways' clients put on one busy book. */
  static final int OUTSTANDING = 512;

  public static String run(JournalBench.Options o, PrintStream out) {
    Progress p = new Progress(out);
    if (!o.verbose()) Progress.quietLogs("WARN");
    Path parent = o.dir() != null ? o.dir() : Path.of(System.getProperty("java.io.tmpdir"));
    Path root;
    try {
      Files.createDirectories(parent);
      root = Files.createTempDirectory(parent.toAbsolutePath(), "kabuto-book-bench-");
    } catch (IOException e) {
      throw new JournalBench.BenchFailure("cannot create a temporary directory under " + parent + ": " + e
          + "; pass --dir DIR with a writable directory", e);
    }
    JournalBench.Options one = new JournalBench.Options(1, o.warmup(), o.measure(), o.load(), o.dir(), o.verbose());
    try (JournalBench.KabutoRun k = new JournalBench.KabutoRun(one, root.resolve("kabuto"), p)) {
      k.start();
      BookSettings batched = BookSettings.fromConfig(k.system.settings().config());
      BookSettings alone = BookSettings.fromConfig(ConfigFactory.parseString("kabuto.book.max-batch = 1")
          .withFallback(k.system.settings().config()));
      double b = measure(k, "BATCHED", batched, o, p);
      double a = measure(k, "ALONE", alone, o, p);
      return String.format(Locale.ROOT, "book: batched=%d (max-batch %d) alone=%d (max-batch 1) ratio=%.1f",
          Math.round(b), batched.maxBatch(), Math.round(a), a > 0 ? b / a : 0);
    } finally {
      Progress.deleteTree(root);
    }
  }

  private static double measure(JournalBench.KabutoRun k, String symbol, BookSettings settings,
      JournalBench.Options o, Progress p) {
    ActorRef<OrderBook.Command> book = k.system.systemActorOf(OrderBook.createBatching(symbol, settings),
        "bench-book-" + symbol, Props.empty());
    AtomicLong answered = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    AtomicLong nextId = new AtomicLong(1);
    AtomicBoolean running = new AtomicBoolean(true);
    Behavior<OrderBook.Response> client = Behaviors.setup(ctx -> {
      ActorRef<OrderBook.Response> self = ctx.getSelf();
      for (int i = 0; i < OUTSTANDING; i++) book.tell(order(nextId.getAndIncrement(), self));
      return Behaviors.receiveMessage(r -> {
        answered.incrementAndGet();
        if (r instanceof OrderBook.Rejected) rejected.incrementAndGet();
        if (running.get()) book.tell(order(nextId.getAndIncrement(), self));
        return Behaviors.same();
      });
    });
    k.system.systemActorOf(client, "bench-client-" + symbol, Props.empty());
    p.say("book %s (max-batch %d): %d orders outstanding; warm-up %d ms", symbol, settings.maxBatch(),
        OUTSTANDING, o.warmup().toMillis());
    sleep(o.warmup().toMillis());
    long n0 = answered.get();
    long t0 = System.nanoTime();
    sleep(o.measure().toMillis());
    long n1 = answered.get();
    double rate = (n1 - n0) / ((System.nanoTime() - t0) / 1e9);
    running.set(false);
    p.say("book %s: %,.0f orders/s (%,d answered in the window, %d rejected in all)", symbol, rate,
        n1 - n0, rejected.get());
    if (rejected.get() > 0) {
      throw new JournalBench.BenchFailure("book " + symbol + ": " + rejected.get()
          + " orders were rejected; run with --verbose", null);
    }
    return rate;
  }

  /** A resting buy of 1 share somewhere below the base price (never trades: no sell side). */
  private static OrderBook.PlaceOrder order(long id, ActorRef<OrderBook.Response> replyTo) {
    long price = 10_000 - (id % 250) * 10; // 1000 yen down to 751 yen, 1-yen ticks, within the limits
    return new OrderBook.PlaceOrder(id, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, price, 1,
        SelfTradePrevention.NONE, 0, replyTo);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
