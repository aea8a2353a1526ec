package io.kabuto.book;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.book.OrderBook.Accepted;
import io.kabuto.book.OrderBook.CancelOrder;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.ModifyOrder;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.Rejected;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.marketdata.MarketDataMessage;
import io.kabuto.matching.EventType;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The order path's binary messages: each one Pekko serializes is bound to {@link
 * BookWireSerializer} (not Jackson), comes back equal, and the layout is pinned (enum ordinals
 * are part of it, as in the journal).
 */
class BookWireSerializerTest {
  private static final ActorTestKit testKit = ActorTestKit.create("BookWireSerializerTest");
  private static final Serialization serialization =
      SerializationExtension.get(testKit.system().classicSystem());

  @AfterAll
  static void teardown() {
    testKit.shutdownTestKit();
  }

  private static Object roundTrip(Object o) {
    Serializer s = serialization.findSerializerFor(o);
    assertTrue(s instanceof BookWireSerializer, o.getClass() + " is serialized by " + s);
    byte[] bytes = serialization.serialize(o).get();
    return serialization.deserialize(bytes, s.identifier(), Serializers.manifestFor(s, o)).get();
  }

  private static EventData event(Random r, EventType type) {
    return new EventData(type, r.nextLong(), r.nextInt(1_000_000), Math.abs(r.nextLong()),
        r.nextBoolean() ? 0 : Math.abs(r.nextLong()), r.nextInt(200), r.nextInt(200) - 1,
        r.nextInt(3) - 1, r.nextInt(2), r.nextInt(3), r.nextInt(100_000_000),
        r.nextInt(100_000), r.nextInt(1_000_000), r.nextInt(1_000_000), r.nextInt(1_000_000),
        r.nextInt(8), r.nextLong());
  }

  @Test
  void ordersCancelsAndReplacesComeBackEqualWithTheirReplyTo() {
    TestProbe<Response> probe = testKit.createTestProbe();
    Random r = new Random(7);
    for (int i = 0; i < 200; i++) {
      PlaceOrder p = new PlaceOrder(Math.abs(r.nextLong()), r.nextInt(1000), Side.values()[r.nextInt(2)],
          OrderType.values()[r.nextInt(2)], TimeInForce.values()[r.nextInt(3)],
          r.nextInt(100_000_000), 100L * (1 + r.nextInt(100)),
          SelfTradePrevention.values()[r.nextInt(SelfTradePrevention.values().length)],
          r.nextLong(), probe.getRef());
      assertEquals(p, roundTrip(p));
    }
    CancelOrder c = new CancelOrder(42, -1, Long.MIN_VALUE, probe.getRef());
    assertEquals(c, roundTrip(c));
    ModifyOrder m = new ModifyOrder(Long.MAX_VALUE, 7, 0, 300, 1, probe.getRef());
    assertEquals(m, roundTrip(m));
  }

  @Test
  void answersExecutionsAndMarketDataComeBackEqual() {
    Random r = new Random(11);
    for (int i = 0; i < 200; i++) {
      List<EventData> events = new java.util.ArrayList<>();
      for (int k = r.nextInt(6); k > 0; k--) {
        events.add(event(r, EventType.values()[r.nextInt(EventType.values().length)]));
      }
      Accepted a = new Accepted(r.nextLong(), events);
      assertEquals(a, roundTrip(a));
    }
    for (Reject code : Reject.values()) {
      Rejected rej = new Rejected(5, code, code == Reject.NONE ? null : "why: " + code + " 値");
      assertEquals(rej, roundTrip(rej));
    }
    BookTopics.OwnExecution x = new BookTopics.OwnExecution("7203", 99, 3, 12345, 101,
        event(r, EventType.TRADE), null);
    assertEquals(x, roundTrip(x));
    BookTopics.OwnExecution bust = new BookTopics.OwnExecution("7203", 100, 0, 12345, 101,
        event(r, EventType.TRADE), "fat finger");
    assertEquals(bust, roundTrip(bust));
    MarketDataMessage top = new MarketDataMessage("7203", 17, MarketDataMessage.Kind.TOP, 5, 9,
        0, 0, 0, null, 20000, 300, 20010, 500, null, false, null);
    assertEquals(top, roundTrip(top));
    MarketDataMessage status = new MarketDataMessage("4565", 0, MarketDataMessage.Kind.STATUS, 5,
        0, 0, 0, 0, Side.SELL, 0, 0, 0, 0, Phase.HALTED, true, "halted by the operator");
    assertEquals(status, roundTrip(status));
  }

  @Test
  void aPlaceOrderIsAFewDozenBytesAndItsLayoutIsPinned() {
    PlaceOrder p = new PlaceOrder(1, 101, Side.SELL, OrderType.LIMIT, TimeInForce.DAY, 20000, 100,
        SelfTradePrevention.NONE, 0, null);
    byte[] bytes = serialization.serialize(p).get();
    // orderId 1, participant 101, SELL, LIMIT, DAY, price 20000, qty 100, NONE, time 0, no ref:
    // zigzag varints. A change here is a change of the wire format: give it a new manifest.
    byte[] expected = {2, (byte) 202, 1, (byte) (2 * Side.SELL.ordinal()),
        (byte) (2 * OrderType.LIMIT.ordinal()), (byte) (2 * TimeInForce.DAY.ordinal()),
        (byte) 0xC0, (byte) 0xB8, 2, (byte) 200, 1, (byte) (2 * SelfTradePrevention.NONE.ordinal()),
        0, 1};
    assertArrayEquals(expected, bytes, Arrays.toString(bytes));
  }

  @Test
  void aTruncatedOrUnknownMessageIsRefusedNotMisread() {
    TestProbe<Response> probe = testKit.createTestProbe();
    PlaceOrder p = new PlaceOrder(1, 101, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, 20000, 100,
        SelfTradePrevention.NONE, 0, probe.getRef());
    Serializer s = serialization.findSerializerFor(p);
    byte[] bytes = serialization.serialize(p).get();
    byte[] cut = Arrays.copyOf(bytes, bytes.length - 3);
    assertTrue(serialization.deserialize(cut, s.identifier(), "P1").isFailure());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertTrue(serialization.deserialize(longer, s.identifier(), "P1").isFailure());
    assertThrows(java.io.NotSerializableException.class,
        () -> ((BookWireSerializer) s).fromBinary(bytes, "P9"));
  }
}
