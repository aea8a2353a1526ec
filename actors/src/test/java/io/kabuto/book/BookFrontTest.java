package io.kabuto.book;

import static io.kabuto.book.BookFlow.yen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kabuto.book.OrderBook.Accepted;
import io.kabuto.book.OrderBook.Applied;
import io.kabuto.book.OrderBook.Command;
import io.kabuto.book.OrderBook.Depth;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.GetDepth;
import io.kabuto.book.OrderBook.GetOrder;
import io.kabuto.book.OrderBook.OrderState;
import io.kabuto.book.OrderBook.OrderStatus;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.Rejected;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.EventType;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TickTable;
import io.kabuto.matching.TimeInForce;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.ProcessingPolicy;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingSuccess$;
import org.apache.pekko.persistence.testkit.StorageFailure;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sharded book's front ({@link BookFront}) batching writes: while a journal write is held,
 * the commands that arrive go into one later write; replies, idempotent ids, the guard and
 * failed or rejected writes keep their one-command semantics. The journal is the persistence
 * testkit's, with a policy that can hold a book's writes (a slow journal made deterministic),
 * fail or reject one, and records how many events each write carried.
 */
class BookFrontTest {

  private static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.serialization-bindings { "io.kabuto.CborSerializable" = jackson-cbor }
      kabuto.book {
        snapshot-every = 7
        keep-snapshots = 2
        max-batch = 64
        persist-failure-backoff { min = 10ms, max = 100ms }
        fault.crash-on-quantity = 777
        defaults { base-price = "2000", tick-table = TOPIX500 }
      }
      """).withFallback(EventSourcedBehaviorTestKit.config()).withFallback(ConfigFactory.load()).resolve();

  private static final ActorTestKit testKit = ActorTestKit.create("BookFrontTest", CONFIG);
  private static final AtomicInteger symbols = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final BookRules RULES = BookRules.tse("X", TickTable.TOPIX500, yen(2000));
  private static final Journal journal = new Journal();
  private static PersistenceTestKit persistence;

  /** Holds, fails or rejects a book's writes on request; records the events per write. */
  static final class Journal implements ProcessingPolicy<JournalOperation> {
    final Map<String, List<Integer>> writes = new ConcurrentHashMap<>();
    final Map<String, CountDownLatch> held = new ConcurrentHashMap<>();
    /** persistence id -> 1-based number of the write to fail (a storage failure) or reject. */
    final Map<String, Integer> fail = new ConcurrentHashMap<>();
    final Map<String, Integer> reject = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    @Override
    public ProcessingResult tryProcess(String pid, JournalOperation op) {
      if (!(op instanceof WriteEvents w)) return ProcessingSuccess$.MODULE$;
      CountDownLatch gate = held.get(pid);
      try {
        if (gate != null && !gate.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      int n = attempts.computeIfAbsent(pid, k -> new AtomicInteger()).incrementAndGet();
      if (Integer.valueOf(n).equals(fail.get(pid))) return new StorageFailure(new RuntimeException("injected failure"));
      if (Integer.valueOf(n).equals(reject.get(pid))) {
        return new org.apache.pekko.persistence.testkit.Reject(new RuntimeException("injected rejection"));
      }
      writes.computeIfAbsent(pid, k -> new CopyOnWriteArrayList<>()).add(w.getBatch().size());
      return ProcessingSuccess$.MODULE$;
    }

    /** Holds every write of {@code symbol}'s book until the returned latch is released. */
    CountDownLatch hold(String symbol) {
      CountDownLatch l = new CountDownLatch(1);
      held.put(OrderBook.persistenceId(symbol).id(), l);
      return l;
    }

    List<Integer> writesOf(String symbol) {
      return writes.getOrDefault(OrderBook.persistenceId(symbol).id(), List.of());
    }
  }

  @BeforeAll
  static void journal() {
    persistence = PersistenceTestKit.create(testKit.system());
    persistence.withPolicy(journal);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static String freshSymbol() {
    return "F" + symbols.incrementAndGet();
  }

  private static ActorRef<Command> front(String symbol) {
    return testKit.spawn(BookFront.create(symbol), "front-" + symbol + "-" + symbols.incrementAndGet());
  }

  /**
   * A front whose book has recovered (a read has been answered), so that its next write goes out
   * at once on its own, while the commands after it queue behind it.
   */
  private static ActorRef<Command> readyFront(String symbol) {
    ActorRef<Command> book = front(symbol);
    depth(book);
    return book;
  }

  private static PlaceOrder buy(long id, long price, long qty, ActorRef<Response> r) {
    return new PlaceOrder(id, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(price), qty,
        SelfTradePrevention.NONE, id, r);
  }

  private static Depth depth(ActorRef<Command> book) {
    TestProbe<Response> p = testKit.createTestProbe();
    book.tell(new GetDepth(10, p.getRef()));
    return p.expectMessageClass(Depth.class, WAIT);
  }

  /** Events of the journal that are about {@code orderId} being accepted. */
  private static long acceptedInJournal(String symbol, long orderId) {
    long n = 0;
    for (Object e : persistence.persistedInStorage(OrderBook.persistenceId(symbol).id())) {
      if (e instanceof Applied a) {
        for (EventData d : a.events()) if (d.type() == EventType.ACCEPTED && d.orderId() == orderId) n++;
      }
    }
    return n;
  }

  /**
   * Hundreds of commands sent while the first write is held: every reply is what the bare core
   * predicts for that order of commands, they went into far fewer writes than commands, and a
   * new incarnation recovering from the journal (snapshots every 7 events, so mid-batch) has the
   * same book.
   */
  @Test
  void aHeldWriteBatchesTheCommandsBehindItAndReplayAgrees() {
    String sym = freshSymbol();
    CountDownLatch release = journal.hold(sym);
    ActorRef<Command> book = readyFront(sym);
    BookFlow flow = new BookFlow(11, yen(2000), yen(0.5), 1);
    BookFlow.Oracle oracle = new BookFlow.Oracle(RULES.withInitialPhase(Phase.CONTINUOUS));
    TestProbe<Response> probe = testKit.createTestProbe();
    int n = 600;
    List<Response> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      BookFlow.Step step = flow.next();
      expected.add(oracle.expect(step.apply(null)));
      book.tell(step.apply(probe.getRef()));
    }
    release.countDown();
    for (int i = 0; i < n; i++) {
      assertEquals(expected.get(i), probe.expectMessageClass(Response.class, WAIT), "reply " + i);
    }
    Depth before = depth(book);
    assertEquals(oracle.book.stateHash(), before.stateHash());
    assertTrue(before.tradeCount() > 20, "trades: " + before.tradeCount());

    List<Integer> writes = journal.writesOf(sym);
    int events = writes.stream().mapToInt(Integer::intValue).sum();
    assertTrue(writes.size() * 3 < n, "writes " + writes.size() + " for " + n + " commands: " + writes);
    assertTrue(writes.stream().anyMatch(w -> w > 10), "some write carried many events: " + writes);
    assertTrue(events > n / 2, "events " + events);

    SnapshotTestKit snaps = SnapshotTestKit.create(testKit.system());
    assertTrue(!snaps.persistedInStorage(OrderBook.persistenceId(sym).id()).isEmpty(), "a snapshot was taken");
    List<io.kabuto.marketdata.MarketDataMessage> feed = marketData(book);
    assertTrue(feed.stream().anyMatch(m -> m.kind() == io.kabuto.marketdata.MarketDataMessage.Kind.TOP),
        "the feed has TOP messages");
    testKit.stop(book);
    ActorRef<Command> again = front(sym);
    assertEquals(before, depth(again));
    assertEquals(feed, marketData(again));
    // The feed is derived by the event handler: a replay of the whole journal (no snapshot) must
    // number and fill it exactly as the live batches did (a batch's TOP is the book after its
    // own command, not after the whole batch).
    testKit.stop(again);
    snaps.clearByPersistenceId(OrderBook.persistenceId(sym).id());
    ActorRef<Command> replayed = front(sym);
    assertEquals(before, depth(replayed));
    assertEquals(feed, marketData(replayed));
  }

  private static List<io.kabuto.marketdata.MarketDataMessage> marketData(ActorRef<Command> book) {
    TestProbe<Response> p = testKit.createTestProbe();
    List<io.kabuto.marketdata.MarketDataMessage> all = new ArrayList<>();
    long from = 1;
    while (true) {
      book.tell(new OrderBook.GetMarketData(from, OrderBook.MAX_MARKET_DATA_PAGE, p.getRef()));
      OrderBook.MarketDataPage page = p.expectMessageClass(OrderBook.MarketDataPage.class, WAIT);
      all.addAll(page.messages());
      if (page.messages().isEmpty() || all.get(all.size() - 1).seq() >= page.lastSeq()) return all;
      from = all.get(all.size() - 1).seq() + 1;
    }
  }

  /** Two PlaceOrders with one id behind the same held write: the second gets the first's answer. */
  @Test
  void aResendBehindTheSameWriteGetsTheFirstAnswer() {
    String sym = freshSymbol();
    CountDownLatch release = journal.hold(sym);
    ActorRef<Command> book = readyFront(sym);
    TestProbe<Response> probe = testKit.createTestProbe();
    book.tell(buy(1, 1990, 100, probe.getRef()));
    book.tell(buy(2, 1995, 100, probe.getRef()));
    book.tell(buy(3, 1996, 100, probe.getRef()));
    book.tell(buy(2, 1995, 100, probe.getRef())); // resend: same fields
    book.tell(buy(3, 1996, 200, probe.getRef())); // same id, another order
    release.countDown();
    assertInstanceOf(Accepted.class, probe.expectMessageClass(Response.class, WAIT));
    Accepted two = assertInstanceOf(Accepted.class, probe.expectMessageClass(Response.class, WAIT));
    assertInstanceOf(Accepted.class, probe.expectMessageClass(Response.class, WAIT));
    assertEquals(two, probe.expectMessageClass(Response.class, WAIT));
    Rejected dup = assertInstanceOf(Rejected.class, probe.expectMessageClass(Response.class, WAIT));
    assertEquals(Reject.DUPLICATE_ORDER_ID, dup.code());
    assertEquals(3, depth(book).orderCount());
    assertEquals(1, acceptedInJournal(sym, 2));
  }

  /**
   * A command that makes the core throw in the middle of a write: every command of that write is
   * rejected and none is kept; the book comes back from the journal and the clients' retries are
   * carried out once.
   */
  @Test
  void aCoreFailureRejectsTheWholeWrite() {
    String sym = freshSymbol();
    CountDownLatch release = journal.hold(sym);
    ActorRef<Command> book = readyFront(sym);
    TestProbe<Response> probe = testKit.createTestProbe();
    book.tell(buy(1, 1990, 100, probe.getRef()));
    book.tell(buy(10, 1991, 100, probe.getRef()));
    book.tell(buy(11, 1992, 777, probe.getRef())); // kabuto.book.fault.crash-on-quantity
    book.tell(buy(12, 1993, 100, probe.getRef()));
    release.countDown();
    assertInstanceOf(Accepted.class, probe.expectMessageClass(Response.class, WAIT));
    for (long id = 10; id <= 12; id++) {
      Rejected r = assertInstanceOf(Rejected.class, probe.expectMessageClass(Response.class, WAIT));
      assertEquals(id, r.orderId());
      assertEquals(Reject.INTERNAL_ERROR, r.code());
      assertTrue(r.reason().contains(id == 11 ? "injected" : "send it again"), r.reason());
    }
    // the front started a new book, which recovered without any of them
    TestProbe<Response> status = testKit.createTestProbe();
    book.tell(new GetOrder(10, status.getRef()));
    assertEquals(OrderState.UNKNOWN, status.expectMessageClass(OrderStatus.class, WAIT).state());
    assertEquals(0, acceptedInJournal(sym, 10));
    assertEquals(0, acceptedInJournal(sym, 12));
    book.tell(buy(10, 1991, 100, probe.getRef()));
    book.tell(buy(12, 1993, 100, probe.getRef()));
    assertInstanceOf(Accepted.class, probe.expectMessageClass(Response.class, WAIT));
    assertInstanceOf(Accepted.class, probe.expectMessageClass(Response.class, WAIT));
    assertEquals(3, depth(book).orderCount());
    assertEquals(1, acceptedInJournal(sym, 10));
  }

  /** A failed write (the book restarts inside the front) and a rejected one (the book stops). */
  @Test
  void aFailedWriteIsNeverAnsweredAndTheQueueBehindItSurvives() {
    lostWrite(false);
  }

  @Test
  void aRejectedWriteStopsTheBookAndTheFrontStartsANewOne() {
    lostWrite(true);
  }

  /**
   * Write 1 (order 1) is held; behind it orders 20 and 21 form write 2, which is lost; a resend
   * of 21 and order 22 form write 3, queued in the front meanwhile. 20 and the first 21 are never
   * answered; the rest are, after the book has recovered, and each order is in the journal once.
   */
  private void lostWrite(boolean rejected) {
    String sym = freshSymbol();
    String pid = OrderBook.persistenceId(sym).id();
    (rejected ? journal.reject : journal.fail).put(pid, 2);
    CountDownLatch release = journal.hold(sym);
    ActorRef<Command> book = readyFront(sym);
    TestProbe<Response> one = testKit.createTestProbe();
    TestProbe<Response> lost = testKit.createTestProbe();
    TestProbe<Response> after = testKit.createTestProbe();
    book.tell(buy(1, 1990, 100, one.getRef()));
    book.tell(buy(20, 1991, 100, lost.getRef()));
    book.tell(buy(21, 1992, 100, lost.getRef()));
    book.tell(buy(21, 1992, 100, after.getRef())); // the client's retry: starts write 3
    book.tell(buy(22, 1993, 100, after.getRef()));
    release.countDown();
    assertInstanceOf(Accepted.class, one.expectMessageClass(Response.class, WAIT));
    Accepted r21 = assertInstanceOf(Accepted.class, after.expectMessageClass(Response.class, WAIT));
    assertEquals(21, r21.orderId());
    assertEquals(22, assertInstanceOf(Accepted.class, after.expectMessageClass(Response.class, WAIT)).orderId());
    assertEquals(3, depth(book).orderCount());
    lost.expectNoMessage(Duration.ofMillis(300));
    assertEquals(0, acceptedInJournal(sym, 20));
    assertEquals(1, acceptedInJournal(sym, 21));
    assertEquals(1, acceptedInJournal(sym, 22));
  }

  /** {@code max-batch = 1}: every write carries one command, as without a front. */
  @Test
  void maxBatchOneWritesEveryCommandAlone() {
    String sym = freshSymbol();
    BookSettings one = BookSettings.fromConfig(ConfigFactory.parseString("kabuto.book.max-batch = 1")
        .withFallback(CONFIG));
    CountDownLatch release = journal.hold(sym);
    ActorRef<Command> book = testKit.spawn(BookFront.create(sym, one), "front-one-" + sym);
    depth(book);
    TestProbe<Response> probe = testKit.createTestProbe();
    for (long id = 1; id <= 20; id++) book.tell(buy(id, 1990 + id, 100, probe.getRef()));
    release.countDown();
    for (long id = 1; id <= 20; id++) {
      assertEquals(id, assertInstanceOf(Accepted.class, probe.expectMessageClass(Response.class, WAIT)).orderId());
    }
    // the first write also carries the Opened event
    assertEquals(List.of(2), journal.writesOf(sym).subList(0, 1));
    assertTrue(journal.writesOf(sym).subList(1, 20).stream().allMatch(w -> w == 1), journal.writesOf(sym).toString());
  }

  @Test
  void anIncarnationThatSeesAnotherOnesFeedAheadOfItsOwnRecoversToCatchUp() {
    // two incarnations of one book (a second primary; the testkit journal does not fence): the
    // one that did not write must not go on answering reads from its older history
    String sym = freshSymbol();
    ActorRef<Command> idle = front(sym);
    assertEquals(0, depth(idle).orderCount());
    ActorRef<Command> writer = front(sym);
    TestProbe<Response> p = testKit.createTestProbe();
    writer.tell(buy(91, 1990, 300, p.getRef()));
    assertInstanceOf(Accepted.class, p.receiveMessage(Duration.ofSeconds(10)));
    p.awaitAssert(Duration.ofSeconds(10), Duration.ofMillis(100), () -> {
      Depth d = depth(idle);
      assertEquals(1, d.orderCount(), "the idle incarnation recovered the other's order");
      assertEquals(300, d.bids().get(0).qty());
      return null;
    });
  }
}
