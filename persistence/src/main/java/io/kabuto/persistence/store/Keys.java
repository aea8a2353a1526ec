package io.kabuto.persistence.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The key layout of a store. Every key starts with a one-byte tag; per-persistence-id keys then
 * carry the id as a 4-byte big-endian length plus its UTF-8 bytes, so that one id's keys are a
 * contiguous range that no other id's keys fall into (a plain "pid" prefix would mix "a" with "ab").
 * Numbers are 8-byte big-endian, so LevelDB's bytewise order is numeric order for non-negative values.
 *
 * <pre>
 * 0x00 name                            -> UTF-8 value     store metadata (identity, format)
 * 'P'  pid                             -> epoch           highest epoch promised for pid
 * 'H'  pid                             -> seqNr           highest sequence number of pid
 * 'D'  pid                             -> seqNr           entries &lt;= seqNr are deleted (deleteTo)
 * 'E'  pid seqNr                       -> epoch payload   log entry
 * 'S'  pid seqNr timestamp             -> bytes           snapshot
 * </pre>
 */
final class Keys {
  static final byte META = 0x00;
  static final byte PROMISED = 'P';
  static final byte HIGHEST = 'H';
  static final byte DELETED_TO = 'D';
  static final byte ENTRY = 'E';
  static final byte SNAPSHOT = 'S';

  private Keys() {}

  static byte[] meta(String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[1 + n.length];
    k[0] = META;
    System.arraycopy(n, 0, k, 1, n.length);
    return k;
  }

  /** tag + pid, with room for {@code extraLongs} trailing longs. */
  private static ByteBuffer pidKey(byte tag, String pid, int extraLongs) {
    byte[] p = pid.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + p.length + 8 * extraLongs);
    b.put(tag).putInt(p.length).put(p);
    return b;
  }

  static byte[] promised(String pid) {
    return pidKey(PROMISED, pid, 0).array();
  }

  static byte[] highest(String pid) {
    return pidKey(HIGHEST, pid, 0).array();
  }

  static byte[] deletedTo(String pid) {
    return pidKey(DELETED_TO, pid, 0).array();
  }

  static byte[] entryPrefix(String pid) {
    return pidKey(ENTRY, pid, 0).array();
  }

  static byte[] entry(String pid, long seqNr) {
    return pidKey(ENTRY, pid, 1).putLong(seqNr).array();
  }

  static byte[] snapshotPrefix(String pid) {
    return pidKey(SNAPSHOT, pid, 0).array();
  }

  static byte[] snapshot(String pid, long seqNr, long timestamp) {
    return pidKey(SNAPSHOT, pid, 2).putLong(seqNr).putLong(timestamp).array();
  }

  /** The persistence id of a key made by {@code pidKey}. */
  static String pidOf(byte[] key) {
    ByteBuffer b = ByteBuffer.wrap(key);
    b.get();
    int len = b.getInt();
    return new String(key, 5, len, StandardCharsets.UTF_8);
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    if (key.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (key[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The long at {@code offsetFromEnd} bytes before the end of {@code key}. */
  static long longFromEnd(byte[] key, int offsetFromEnd) {
    return ByteBuffer.wrap(key, key.length - offsetFromEnd, 8).getLong();
  }

  static byte[] longValue(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  static long readLong(byte[] v) {
    if (v.length != 8) {
      throw new IllegalStateException("corrupt store: expected an 8-byte number, got " + v.length);
    }
    return ByteBuffer.wrap(v).getLong();
  }

  static byte[] entryValue(long epoch, byte[] payload) {
    return ByteBuffer.allocate(8 + payload.length).putLong(epoch).put(payload).array();
  }

  static LogEntry decodeEntry(byte[] key, byte[] value) {
    if (value.length < 8) {
      throw new IllegalStateException("corrupt store: entry value of " + value.length + " bytes");
    }
    long seqNr = longFromEnd(key, 8);
    ByteBuffer b = ByteBuffer.wrap(value);
    long epoch = b.getLong();
    byte[] payload = new byte[value.length - 8];
    b.get(payload);
    return new LogEntry(seqNr, epoch, payload);
  }
}
