package io.kabuto.matching;

import java.util.Arrays;

/**
 * A reusable, growable buffer of book events in flat primitive columns: the book writes into it
 * without allocating, and the caller reads the events by index (to persist them, to answer the
 * client, to publish market data). {@link #clear()} before each batch.
 *
 * <p>Field use per {@link EventType}:
 *
 * <ul>
 *   <li>ACCEPTED: orderId, participant, side, orderType, tif, price (0 for market), qty
 *   <li>RESTED: orderId, participant, side, orderType, price, qty (order total), leaves
 *   <li>TRADE: tradeId, orderId = buy order, otherOrderId = sell order, participant = buyer,
 *       otherParticipant = seller, side = aggressor (-1 for an auction), price, qty, leaves = buy
 *       order's leaves after the trade, otherLeaves = sell order's leaves after the trade
 *   <li>CANCELLED: orderId, participant, side, leaves = quantity cancelled, code = CancelReason
 *   <li>REPLACED: orderId, participant, side, price = new price, qty = new order total, leaves =
 *       new leaves, code = 1 if the order keeps its time priority else 0
 *   <li>PHASE: code = new Phase
 *   <li>SPECIAL_QUOTE: code = 1 shown/stepped, 0 withdrawn; side = pressure side; price = band
 *       low, price2 = band high, aux = time of the next step
 * </ul>
 */
public final class BookEvents {
  // Array of structs, one long[] with STRIDE longs per event: writing an event touches one or two
  // cache lines instead of seventeen arrays (the event buffer was the top hot-path cost).
  private static final int STRIDE = 12;
  private static final int F_PACK = 0; // type | side<<8 | orderType<<16 | tif<<24 | code<<32
  private static final int F_TIME = 1;
  private static final int F_TID = 2;
  private static final int F_OID = 3;
  private static final int F_OOID = 4;
  private static final int F_PARTS = 5; // participant (low 32) | otherParticipant (high 32)
  private static final int F_PX = 6;
  private static final int F_PX2 = 7;
  private static final int F_QTY = 8;
  private static final int F_LV = 9;
  private static final int F_OLV = 10;
  private static final int F_AUX = 11;
  private int size;
  private long[] d;

  public BookEvents() {
    this(64);
  }

  public BookEvents(int capacity) {
    d = new long[Math.max(4, capacity) * STRIDE];
  }

  public void clear() {
    size = 0;
  }

  public int size() {
    return size;
  }

  void truncate(int newSize) {
    size = newSize;
  }

  public int add(EventType t, long tm, long tid, long oid, long ooid, int part, int opart, int sd,
      int otype, int tf, long px, long px2, long q, long lv, long olv, int cd, long ax) {
    int i = size;
    int b = i * STRIDE;
    long[] a = d;
    if (b + STRIDE > a.length) a = d = Arrays.copyOf(a, a.length * 2);
    size = i + 1;
    a[b] = (t.ordinal() & 0xff) | ((sd & 0xffL) << 8) | ((otype & 0xffL) << 16) | ((tf & 0xffL) << 24)
        | ((cd & 0xffL) << 32);
    a[b + F_TIME] = tm;
    a[b + F_TID] = tid;
    a[b + F_OID] = oid;
    a[b + F_OOID] = ooid;
    a[b + F_PARTS] = (part & 0xffffffffL) | ((long) opart << 32);
    a[b + F_PX] = px;
    a[b + F_PX2] = px2;
    a[b + F_QTY] = q;
    a[b + F_LV] = lv;
    a[b + F_OLV] = olv;
    a[b + F_AUX] = ax;
    return i;
  }

  public void copy(BookEvents from, int i) {
    int b = i * STRIDE;
    int k = size;
    if ((k + 1) * STRIDE > d.length) d = Arrays.copyOf(d, d.length * 2);
    System.arraycopy(from.d, b, d, k * STRIDE, STRIDE);
    size = k + 1;
  }

  private byte b(int i, int shift) {
    return (byte) (d[i * STRIDE] >>> shift);
  }

  public EventType type(int i) {
    return EventType.of(b(i, 0));
  }

  int typeOrdinal(int i) {
    return b(i, 0);
  }

  public long time(int i) {
    return d[i * STRIDE + F_TIME];
  }

  public long tradeId(int i) {
    return d[i * STRIDE + F_TID];
  }

  public long orderId(int i) {
    return d[i * STRIDE + F_OID];
  }

  public long otherOrderId(int i) {
    return d[i * STRIDE + F_OOID];
  }

  public int participant(int i) {
    return (int) d[i * STRIDE + F_PARTS];
  }

  public int otherParticipant(int i) {
    return (int) (d[i * STRIDE + F_PARTS] >>> 32);
  }

  public int sideOrdinal(int i) {
    return b(i, 8);
  }

  public Side side(int i) {
    int s = b(i, 8);
    return s < 0 ? null : Side.of(s);
  }

  public int orderTypeOrdinal(int i) {
    return b(i, 16);
  }

  public OrderType orderType(int i) {
    return OrderType.of(b(i, 16));
  }

  public int tifOrdinal(int i) {
    return b(i, 24);
  }

  public TimeInForce tif(int i) {
    return TimeInForce.of(b(i, 24));
  }

  public long price(int i) {
    return d[i * STRIDE + F_PX];
  }

  public long price2(int i) {
    return d[i * STRIDE + F_PX2];
  }

  public long qty(int i) {
    return d[i * STRIDE + F_QTY];
  }

  public long leaves(int i) {
    return d[i * STRIDE + F_LV];
  }

  public long otherLeaves(int i) {
    return d[i * STRIDE + F_OLV];
  }

  public int code(int i) {
    return b(i, 32);
  }

  public CancelReason cancelReason(int i) {
    return CancelReason.of(code(i));
  }

  public Phase phase(int i) {
    return Phase.of(code(i));
  }

  public long aux(int i) {
    return d[i * STRIDE + F_AUX];
  }

  /** One event as text, for logs and test failures. */
  public String describe(int i) {
    EventType t = type(i);
    return switch (t) {
      case ACCEPTED -> "ACCEPTED #" + orderId(i) + " p" + participant(i) + " " + side(i) + " "
          + orderType(i) + " " + tif(i) + " " + Prices.format(price(i)) + " x" + qty(i);
      case RESTED -> "RESTED #" + orderId(i) + " " + side(i) + " " + orderType(i) + " "
          + Prices.format(price(i)) + " leaves " + leaves(i) + "/" + qty(i);
      case TRADE -> "TRADE t" + tradeId(i) + " buy #" + orderId(i) + " sell #" + otherOrderId(i) + " "
          + qty(i) + "@" + Prices.format(price(i)) + " aggr " + side(i) + " leaves " + leaves(i) + "/" + otherLeaves(i);
      case CANCELLED -> "CANCELLED #" + orderId(i) + " " + leaves(i) + " " + cancelReason(i);
      case REPLACED -> "REPLACED #" + orderId(i) + " " + Prices.format(price(i)) + " qty " + qty(i)
          + " leaves " + leaves(i) + (code(i) == 1 ? " keeps priority" : " loses priority");
      case PHASE -> "PHASE " + phase(i);
      case SPECIAL_QUOTE -> "SPECIAL_QUOTE " + (code(i) == 1 ? "shown " + side(i) + " band "
          + Prices.format(price(i)) + ".." + Prices.format(price2(i)) + " next step " + aux(i) : "withdrawn");
    };
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < size; i++) sb.append(describe(i)).append('\n');
    return sb.toString();
  }
}
