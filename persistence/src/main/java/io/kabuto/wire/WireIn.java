package io.kabuto.wire;

import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;

/** Reads what {@link WireOut} wrote; a truncated or corrupt message fails loudly. */
public final class WireIn {
  private final byte[] buf;
  private int pos;

  public WireIn(byte[] buf) {
    this.buf = buf;
  }

  public long varLong() {
    long z = 0;
    int shift = 0;
    while (true) {
      if (pos >= buf.length || shift > 63) {
        throw new IllegalArgumentException("corrupt message: varint past the end at " + pos);
      }
      byte b = buf[pos++];
      z |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
    }
    return (z >>> 1) ^ -(z & 1);
  }

  public int varInt() {
    long v = varLong();
    if (v != (int) v) {
      throw new IllegalArgumentException("corrupt message: " + v + " is not an int");
    }
    return (int) v;
  }

  public boolean bool() {
    if (pos >= buf.length) {
      throw new IllegalArgumentException("corrupt message: boolean past the end");
    }
    return buf[pos++] != 0;
  }

  public byte[] bytes() {
    int n = varInt();
    if (n < 0) {
      return null;
    }
    if (n > buf.length - pos) {
      throw new IllegalArgumentException("corrupt message: " + n + " bytes announced, "
          + (buf.length - pos) + " left");
    }
    byte[] b = new byte[n];
    System.arraycopy(buf, pos, b, 0, n);
    pos += n;
    return b;
  }

  public String str() {
    byte[] b = bytes();
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  /** The constant of {@code values} written by {@link WireOut#ordinal}, or null. */
  public <E extends Enum<E>> E ordinal(E[] values) {
    int i = varInt();
    if (i == -1) {
      return null;
    }
    if (i < 0 || i >= values.length) {
      throw new IllegalArgumentException("corrupt message: ordinal " + i + " of "
          + values.getClass().getComponentType().getSimpleName());
    }
    return values[i];
  }

  /** Fails unless the whole message was read (a layout mismatch shows up here). */
  public void end() {
    if (pos != buf.length) {
      throw new IllegalArgumentException("corrupt message: " + (buf.length - pos)
          + " bytes left over");
    }
  }

  /** {@link NotSerializableException} for an unknown manifest, with what is known. */
  public static NotSerializableException unknown(String serializer, String manifest) {
    return new NotSerializableException(serializer + ": unknown manifest '" + manifest
        + "' (a node of another Kabuto version?)");
  }
}
