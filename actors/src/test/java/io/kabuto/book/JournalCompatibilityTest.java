package io.kabuto.book;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.kabuto.book.OrderBook.Applied;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.matching.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.PersistentRepr$;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Journals written before the book's events went binary still replay. The fixture is a journal
 * entry's payload (Pekko's PersistentRepr around an {@link Applied}) exactly as the storage nodes
 * stored it before that change: the event in Jackson CBOR. Each stored event names its
 * serializer, so the old ones are read by Jackson and new ones are written binary.
 */
class JournalCompatibilityTest {
  private static final ActorTestKit kit = ActorTestKit.create("JournalCompatibilityTest");
  private static final Serialization serialization =
      SerializationExtension.get(kit.system().classicSystem());

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  /** The event in the fixture: an order accepted, then a trade against a resting one. */
  static Applied fixtureEvent() {
    return new Applied(42, List.of(
        new EventData(EventType.ACCEPTED, 1_600_000_000_000L, 0, 7001, 0, 101, -1, 0, 1, 0,
            20000, 0, 300, 300, 0, 0, 0),
        new EventData(EventType.TRADE, 1_600_000_000_000L, 9, 7001, 6999, 101, 102, 0, 1, 0,
            20000, 0, 100, 200, 0, 0, 0)));
  }

  static PersistentRepr repr(Object event) {
    return PersistentRepr$.MODULE$.apply(event, 42, "OrderBook|7203", "", false,
        ActorRef.noSender(), "writer-1");
  }

  private static byte[] fixture() throws IOException {
    try (InputStream in = JournalCompatibilityTest.class.getResourceAsStream(
        "/journal-compat/applied-jackson-cbor.hex")) {
      return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII)
          .strip());
    }
  }

  @Test
  void anEventWrittenInJacksonCborBeforeReadsBackEqual() throws IOException {
    PersistentRepr read = serialization.deserialize(fixture(), PersistentRepr.class).get();
    assertEquals(42, read.sequenceNr());
    assertEquals("OrderBook|7203", read.persistenceId());
    assertEquals(fixtureEvent(), read.payload());
  }

  @Test
  void newEventsAreWrittenBinaryAndReadBackEqual() {
    byte[] bytes = serialization.serialize(repr(fixtureEvent())).get();
    PersistentRepr read = serialization.deserialize(bytes, PersistentRepr.class).get();
    assertEquals(fixtureEvent(), read.payload());
    assertTrue(serialization.findSerializerFor(fixtureEvent()) instanceof BookWireSerializer);
    assertTrue(bytes.length < 120, "binary event: " + bytes.length + " bytes");
  }

  /** Writes the fixture the way the code before the change did (run once, by hand). */
  public static void main(String[] args) throws Exception {
    ActorTestKit before = ActorTestKit.create("Before", ConfigFactory.parseString(
        "pekko.actor.serialization-bindings { \"io.kabuto.book.OrderBook$Applied\" = jackson-cbor }")
        .withFallback(ConfigFactory.load()));
    try {
      byte[] bytes = SerializationExtension.get(before.system().classicSystem())
          .serialize(repr(fixtureEvent())).get();
      java.nio.file.Files.writeString(java.nio.file.Path.of(args[0]),
          HexFormat.of().formatHex(bytes) + "\n");
    } finally {
      before.shutdownTestKit();
    }
  }
}
