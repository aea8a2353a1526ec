package io.kabuto.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kabuto.book.OrderBook;
import io.kabuto.gateway.ParticipantSession.Answer;
import io.kabuto.gateway.ParticipantSession.Refused;
import io.kabuto.gateway.ParticipantSession.Reply;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A participant session against real order books (in-memory journal) behind a stand-in for the
 * sharding region that can drop messages, as a region does while a book fails over.
 */
class ParticipantSessionTest {
  private static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.serialization-bindings { "io.kabuto.CborSerializable" = jackson-cbor }
      kabuto.gateway { attempt-timeout = 200ms, book-deadline = 1500ms }
      kabuto.book.defaults { base-price = "2000", tick-table = TOPIX500 }
      """).withFallback(EventSourcedBehaviorTestKit.config()).withFallback(ConfigFactory.load())
      .resolve();
  private static final ActorTestKit kit = ActorTestKit.create("ParticipantSessionTest", CONFIG);
  private static final AtomicInteger symbols = new AtomicInteger();
  private static final GatewaySettings SETTINGS = GatewaySettings.fromConfig(CONFIG);
  private static final long PRICE = 20_000; // 2000 yen

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  /** A sharding region stand-in: one book per symbol; drops the next {@code drop} messages. */
  private static Behavior<ShardingEnvelope<OrderBook.Command>> region(AtomicInteger drop) {
    return Behaviors.setup(ctx -> {
      Map<String, ActorRef<OrderBook.Command>> books = new HashMap<>();
      return Behaviors.receiveMessage(env -> {
        if (drop.get() != 0) {
          drop.decrementAndGet();
          return Behaviors.same();
        }
        books.computeIfAbsent(env.entityId(),
            s -> ctx.spawn(OrderBook.create(s), "book-" + s)).tell(env.message());
        return Behaviors.same();
      });
    });
  }

  private record Setup(ActorRef<ParticipantSession.Command> session, String symbol,
      AtomicInteger drop, ActorRef<ShardingEnvelope<OrderBook.Command>> region) {}

  private static Setup setup(String participant) {
    AtomicInteger drop = new AtomicInteger();
    var region = kit.spawn(region(drop));
    var session = kit.spawn(ParticipantSession.create(
        SETTINGS.participants().get(participant), SETTINGS, region));
    return new Setup(session, "T" + symbols.incrementAndGet(), drop, region);
  }

  private static Reply newOrder(Setup s, String clOrdId, Side side, long price, long qty) {
    TestProbe<Reply> p = kit.createTestProbe();
    s.session().tell(new ParticipantSession.NewOrder(clOrdId, s.symbol(), side, OrderType.LIMIT,
        TimeInForce.DAY, price, qty, 1000, p.ref()));
    return p.receiveMessage(Duration.ofSeconds(5));
  }

  private static long bidQty(Setup s) {
    TestProbe<OrderBook.Response> p = kit.createTestProbe();
    s.region().tell(new ShardingEnvelope<>(s.symbol(), new OrderBook.GetDepth(10, p.ref())));
    OrderBook.Depth d = (OrderBook.Depth) p.receiveMessage();
    return d.bids().stream().mapToLong(OrderBook.Level::qty).sum();
  }

  private static OrderBook.Response book(Reply r) {
    return assertInstanceOf(Answer.class, r, String.valueOf(r)).book();
  }

  @Test
  void a_resent_clordid_gets_the_original_order_not_a_second_one() {
    Setup s = setup("BROKER1");
    Answer first = (Answer) newOrder(s, "A-1", Side.BUY, PRICE, 100);
    assertInstanceOf(OrderBook.Accepted.class, first.book());
    Answer again = (Answer) newOrder(s, "A-1", Side.BUY, PRICE, 100);
    assertEquals(first.orderId(), again.orderId());
    assertInstanceOf(OrderBook.Accepted.class, again.book());
    assertEquals(100, bidQty(s), "one order on the book");
    Refused other = assertInstanceOf(Refused.class, newOrder(s, "A-1", Side.BUY, PRICE, 200));
    assertEquals(GatewayReject.DUPLICATE_CLORDID, other.code());
  }

  @Test
  void while_a_book_fails_over_the_order_is_retried_and_placed_once() {
    Setup s = setup("BROKER1");
    s.drop().set(3); // three attempts vanish, as in a shard hand-over
    assertInstanceOf(OrderBook.Accepted.class, book(newOrder(s, "F-1", Side.BUY, PRICE, 100)));
    assertEquals(100, bidQty(s));
  }

  @Test
  void past_the_deadline_the_client_learns_the_exchange_is_unavailable() {
    Setup s = setup("BROKER1");
    s.drop().set(-1); // never answers
    Refused r = assertInstanceOf(Refused.class, newOrder(s, "U-1", Side.BUY, PRICE, 100));
    assertEquals(GatewayReject.EXCHANGE_UNAVAILABLE, r.code());
    s.drop().set(0);
    // the resend of the same ClOrdID tells its state and never adds a second order
    assertInstanceOf(OrderBook.Accepted.class, book(newOrder(s, "U-1", Side.BUY, PRICE, 100)));
    assertEquals(100, bidQty(s));
  }

  @Test
  void rate_cap_and_hard_limits_refuse_without_asking_the_book() {
    Setup s = setup("BROKER3"); // 5 orders per second, max 100,000 shares, 100M yen
    int refused = 0;
    for (int i = 0; i < 8; i++) {
      if (newOrder(s, "R-" + i, Side.BUY, PRICE, 100) instanceof Refused r) {
        assertEquals(GatewayReject.RATE_LIMITED, r.code());
        refused++;
      }
    }
    assertTrue(refused >= 2, "8 orders at once against a cap of 5/s: " + refused + " refused");
    Setup t = setup("BROKER2");
    assertEquals(GatewayReject.QUANTITY_LIMIT,
        ((Refused) newOrder(t, "Q-1", Side.BUY, PRICE, 2_000_000)).code());
    assertEquals(GatewayReject.NOTIONAL_LIMIT,
        ((Refused) newOrder(t, "N-1", Side.BUY, PRICE, 900_000)).code()); // 1.8bn yen
    assertEquals(GatewayReject.NOTIONAL_LIMIT,
        ((Refused) newOrder(t, "N-2", Side.BUY, Long.MAX_VALUE / 2, 100)).code());
  }

  @Test
  void the_kill_switch_cancels_everything_and_blocks_until_released() {
    Setup s = setup("BROKER1");
    newOrder(s, "K-1", Side.BUY, PRICE, 100);
    newOrder(s, "K-2", Side.BUY, PRICE - 10, 200);
    TestProbe<Reply> p = kit.createTestProbe();
    s.session().tell(new ParticipantSession.KillSwitch(true, 2000, p.ref()));
    var state = assertInstanceOf(ParticipantSession.KillSwitchState.class, p.receiveMessage());
    assertEquals(2, state.cancelled());
    assertEquals(GatewayReject.KILL_SWITCH,
        ((Refused) newOrder(s, "K-3", Side.BUY, PRICE, 100)).code());
    assertEquals(0, bidQty(s), "everything cancelled");
    s.session().tell(new ParticipantSession.KillSwitch(false, 3000, p.ref()));
    p.receiveMessage();
    assertInstanceOf(OrderBook.Accepted.class, book(newOrder(s, "K-4", Side.BUY, PRICE, 100)));
  }

  @Test
  void cancel_on_disconnect_and_own_orders_only() {
    Setup s = setup("BROKER1");
    newOrder(s, "D-1", Side.BUY, PRICE, 100);
    // another participant's session does not know BROKER1's ClOrdIDs
    var other = kit.spawn(ParticipantSession.create(SETTINGS.participants().get("BROKER2"),
        SETTINGS, s.region()));
    TestProbe<Reply> p = kit.createTestProbe();
    other.tell(new ParticipantSession.CancelOrder("X-1", "D-1", 1500, p.ref()));
    assertEquals(GatewayReject.UNKNOWN_CLORDID, ((Refused) p.receiveMessage()).code());
    assertEquals(100, bidQty(s));
    s.session().tell(new ParticipantSession.Disconnected(2000));
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (bidQty(s) != 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(0, bidQty(s), "cancel-on-disconnect");
  }

  @Test
  void order_ids_are_derived_per_participant() {
    assertEquals(OrderIds.of(1, "abc"), OrderIds.of(1, "abc"));
    assertNotEquals(OrderIds.of(1, "abc"), OrderIds.of(2, "abc"));
    assertNotEquals(OrderIds.of(1, "abc"), OrderIds.of(1, "abd"));
    assertTrue(OrderIds.of(65535, "zzz") > 0);
  }
}
