package io.kabuto.bench.orders;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a FIX 4.4 byte stream into messages and picks out the fields the load client needs
 * (the gateway's answers: ExecutionReport, OrderCancelReject, session messages). The fields of
 * the last message read stay valid until the next {@link #next()}. Not thread-safe.
 */
final class FixReader {
  private final InputStream in;
  private byte[] buf = new byte[64 * 1024];
  private int start;
  private int end;

  // fields of the current message; -1 / 0 / null when absent
  String msgType;
  char execType;
  char ordStatus;
  /** ClOrdID (11) as kind letter + number ("N123"); kind 0 when it is not one of ours. */
  char clOrdKind;
  long clOrdNum;
  char origKind;
  long origNum;
  long leavesQty;
  int cxlRejReason;
  int ordRejReason;
  long msgSeqNum;
  String text;
  String testReqId;

  FixReader(InputStream in) {
    this.in = in;
  }

  /** Reads the next message; throws EOFException when the peer closed the connection. */
  void next() throws IOException {
    int bodyStart;
    int bodyLen;
    while (true) {
      // "8=FIX.4.4|9=NNN|": find the second SOH to know the length
      int soh1 = indexOf(FixWriter.SOH, start);
      int soh2 = soh1 < 0 ? -1 : indexOf(FixWriter.SOH, soh1 + 1);
      if (soh2 >= 0) {
        if (buf[start] != '8' || buf[soh1 + 1] != '9' || buf[soh1 + 2] != '=') {
          throw new IOException("not a FIX message: " + preview());
        }
        bodyLen = (int) parseLong(soh1 + 3, soh2);
        bodyStart = soh2 + 1;
        int total = bodyStart + bodyLen + 7 - start; // + "10=NNN|"
        if (end - start >= total) {
          break;
        }
        fill(total);
      } else {
        fill(end - start + 1);
      }
    }
    parse(bodyStart, bodyStart + bodyLen);
    start = bodyStart + bodyLen + 7;
  }

  private void parse(int from, int to) {
    msgType = null;
    execType = 0;
    ordStatus = 0;
    clOrdKind = 0;
    clOrdNum = -1;
    origKind = 0;
    origNum = -1;
    leavesQty = -1;
    cxlRejReason = -1;
    ordRejReason = -1;
    msgSeqNum = -1;
    text = null;
    testReqId = null;
    int i = from;
    while (i < to) {
      int eq = i;
      int tag = 0;
      while (buf[eq] != '=') {
        tag = tag * 10 + (buf[eq++] - '0');
      }
      int v = eq + 1;
      int soh = indexOf(FixWriter.SOH, v);
      switch (tag) {
        case 35 -> msgType = ascii(v, soh);
        case 150 -> execType = (char) buf[v];
        case 39 -> ordStatus = (char) buf[v];
        case 11 -> {
          clOrdKind = ourKind(v, soh);
          clOrdNum = clOrdKind == 0 ? -1 : parseLong(v + 1, soh);
        }
        case 41 -> {
          origKind = ourKind(v, soh);
          origNum = origKind == 0 ? -1 : parseLong(v + 1, soh);
        }
        case 151 -> leavesQty = parseLong(v, soh);
        case 102 -> cxlRejReason = (int) parseLong(v, soh);
        case 103 -> ordRejReason = (int) parseLong(v, soh);
        case 34 -> msgSeqNum = parseLong(v, soh);
        case 58 -> text = new String(buf, v, soh - v, StandardCharsets.UTF_8);
        case 112 -> testReqId = ascii(v, soh);
        default -> { }
      }
      i = soh + 1;
    }
  }

  /** 'N' or 'X' followed by digits only: one of the load client's ClOrdIDs. */
  private char ourKind(int v, int soh) {
    if (soh - v < 2 || (buf[v] != 'N' && buf[v] != 'X')) {
      return 0;
    }
    for (int k = v + 1; k < soh; k++) {
      if (buf[k] < '0' || buf[k] > '9') {
        return 0;
      }
    }
    return (char) buf[v];
  }

  private long parseLong(int from, int to) {
    long v = 0;
    boolean neg = from < to && buf[from] == '-';
    for (int k = neg ? from + 1 : from; k < to; k++) {
      byte b = buf[k];
      if (b == '.') {
        break; // a quantity may come as "100.0" from some engines; whole shares here
      }
      v = v * 10 + (b - '0');
    }
    return neg ? -v : v;
  }

  private String ascii(int from, int to) {
    return new String(buf, from, to - from, StandardCharsets.US_ASCII);
  }

  private int indexOf(byte b, int from) {
    for (int k = from; k < end; k++) {
      if (buf[k] == b) {
        return k;
      }
    }
    return -1;
  }

  /** Reads until at least {@code need} bytes from {@code start} are buffered. */
  private void fill(int need) throws IOException {
    if (start > 0 && start + need > buf.length) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
    }
    while (end - start < need) {
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        throw new EOFException("connection closed by the gateway");
      }
      end += n;
    }
  }

  private String preview() {
    return new String(buf, start, Math.min(60, end - start), StandardCharsets.US_ASCII)
        .replace('\u0001', '|');
  }
}
