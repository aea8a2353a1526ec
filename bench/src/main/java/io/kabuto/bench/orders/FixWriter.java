package io.kabuto.bench.orders;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds FIX 4.4 messages into a reusable byte buffer: the load client's encoder. QuickFIX/J's
 * message objects (a tree of fields, a string per value, validation) would cost the 2-core
 * machine more per order than the gateway it measures; this writes the bytes directly.
 *
 * <p>Use: {@link #begin}, the body fields, {@link #finish}; then {@link #bytes()} / {@link
 * #length()} hold the whole message (BeginString, BodyLength, ... CheckSum). Not thread-safe.
 */
final class FixWriter {
  static final byte SOH = 1;
  private static final byte[] BEGIN = "8=FIX.4.4\u00019=".getBytes(StandardCharsets.US_ASCII);
  /** Room for the BeginString and a BodyLength of up to 5 digits, filled in by finish(). */
  private static final int HEAD = BEGIN.length + 6;

  private byte[] buf = new byte[1024];
  private int pos;
  private int start;
  private final byte[] sendingTime = new byte[21]; // yyyyMMdd-HH:mm:ss.SSS
  private long sendingTimeMillis = -1;

  /** Starts a message: header fields up to SendingTime (now). */
  FixWriter begin(String msgType, byte[] senderCompId, byte[] targetCompId, long seqNum) {
    pos = HEAD;
    field(35, msgType);
    field(49, senderCompId);
    field(56, targetCompId);
    field(34, seqNum);
    field(52, sendingTime(System.currentTimeMillis()));
    return this;
  }

  FixWriter field(int tag, String value) {
    tag(tag);
    for (int i = 0; i < value.length(); i++) {
      put((byte) value.charAt(i));
    }
    put(SOH);
    return this;
  }

  FixWriter field(int tag, byte[] value) {
    tag(tag);
    room(value.length);
    System.arraycopy(value, 0, buf, pos, value.length);
    pos += value.length;
    put(SOH);
    return this;
  }

  FixWriter field(int tag, char value) {
    tag(tag);
    put((byte) value);
    put(SOH);
    return this;
  }

  FixWriter field(int tag, long value) {
    tag(tag);
    number(value);
    put(SOH);
    return this;
  }

  /** A ClOrdID: a kind letter and a number ("N123", "X124"). */
  FixWriter clOrdId(int tag, char kind, long n) {
    tag(tag);
    put((byte) kind);
    number(n);
    put(SOH);
    return this;
  }

  /** A UTC timestamp field (TransactTime) of the same millisecond as SendingTime. */
  FixWriter now(int tag) {
    return field(tag, sendingTime);
  }

  /** Fills in BodyLength and appends CheckSum. */
  FixWriter finish() {
    int bodyLen = pos - HEAD;
    if (bodyLen > 99_999) {
      throw new IllegalStateException("FIX body of " + bodyLen + " bytes");
    }
    int digits = bodyLen < 10 ? 1 : bodyLen < 100 ? 2 : bodyLen < 1000 ? 3 : bodyLen < 10_000 ? 4 : 5;
    start = HEAD - digits - 1 - BEGIN.length;
    System.arraycopy(BEGIN, 0, buf, start, BEGIN.length);
    int d = start + BEGIN.length + digits - 1;
    for (int v = bodyLen; d >= start + BEGIN.length; v /= 10) {
      buf[d--] = (byte) ('0' + v % 10);
    }
    buf[HEAD - 1] = SOH;
    int sum = 0;
    for (int i = start; i < pos; i++) {
      sum += buf[i];
    }
    sum &= 0xff;
    tag(10);
    put((byte) ('0' + sum / 100));
    put((byte) ('0' + sum / 10 % 10));
    put((byte) ('0' + sum % 10));
    put(SOH);
    return this;
  }

  byte[] bytes() {
    return buf;
  }

  int offset() {
    return start;
  }

  int length() {
    return pos - start;
  }

  @Override
  public String toString() {
    return new String(buf, start, pos - start, StandardCharsets.US_ASCII).replace('\u0001', '|');
  }

  private void tag(int tag) {
    number(tag);
    put((byte) '=');
  }

  private void number(long v) {
    if (v < 0) {
      put((byte) '-');
      v = -v;
    }
    room(20);
    int from = pos;
    do {
      buf[pos++] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v > 0);
    for (int i = from, j = pos - 1; i < j; i++, j--) {
      byte t = buf[i];
      buf[i] = buf[j];
      buf[j] = t;
    }
  }

  private void put(byte b) {
    room(1);
    buf[pos++] = b;
  }

  private void room(int n) {
    if (pos + n + 8 > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n + 64));
    }
  }

  private byte[] sendingTime(long millis) {
    if (millis != sendingTimeMillis) {
      sendingTimeMillis = millis;
      java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(millis / 1000,
          (int) (millis % 1000) * 1_000_000, java.time.ZoneOffset.UTC);
      String s = String.format(java.util.Locale.ROOT, "%04d%02d%02d-%02d:%02d:%02d.%03d",
          t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(),
          t.getSecond(), millis % 1000);
      for (int i = 0; i < sendingTime.length; i++) {
        sendingTime[i] = (byte) s.charAt(i);
      }
    }
    return sendingTime;
  }
}
