package io.kabuto.book;

import static io.kabuto.book.BookKit.place;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.matching.Side;
import io.kabuto.persistence.journal.SnapshotCompression;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.serialization.Snapshot;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A busy book's snapshot as the replicated snapshot store writes it (Pekko's snapshot wrapper
 * around the book's binary snapshot, then {@link SnapshotCompression}) is much smaller than
 * serialized, and loads back to the same state (issue 13: snapshots over Artery's frame were
 * dropped and failovers replayed long journals).
 */
class SnapshotStoreCompressionTest {
  private static final ActorTestKit testKit = ActorTestKit.create("SnapshotStoreCompressionTest",
      OrderBookFixture.CONFIG);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aBusyBooksSnapshotIsDeflatedAndLoadsBack() throws Exception {
    var kit = OrderBookFixture.kit(testKit, OrderBookFixture.freshSymbol());
    for (int i = 1; i <= 600; i++) {
      place(kit, i, 1 + i % 7, Side.BUY, 1990 + (i % 10), 100); // all rest: nothing crosses
    }
    OrderBook.State s = kit.getState();
    Serialization ser = SerializationExtension.get(testKit.system().classicSystem());
    byte[] serialized = ser.serialize(new Snapshot(OrderBook.snapshotOf(s))).get();
    byte[] stored = SnapshotCompression.pack(serialized);
    System.out.printf("snapshot of %d orders: %d bytes serialized, %d stored%n", 600, serialized.length,
        stored.length);
    assertTrue(stored.length * 2 < serialized.length, stored.length + " stored of " + serialized.length);

    Snapshot back = ser.deserialize(SnapshotCompression.unpack(stored), Snapshot.class).get();
    assertEquals(s.stateHash(), OrderBook.stateOf((OrderBook.Snapshot) back.data(), null).stateHash());
  }
}
