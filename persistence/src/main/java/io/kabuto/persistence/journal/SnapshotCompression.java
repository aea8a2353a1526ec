package io.kabuto.persistence.journal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * Snapshots larger than {@link #THRESHOLD} are deflated before they go to the storage nodes.
 *
 * <p>Why (issue 13): a snapshot travels to every replica, and back at recovery, as one Artery
 * message, and Artery drops a message over its frame (2 MiB). A busy book's snapshot (the whole
 * day's orders and trades) outgrew it under load within minutes: the save was dropped, and a
 * failover then replayed thousands of events from an old snapshot instead of a few from a recent
 * one (up to 7.9 s). Deflating makes such snapshots several times smaller (20x for the Jackson
 * snapshots measured here, and the binary ones still shrink) for a few milliseconds of CPU per
 * snapshot, which is taken once every {@code snapshot-every} events.
 *
 * <p>Format: {@link #MAGIC} then the deflated bytes. Uncompressed snapshots (small ones, and all
 * written before) start with Pekko's snapshot header, the inner serializer's id as a
 * little-endian int: never these four bytes (they would be id 0x5A475A4B), so both load.
 * Storage nodes keep and copy snapshot bytes as they are.
 */
public final class SnapshotCompression {
  /** "KZGZ". */
  static final byte[] MAGIC = {'K', 'Z', 'G', 'Z'};
  /** Below this a snapshot is stored as it is (deflating small ones gains nothing that matters). */
  static final int THRESHOLD = 32 * 1024;

  private SnapshotCompression() {}

  /** The bytes to store: deflated with {@link #MAGIC} in front if over the threshold. */
  public static byte[] pack(byte[] data) {
    if (data.length <= THRESHOLD) {
      return data;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
    out.write(MAGIC, 0, MAGIC.length);
    // BEST_SPEED: most of the gain at a fraction of the default level's CPU
    Deflater d = new Deflater(Deflater.BEST_SPEED);
    try (DeflaterOutputStream z = new DeflaterOutputStream(out, d, 64 * 1024)) {
      z.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      d.end();
    }
    byte[] packed = out.toByteArray();
    return packed.length < data.length ? packed : data;
  }

  /** The snapshot's serialized bytes, whether stored deflated or not. */
  public static byte[] unpack(byte[] stored) {
    if (!packed(stored)) {
      return stored;
    }
    try (InflaterInputStream in = new InflaterInputStream(
        new ByteArrayInputStream(stored, MAGIC.length, stored.length - MAGIC.length))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("a deflated snapshot is corrupt", e);
    }
  }

  static boolean packed(byte[] b) {
    return b != null && b.length >= MAGIC.length && b[0] == MAGIC[0] && b[1] == MAGIC[1]
        && b[2] == MAGIC[2] && b[3] == MAGIC[3];
  }
}
