package io.kabuto.book;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.OrderState;
import io.kabuto.book.OrderBook.RememberedOrder;
import io.kabuto.book.OrderBook.Snapshot;
import io.kabuto.marketdata.MarketDataMessage;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.BookSnapshot;
import io.kabuto.matching.EventType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Side;
import io.kabuto.matching.TickTable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Book snapshots in the binary format read back equal, are much smaller than Jackson CBOR, and
 * the Jackson snapshots stored before the change still load (the fixture is one, wrapped the way
 * the snapshot store wraps it).
 */
class SnapshotWireTest {
  private static final ActorTestKit kit = ActorTestKit.create("SnapshotWireTest");
  private static final Serialization serialization =
      SerializationExtension.get(kit.system().classicSystem());

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  static Snapshot fixtureSnapshot(int orders) {
    BookRules rules = BookRules.tse("7203", TickTable.TOPIX500, 20_000).withLotSize(100);
    int n = orders;
    long[] ids = new long[n];
    int[] participants = new int[n];
    byte[] sides = new byte[n];
    byte[] types = new byte[n];
    long[] prices = new long[n];
    long[] qty = new long[n];
    long[] leaves = new long[n];
    List<RememberedOrder> remembered = new ArrayList<>();
    List<EventData> trades = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids[i] = 1_000_000L + i;
      participants[i] = 101 + i % 7;
      sides[i] = (byte) (i < n / 2 ? 0 : 1);
      types[i] = 0;
      prices[i] = i < n / 2 ? 19_990 - i : 20_010 + i;
      qty[i] = 300;
      leaves[i] = 200;
      EventData accepted = new EventData(EventType.ACCEPTED, 1_600_000_000_000L + i, 0, ids[i], 0,
          participants[i], -1, sides[i], 1, 0, prices[i], 0, 300, 300, 0, 0, 0);
      EventData trade = new EventData(EventType.TRADE, 1_600_000_000_500L + i, 10 + i, ids[i],
          999, participants[i], 102, sides[i], 1, 0, prices[i], 0, 100, 200, 0, 0, 0);
      remembered.add(new RememberedOrder(ids[i], List.of(accepted), prices[i], 300, 100,
          OrderState.LIVE, 0));
      trades.add(trade);
    }
    remembered.add(new RememberedOrder(7, null, 0, 0, 0, OrderState.UNKNOWN, 3));
    BookSnapshot book = new BookSnapshot(Phase.CONTINUOUS, 20_000, 12_300, 41, 52, true, 1,
        14_000, 26_000, 1_600_000_180_000L, ids, participants, sides, types, prices, qty, leaves);
    List<MarketDataMessage> md = List.of(
        new MarketDataMessage("7203", 90, MarketDataMessage.Kind.TRADE, 1_600_000_000_000L, 41, 51,
            20_000, 100, Side.BUY, 0, 0, 0, 0, Phase.CONTINUOUS, false, null),
        new MarketDataMessage("7203", 91, MarketDataMessage.Kind.STATUS, 1_600_000_000_001L, 41, 0,
            0, 0, null, 0, 0, 0, 0, Phase.CLOSED, true, "halted: storage quorum lost"));
    return new Snapshot(rules, 4242, book, Phase.CONTINUOUS, remembered, 91, md, trades,
        List.of(13L, 17L));
  }

  static void assertSameSnapshot(Snapshot want, Snapshot got) {
    assertEquals(want.rules(), got.rules());
    assertEquals(want.seq(), got.seq());
    assertEquals(want.dayPhase(), got.dayPhase());
    assertEquals(want.orders(), got.orders());
    assertEquals(want.marketDataSeq(), got.marketDataSeq());
    assertEquals(want.marketData(), got.marketData());
    assertEquals(want.trades(), got.trades());
    assertEquals(want.busted(), got.busted());
    BookSnapshot a = want.book();
    BookSnapshot b = got.book();
    if (a == null) {
      assertNull(b);
      return;
    }
    assertEquals(List.of(a.phase(), a.lastPrice(), a.volume(), a.tradeCount(), a.nextTradeId(),
            a.specialQuote(), a.specialQuoteSide(), a.bandLow(), a.bandHigh(), a.nextStep()),
        List.of(b.phase(), b.lastPrice(), b.volume(), b.tradeCount(), b.nextTradeId(),
            b.specialQuote(), b.specialQuoteSide(), b.bandLow(), b.bandHigh(), b.nextStep()));
    assertArrayEquals(a.orderIds(), b.orderIds());
    assertArrayEquals(a.participants(), b.participants());
    assertArrayEquals(a.sides(), b.sides());
    assertArrayEquals(a.types(), b.types());
    assertArrayEquals(a.prices(), b.prices());
    assertArrayEquals(a.quantities(), b.quantities());
    assertArrayEquals(a.leaves(), b.leaves());
  }

  /** As the snapshot store stores it: Pekko's Snapshot wrapper, which names the serializer. */
  private static byte[] stored(Serialization s, Snapshot snap) {
    return s.serialize(new org.apache.pekko.persistence.serialization.Snapshot(snap)).get();
  }

  private static Snapshot load(byte[] bytes) {
    return (Snapshot) serialization.deserialize(bytes,
        org.apache.pekko.persistence.serialization.Snapshot.class).get().data();
  }

  @Test
  void aSnapshotReadsBackEqualAndIsBinary() {
    Snapshot snap = fixtureSnapshot(500);
    assertTrue(serialization.findSerializerFor(snap) instanceof BookWireSerializer);
    assertSameSnapshot(snap, load(stored(serialization, snap)));
  }

  @Test
  void anEmptyBooksSnapshotReadsBackEqual() {
    Snapshot empty = new Snapshot(BookRules.tse("6758", TickTable.STANDARD, 3_000), 0, null,
        Phase.PRE_OPEN, List.of(), 0, List.of(), List.of(), List.of());
    assertSameSnapshot(empty, load(stored(serialization, empty)));
    Snapshot old = new Snapshot(empty.rules(), 12, fixtureSnapshot(3).book(), null, List.of(), 0,
        null, null, null); // written before the feed existed: the last four absent
    assertSameSnapshot(old, load(stored(serialization, old)));
  }

  @Test
  void binaryIsAFractionOfJackson() {
    ActorTestKit jackson = ActorTestKit.create("SnapshotWireTestJackson", ConfigFactory.parseString(
        "pekko.actor.serialization-bindings { \"io.kabuto.book.OrderBook$Snapshot\" = jackson-cbor }")
        .withFallback(ConfigFactory.load()));
    try {
      Snapshot snap = fixtureSnapshot(2_000);
      int cbor = stored(SerializationExtension.get(jackson.system().classicSystem()), snap).length;
      int binary = stored(serialization, snap).length;
      assertTrue(binary * 3 < cbor, "binary " + binary + " bytes vs Jackson CBOR " + cbor);
    } finally {
      jackson.shutdownTestKit();
    }
  }

  @Test
  void aSnapshotStoredInJacksonCborBeforeStillLoads() throws IOException {
    byte[] old;
    try (InputStream in = SnapshotWireTest.class.getResourceAsStream(
        "/snapshot-compat/snapshot-jackson-cbor.hex")) {
      old = HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
    }
    assertSameSnapshot(fixtureSnapshot(3), load(old));
  }

  @Test
  void anUnknownLayoutIsAClearError() {
    byte[] bytes = serialization.serialize(fixtureSnapshot(1)).get();
    bytes[0] = 9; // the layout version
    Exception e = assertThrows(Exception.class,
        () -> serialization.deserialize(bytes, serialization.findSerializerFor(fixtureSnapshot(1))
            .identifier(), "S1").get());
    assertTrue(String.valueOf(e.getMessage()).contains("is not known to this version of Kabuto"), e.getMessage());
  }

  /** Writes the fixture the way the code before the change did (run once, by hand). */
  public static void main(String[] args) throws Exception {
    ActorTestKit before = ActorTestKit.create("Before", ConfigFactory.parseString(
        "pekko.actor.serialization-bindings { \"io.kabuto.book.OrderBook$Snapshot\" = jackson-cbor }")
        .withFallback(ConfigFactory.load()));
    try {
      byte[] bytes = stored(SerializationExtension.get(before.system().classicSystem()),
          fixtureSnapshot(3));
      java.nio.file.Files.writeString(java.nio.file.Path.of(args[0]),
          HexFormat.of().formatHex(bytes) + "\n");
    } finally {
      before.shutdownTestKit();
      kit.shutdownTestKit();
    }
  }
}
