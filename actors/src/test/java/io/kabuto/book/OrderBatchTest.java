package io.kabuto.book;

import static io.kabuto.book.BookFlow.yen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kabuto.book.OrderBook.Accepted;
import io.kabuto.book.OrderBook.BatchAnswer;
import io.kabuto.book.OrderBook.Command;
import io.kabuto.book.OrderBook.Depth;
import io.kabuto.book.OrderBook.GetDepth;
import io.kabuto.book.OrderBook.OrderBatch;
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
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway node's {@link OrderBatch}: each command carried out as if sent alone, in order,
 * answered together at its index; a write lost in the middle leaves its commands unanswered
 * (null), never answered with another command's answer.
 */
class OrderBatchTest {

  private static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.serialization-bindings { "io.kabuto.CborSerializable" = jackson-cbor }
      kabuto.gateway.max-attempt-timeout = 2s
      kabuto.book {
        snapshot-every = 50
        keep-snapshots = 2
        max-batch = 16
        persist-failure-backoff { min = 10ms, max = 100ms }
        defaults { base-price = "2000", tick-table = TOPIX500 }
      }
      """).withFallback(EventSourcedBehaviorTestKit.config()).withFallback(ConfigFactory.load()).resolve();

  private static final ActorTestKit testKit = ActorTestKit.create("OrderBatchTest", CONFIG);
  private static final AtomicInteger symbols = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final BookRules RULES = BookRules.tse("X", TickTable.TOPIX500, yen(2000));
  private static final BookFrontTest.Journal journal = new BookFrontTest.Journal();

  @BeforeAll
  static void journal() {
    PersistenceTestKit.create(testKit.system()).withPolicy(journal);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static ActorRef<Command> front(String symbol) {
    ActorRef<Command> book = testKit.spawn(BookFront.create(symbol), "front-" + symbol);
    depth(book);
    return book;
  }

  private static Depth depth(ActorRef<Command> book) {
    TestProbe<Response> p = testKit.createTestProbe();
    book.tell(new GetDepth(10, p.getRef()));
    return p.expectMessageClass(Depth.class, WAIT);
  }

  private static PlaceOrder order(long id, Side side, long price, long qty) {
    return new PlaceOrder(id, 1 + (int) (id % 3), side, OrderType.LIMIT, TimeInForce.DAY,
        yen(price), qty, SelfTradePrevention.NONE, id, null);
  }

  /**
   * Random streams of orders, cancels, replaces and resends in batches of random sizes: every
   * answer is what the bare core predicts for the commands one by one, and the book ends as the
   * core does. Batched and unbatched are the same book.
   */
  @Test
  void batchedCommandsAreAnsweredAsIfSentOneByOne() {
    for (int seed = 1; seed <= 3; seed++) {
      String sym = "B" + symbols.incrementAndGet();
      ActorRef<Command> book = front(sym);
      BookFlow flow = new BookFlow(seed, yen(2000), yen(0.5), 1);
      BookFlow.Oracle oracle = new BookFlow.Oracle(RULES.withInitialPhase(Phase.CONTINUOUS));
      TestProbe<BatchAnswer> probe = testKit.createTestProbe();
      Random sizes = new Random(seed);
      int sent = 0;
      long id = 0;
      List<List<Response>> expected = new ArrayList<>();
      while (sent < 400) {
        int n = 1 + sizes.nextInt(40);
        List<Command> batch = new ArrayList<>();
        List<Response> want = new ArrayList<>();
        while (batch.size() < n) {
          Command c = flow.next().apply(null);
          if (c instanceof OrderBook.Clock) continue; // not an order: never in a gateway's batch
          batch.add(c);
          want.add(oracle.expect(c));
        }
        book.tell(new OrderBatch(++id, batch, probe.getRef()));
        expected.add(want);
        sent += n;
      }
      for (int b = 0; b < expected.size(); b++) {
        BatchAnswer a = probe.expectMessageClass(BatchAnswer.class, WAIT);
        assertEquals(b + 1, a.id(), "batches are answered in order");
        assertEquals(expected.get(b), a.answers(), "seed " + seed + " batch " + (b + 1));
      }
      assertEquals(oracle.book.stateHash(), depth(book).stateHash(), "seed " + seed);
    }
  }

  /** A resend, a same-id different order, a refused order and a crossing one in one batch. */
  @Test
  void oneBatchKeepsEachCommandsOwnAnswer() {
    ActorRef<Command> book = front("B" + symbols.incrementAndGet());
    TestProbe<BatchAnswer> probe = testKit.createTestProbe();
    List<Command> batch = List.of(
        order(1, Side.BUY, 2000, 100),
        order(1, Side.BUY, 2000, 100),                       // resend: the first answer again
        order(2, Side.SELL, 2001, 100),
        order(2, Side.SELL, 2001, 200),                      // same id, another order
        new PlaceOrder(3, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(2000.3), 100,
            SelfTradePrevention.NONE, 3, null),              // off the 0.5-yen tick
        order(4, Side.SELL, 2000, 100));                     // crosses order 1
    book.tell(new OrderBatch(7, batch, probe.getRef()));
    BatchAnswer a = probe.expectMessageClass(BatchAnswer.class, WAIT);
    assertEquals(7, a.id());
    assertEquals(6, a.answers().size());
    Accepted first = assertInstanceOf(Accepted.class, a.answers().get(0));
    assertEquals(first, a.answers().get(1));
    assertInstanceOf(Accepted.class, a.answers().get(2));
    assertEquals(Reject.DUPLICATE_ORDER_ID,
        assertInstanceOf(Rejected.class, a.answers().get(3)).code());
    assertEquals(Reject.OFF_TICK, assertInstanceOf(Rejected.class, a.answers().get(4)).code());
    Accepted crossed = assertInstanceOf(Accepted.class, a.answers().get(5));
    assertTrue(crossed.events().stream().anyMatch(e -> e.type() == EventType.TRADE
        && e.otherOrderId() == 4 || e.type() == EventType.TRADE && e.orderId() == 4),
        "order 4 traded: " + crossed.events());
    assertEquals(1, depth(book).orderCount(), "order 2 rests, 1 and 4 traded");
  }

  /**
   * Order 1's write is held; batch B (orders 20, 21) becomes the next write, which fails; batch C,
   * a resend of order 21, is cut into the write after it (a write never holds one order id twice)
   * and succeeds. B's answers are null, never C's answer to order 21 in B's place; C is answered,
   * and a resend of B is carried out once.
   */
  @Test
  void aLostWriteLeavesItsCommandsUnansweredNotMisanswered() {
    String sym = "B" + symbols.incrementAndGet();
    journal.fail.put(OrderBook.persistenceId(sym).id(), 2);
    CountDownLatch release = journal.hold(sym);
    ActorRef<Command> book = front(sym);
    TestProbe<BatchAnswer> probe = testKit.createTestProbe();
    book.tell(new OrderBatch(1, List.of(order(1, Side.BUY, 1990, 100)), probe.getRef()));
    book.tell(new OrderBatch(2, List.of(order(20, Side.BUY, 1991, 100),
        order(21, Side.BUY, 1992, 100)), probe.getRef()));
    book.tell(new OrderBatch(3, List.of(order(21, Side.BUY, 1992, 100)), probe.getRef()));
    // the front hands each command to itself: let it queue them all behind the held write
    sleep(500);
    release.countDown();
    List<BatchAnswer> answers = List.of(probe.expectMessageClass(BatchAnswer.class, WAIT),
        probe.expectMessageClass(BatchAnswer.class, WAIT),
        probe.expectMessageClass(BatchAnswer.class, WAIT));
    BatchAnswer one = answers.stream().filter(x -> x.id() == 1).findFirst().orElseThrow();
    BatchAnswer lost = answers.stream().filter(x -> x.id() == 2).findFirst().orElseThrow();
    BatchAnswer three = answers.stream().filter(x -> x.id() == 3).findFirst().orElseThrow();
    assertInstanceOf(Accepted.class, one.answers().get(0));
    assertNull(lost.answers().get(0), "order 20's write was lost: " + lost);
    assertNull(lost.answers().get(1), "order 21's first write was lost: " + lost);
    Accepted a21 = assertInstanceOf(Accepted.class, three.answers().get(0));
    assertEquals(21, a21.orderId());
    book.tell(new OrderBatch(4, List.of(order(20, Side.BUY, 1991, 100),
        order(21, Side.BUY, 1992, 100)), probe.getRef()));
    BatchAnswer again = probe.expectMessageClass(BatchAnswer.class, WAIT);
    assertEquals(20, assertInstanceOf(Accepted.class, again.answers().get(0)).orderId());
    assertEquals(a21, again.answers().get(1), "a resend of 21 gets its first answer");
    assertEquals(3, depth(book).orderCount());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
