package io.kabuto.persistence.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.persistence.node.StorageProtocol.AppendReply;
import io.kabuto.persistence.node.StorageProtocol.Entry;
import io.kabuto.persistence.node.StorageProtocol.Outcome;
import java.util.ArrayList;
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

/** The journal's Append and AppendReply go binary, payload bytes untouched, and come back equal. */
class StorageWireSerializerTest {
  private static final ActorTestKit testKit = ActorTestKit.create("StorageWireSerializerTest");
  private static final Serialization serialization =
      SerializationExtension.get(testKit.system().classicSystem());

  @AfterAll
  static void teardown() {
    testKit.shutdownTestKit();
  }

  private static Object roundTrip(Object o) {
    Serializer s = serialization.findSerializerFor(o);
    assertTrue(s instanceof StorageWireSerializer, o.getClass() + " is serialized by " + s);
    byte[] bytes = serialization.serialize(o).get();
    return serialization.deserialize(bytes, s.identifier(), Serializers.manifestFor(s, o)).get();
  }

  @Test
  void appendsComeBackEqualWithTheirPayloadsAndReplyTo() {
    TestProbe<AppendReply> probe = testKit.createTestProbe();
    Random r = new Random(3);
    for (int i = 0; i < 100; i++) {
      List<Entry> entries = new ArrayList<>();
      long seq = 1 + r.nextInt(1_000_000);
      for (int k = r.nextInt(20); k >= 0; k--) {
        byte[] payload = new byte[r.nextInt(3000)];
        r.nextBytes(payload);
        entries.add(new Entry(seq++, r.nextInt(5), payload));
      }
      StorageNode.Append a = new StorageNode.Append("OrderBook|" + r.nextInt(9999), r.nextInt(50),
          entries, r.nextInt(3), r.nextBoolean(), i % 10 == 0 ? null : probe.getRef());
      assertEquals(a, roundTrip(a));
    }
  }

  @Test
  void appendBatchesAndTheirRepliesComeBackEqual() {
    TestProbe<StorageProtocol.AppendBatchReply> probe = testKit.createTestProbe();
    Random r = new Random(5);
    List<StorageNode.Append> appends = new ArrayList<>();
    List<AppendReply> replies = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      byte[] payload = new byte[r.nextInt(500)];
      r.nextBytes(payload);
      appends.add(new StorageNode.Append("OrderBook|" + i, 1 + r.nextInt(4),
          List.of(new Entry(1 + i, 0, payload), new Entry(2 + i, 0, new byte[0])), 0, false,
          null));
      replies.add(new AppendReply("node-2", "OrderBook|" + i,
          Outcome.values()[r.nextInt(Outcome.values().length)], 3, 3, i, i % 4 == 0 ? "x" : null));
    }
    StorageNode.AppendBatch batch = new StorageNode.AppendBatch(appends, probe.getRef());
    assertEquals(batch, roundTrip(batch));
    StorageProtocol.AppendBatchReply reply = new StorageProtocol.AppendBatchReply("node-2", replies);
    assertEquals(reply, roundTrip(reply));
  }

  @Test
  void repliesComeBackEqual() {
    for (Outcome o : Outcome.values()) {
      AppendReply reply = new AppendReply("node-1", "OrderBook|7203", o, 4, 5, 1234,
          o == Outcome.OK ? null : "disk full");
      assertEquals(reply, roundTrip(reply));
    }
  }
}
