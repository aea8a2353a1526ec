package io.kabuto.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SnapshotCompressionTest {

  @Test
  void largeSnapshotsAreDeflatedAndComeBackTheSame() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      b.append("order ").append(i).append(" BUY 100 @ 20000 participant ").append(i % 7).append('\n');
    }
    byte[] data = b.toString().getBytes(StandardCharsets.UTF_8);
    byte[] packed = SnapshotCompression.pack(data);
    assertTrue(SnapshotCompression.packed(packed));
    assertTrue(packed.length * 4 < data.length, packed.length + " of " + data.length);
    assertArrayEquals(data, SnapshotCompression.unpack(packed));
  }

  @Test
  void smallAndOldSnapshotsAreLeftAsTheyAre() {
    byte[] small = {33, 0, 0, 0, 1, 2, 3};
    assertSame(small, SnapshotCompression.pack(small));
    // a snapshot written before (Pekko's header: the inner serializer id, little-endian)
    byte[] old = new byte[100_000];
    old[0] = 33;
    new java.util.Random(1).nextBytes(old); // incompressible: stored as it is
    old[0] = 33;
    old[1] = 0;
    assertSame(old, SnapshotCompression.pack(old));
    assertSame(old, SnapshotCompression.unpack(old));
  }
}
