package io.kabuto.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the compact binary form of the hot messages between nodes (orders, answers, journal
 * appends, market data): variable-length integers and length-prefixed bytes, no field names.
 * Jackson CBOR spent about a third of every node's CPU on those messages, most of it on the
 * field names and reflection. The layout of each message is its serializer's; a change to it
 * takes a new manifest.
 */
public final class WireOut {
  private byte[] buf;
  private int pos;

  public WireOut(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  private void room(int n) {
    if (pos + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }
  }

  /** Unsigned LEB128 of a zigzag-encoded long: small magnitudes of either sign take few bytes. */
  public WireOut varLong(long v) {
    long z = (v << 1) ^ (v >> 63);
    room(10);
    while ((z & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((z & 0x7F) | 0x80);
      z >>>= 7;
    }
    buf[pos++] = (byte) z;
    return this;
  }

  public WireOut varInt(int v) {
    return varLong(v);
  }

  public WireOut bool(boolean b) {
    room(1);
    buf[pos++] = (byte) (b ? 1 : 0);
    return this;
  }

  /** A byte array, or null (written as length -1). */
  public WireOut bytes(byte[] b) {
    if (b == null) {
      return varInt(-1);
    }
    varInt(b.length);
    room(b.length);
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
    return this;
  }

  /** A string in UTF-8, or null. */
  public WireOut str(String s) {
    return bytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
  }

  /** An enum constant by ordinal, or null (-1): the constants' order is part of the layout. */
  public WireOut ordinal(Enum<?> e) {
    return varInt(e == null ? -1 : e.ordinal());
  }

  public byte[] toBytes() {
    return Arrays.copyOf(buf, pos);
  }
}
