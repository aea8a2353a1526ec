package io.kabuto.book;

import static io.kabuto.book.BookKit.place;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kabuto.matching.Side;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A book's snapshot is gzipped with the shipped base.conf (issue 13: uncompressed, busy books'
 * snapshots outgrew Artery's 2 MiB frame and failovers replayed from old snapshots), and it still
 * round-trips.
 */
class SnapshotCompressionTest {
  /** The compression settings exactly as base.conf ships them. */
  private static final Config SHIPPED = ConfigFactory.parseResources("kabuto/base.conf")
      .getConfig("pekko.serialization.jackson.jackson-cbor").atPath("pekko.serialization.jackson.jackson-cbor");
  private static final ActorTestKit testKit = ActorTestKit.create("SnapshotCompressionTest",
      SHIPPED.withFallback(OrderBookFixture.CONFIG));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aBusyBooksSnapshotIsCompressedAndRoundTrips() throws Exception {
    var kit = OrderBookFixture.kit(testKit, OrderBookFixture.freshSymbol());
    for (int i = 1; i <= 600; i++) {
      place(kit, i, 1 + i % 7, Side.BUY, 1990 + (i % 10), 100); // all rest: nothing crosses
    }
    OrderBook.State s = kit.getState();
    OrderBook.Snapshot snap = OrderBook.snapshotOf(s);
    Serialization ser = SerializationExtension.get(testKit.system().classicSystem());
    byte[] bytes = ser.serialize(snap).get();
    // the same snapshot as Jackson writes it without compression
    byte[] plain = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper()
        .findAndRegisterModules().writeValueAsBytes(snap);
    assertTrue(bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b,
        "gzipped (base.conf pekko.serialization.jackson.jackson-cbor.compression)");
    assertTrue(bytes.length * 3 < plain.length, "compressed " + bytes.length + " bytes vs " + plain.length);
    System.out.printf("snapshot of %d resting orders: %d bytes of CBOR, %d gzipped%n",
        snap.orders().size(), plain.length, bytes.length);

    OrderBook.Snapshot back = (OrderBook.Snapshot) ser.deserialize(bytes, OrderBook.Snapshot.class).get();
    assertEquals(snap.orders(), back.orders());
    assertEquals(s.stateHash(), OrderBook.stateOf(back, null).stateHash());
  }
}
