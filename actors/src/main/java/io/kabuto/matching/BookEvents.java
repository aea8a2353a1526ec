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
  private int size;
  private byte[] type;
  private long[] time;
  private long[] tradeId;
  private long[] orderId;
  private long[] otherOrderId;
  private int[] participant;
  private int[] otherParticipant;
  private byte[] side;
  private byte[] orderType;
  private byte[] tif;
  private long[] price;
  private long[] price2;
  private long[] qty;
  private long[] leaves;
  private long[] otherLeaves;
  private byte[] code;
  private long[] aux;

  public BookEvents() {
    this(64);
  }

  public BookEvents(int capacity) {
    allocate(Math.max(4, capacity));
  }

  private void allocate(int cap) {
    type = new byte[cap];
    time = new long[cap];
    tradeId = new long[cap];
    orderId = new long[cap];
    otherOrderId = new long[cap];
    participant = new int[cap];
    otherParticipant = new int[cap];
    side = new byte[cap];
    orderType = new byte[cap];
    tif = new byte[cap];
    price = new long[cap];
    price2 = new long[cap];
    qty = new long[cap];
    leaves = new long[cap];
    otherLeaves = new long[cap];
    code = new byte[cap];
    aux = new long[cap];
  }

  private void grow() {
    int cap = type.length * 2;
    type = Arrays.copyOf(type, cap);
    time = Arrays.copyOf(time, cap);
    tradeId = Arrays.copyOf(tradeId, cap);
    orderId = Arrays.copyOf(orderId, cap);
    otherOrderId = Arrays.copyOf(otherOrderId, cap);
    participant = Arrays.copyOf(participant, cap);
    otherParticipant = Arrays.copyOf(otherParticipant, cap);
    side = Arrays.copyOf(side, cap);
    orderType = Arrays.copyOf(orderType, cap);
    tif = Arrays.copyOf(tif, cap);
    price = Arrays.copyOf(price, cap);
    price2 = Arrays.copyOf(price2, cap);
    qty = Arrays.copyOf(qty, cap);
    leaves = Arrays.copyOf(leaves, cap);
    otherLeaves = Arrays.copyOf(otherLeaves, cap);
    code = Arrays.copyOf(code, cap);
    aux = Arrays.copyOf(aux, cap);
  }

  public void clear() {
    size = 0;
  }

  public int size() {
    return size;
  }

  /** Drops events from index {@code newSize} on (used to undo an undecided tail). */
  void truncate(int newSize) {
    size = newSize;
  }

  /** Appends one event with every field given; returns its index. */
  public int add(EventType t, long tm, long tid, long oid, long ooid, int part, int opart, int sd,
      int otype, int tf, long px, long px2, long q, long lv, long olv, int cd, long ax) {
    if (size == type.length) grow();
    int i = size++;
    type[i] = (byte) t.ordinal();
    time[i] = tm;
    tradeId[i] = tid;
    orderId[i] = oid;
    otherOrderId[i] = ooid;
    participant[i] = part;
    otherParticipant[i] = opart;
    side[i] = (byte) sd;
    orderType[i] = (byte) otype;
    tif[i] = (byte) tf;
    price[i] = px;
    price2[i] = px2;
    qty[i] = q;
    leaves[i] = lv;
    otherLeaves[i] = olv;
    code[i] = (byte) cd;
    aux[i] = ax;
    return i;
  }

  /** Copies event {@code i} of another buffer to the end of this one. */
  public void copy(BookEvents from, int i) {
    add(from.type(i), from.time[i], from.tradeId[i], from.orderId[i], from.otherOrderId[i],
        from.participant[i], from.otherParticipant[i], from.side[i], from.orderType[i], from.tif[i],
        from.price[i], from.price2[i], from.qty[i], from.leaves[i], from.otherLeaves[i], from.code[i],
        from.aux[i]);
  }

  public EventType type(int i) {
    return EventType.of(type[i]);
  }

  int typeOrdinal(int i) {
    return type[i];
  }

  public long time(int i) {
    return time[i];
  }

  public long tradeId(int i) {
    return tradeId[i];
  }

  public long orderId(int i) {
    return orderId[i];
  }

  public long otherOrderId(int i) {
    return otherOrderId[i];
  }

  public int participant(int i) {
    return participant[i];
  }

  public int otherParticipant(int i) {
    return otherParticipant[i];
  }

  /** Side ordinal, or -1 (auction trades have no aggressor). */
  public int sideOrdinal(int i) {
    return side[i];
  }

  /** Side, or null for an auction trade. */
  public Side side(int i) {
    return side[i] < 0 ? null : Side.of(side[i]);
  }

  public int orderTypeOrdinal(int i) {
    return orderType[i];
  }

  public OrderType orderType(int i) {
    return OrderType.of(orderType[i]);
  }

  public int tifOrdinal(int i) {
    return tif[i];
  }

  public TimeInForce tif(int i) {
    return TimeInForce.of(tif[i]);
  }

  public long price(int i) {
    return price[i];
  }

  public long price2(int i) {
    return price2[i];
  }

  public long qty(int i) {
    return qty[i];
  }

  public long leaves(int i) {
    return leaves[i];
  }

  public long otherLeaves(int i) {
    return otherLeaves[i];
  }

  public int code(int i) {
    return code[i];
  }

  public CancelReason cancelReason(int i) {
    return CancelReason.of(code[i]);
  }

  public Phase phase(int i) {
    return Phase.of(code[i]);
  }

  public long aux(int i) {
    return aux[i];
  }

  /** One event as text, for logs and test failures. */
  public String describe(int i) {
    EventType t = type(i);
    return switch (t) {
      case ACCEPTED -> "ACCEPTED #" + orderId[i] + " p" + participant[i] + " " + side(i) + " "
          + orderType(i) + " " + tif(i) + " " + Prices.format(price[i]) + " x" + qty[i];
      case RESTED -> "RESTED #" + orderId[i] + " " + side(i) + " " + orderType(i) + " "
          + Prices.format(price[i]) + " leaves " + leaves[i] + "/" + qty[i];
      case TRADE -> "TRADE t" + tradeId[i] + " buy #" + orderId[i] + " sell #" + otherOrderId[i] + " "
          + qty[i] + "@" + Prices.format(price[i]) + " aggr " + side(i) + " leaves " + leaves[i] + "/" + otherLeaves[i];
      case CANCELLED -> "CANCELLED #" + orderId[i] + " " + leaves[i] + " " + cancelReason(i);
      case REPLACED -> "REPLACED #" + orderId[i] + " " + Prices.format(price[i]) + " qty " + qty[i]
          + " leaves " + leaves[i] + (code[i] == 1 ? " keeps priority" : " loses priority");
      case PHASE -> "PHASE " + phase(i);
      case SPECIAL_QUOTE -> "SPECIAL_QUOTE " + (code[i] == 1 ? "shown " + side(i) + " band "
          + Prices.format(price[i]) + ".." + Prices.format(price2[i]) + " next step " + aux[i] : "withdrawn");
    };
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < size; i++) sb.append(describe(i)).append('\n');
    return sb.toString();
  }
}
