package io.kabuto.gateway;

import java.nio.charset.StandardCharsets;

/**
 * The book-side order id of a participant's ClOrdID: derived, not allocated, so that every
 * gateway (and a gateway after a restart or failover) maps a resent ClOrdID to the same order id
 * and the book answers the resend with the original order's state instead of a second order.
 *
 * <p>16 bits of participant id and a 47-bit hash of the ClOrdID (FNV-1a 64, folded). Two
 * ClOrdIDs of one participant colliding (about 1 in 10^14 per pair) cannot merge two orders: the
 * book refuses an id reused with different fields (DUPLICATE_ORDER_ID).
 */
public final class OrderIds {
  private OrderIds() {}

  public static long of(int participantId, String clOrdId) {
    if (participantId < 0 || participantId > 0xFFFF) {
      throw new IllegalArgumentException("participant id must be 0..65535, got " + participantId);
    }
    long h = 0xcbf29ce484222325L;
    for (byte b : clOrdId.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    long hash47 = (h ^ (h >>> 47)) & ((1L << 47) - 1);
    long id = ((long) participantId << 47) | hash47;
    return id == 0 ? 1 : id;
  }
}
