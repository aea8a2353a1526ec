package io.kabuto.matching;

import java.util.Arrays;

/**
 * The resting orders of one book: price levels, the market-order queues, the order slots and the
 * id index, with the primitive changes the book's apply step makes to them (insert, link, unlink,
 * reduce, release) and the public queries about resting orders.
 *
 * <p>Price levels are dense arrays indexed by price (the daily limits bound the range), orders
 * live in parallel primitive arrays linked per level, and an open-addressing map finds them by
 * id; nothing is allocated per order once the arrays have grown to the working set.
 *
 * <p>{@link LimitOrderBook} extends this class instead of holding one: the hot path (place,
 * cancel, modify in continuous matching) then reads these arrays as its own fields, with no extra
 * load through a reference and no call that has to be inlined. The fields are package-private so
 * the book's other parts ({@link Auctions}, {@link BookImage}) read them directly too.
 */
abstract class OrderStore {
  static final int NIL = -1;
  static final int BUY = 0;
  static final int SELL = 1;
  static final int NO_SIDE = -1;
  static final int MARKET = OrderType.MARKET.ordinal();
  static final int LIMIT = OrderType.LIMIT.ordinal();
  static final int DAY = TimeInForce.DAY.ordinal();

  final TickTable ticks;
  final long lower;
  final long upper;
  final long step;
  final int levels;
  final int istep;
  private final long stepReciprocal;
  private final int stepShift;

  // price levels: slot = side * levels + index
  final int[] levelHead;
  final int[] levelTail;
  final long[] levelQty;
  int bestBid = NIL;
  int bestAsk = NIL;
  // resting market orders (auction phases and special quotes only)
  final int[] mktHead = {NIL, NIL};
  final int[] mktTail = {NIL, NIL};
  final long[] mktQty = new long[2];

  // Orders as array-of-structs, so one order's fields share cache lines:
  //   ordL[4*o + 0..3] = id, price, total quantity, leaves
  //   ordI[8*o + 0..5] = participant, next, prev, level index, side, order type (6, 7 unused)
  long[] ordL;
  int[] ordI;
  private int freeList = NIL;
  private int highWater;
  final LongIntMap index;

  // an order a REPLACED event took off its level, until its RESTED event links it again
  int detached = NIL;
  // slot of the order the current command looked up while deciding (valid until applied)
  long hintId = Long.MIN_VALUE;
  int hintSlot = NIL;
  // the new order being placed: not on the book until its RESTED event, so no lookup finds it
  long offBookId = Long.MIN_VALUE;
  // slots of the resting orders the current command traded with, in trade order (valid until
  // applied): applying a TRADE then needs no lookup of the maker by id
  int[] makerSlots = new int[64];
  int makerCount;
  int makerNext;
  // onGrid[i]: whether lower + i * step is a valid price (the tick table, precomputed per level)
  final boolean[] onGrid;

  OrderStore(BookRules rules, int expectedOrders) {
    this.ticks = rules.ticks();
    this.lower = rules.lowerLimit();
    this.upper = rules.upperLimit();
    this.step = ticks.tickAt(lower);
    this.levels = (int) ((upper - lower) / step) + 1;
    this.istep = (int) step;
    // With l = ceil(log2 step), S = 31 + l and M = ceil(2^S / step): for 0 <= d < 2^31,
    // floor(d * M / 2^S) = floor(d / step), since d * M / 2^S = d / step + err with
    // err < 2^31 * step / (step * 2^S) = 2^-l <= 1 / step; and d * M < 2^31 * 2^32 fits a long.
    if (upper - lower >= Integer.MAX_VALUE || step <= 0 || step >= (1L << 30)) {
      throw new IllegalArgumentException("price range too wide for the level index");
    }
    int l = 64 - Long.numberOfLeadingZeros(step - 1);
    this.stepShift = 31 + l;
    this.stepReciprocal = ((1L << stepShift) + step - 1) / step;
    this.levelHead = new int[2 * levels];
    this.levelTail = new int[2 * levels];
    this.levelQty = new long[2 * levels];
    Arrays.fill(levelHead, NIL);
    Arrays.fill(levelTail, NIL);
    this.onGrid = new boolean[levels];
    for (int i = 0; i < levels; i++) onGrid[i] = ticks.onGrid(lower + i * step);
    int cap = Math.max(16, expectedOrders);
    ordL = new long[cap * 4];
    ordI = new int[cap * 8];
    index = new LongIntMap(cap);
  }

  // ---------------------------------------------------------------- changes (from apply only)

  final void insert(long id, int part, int side, int type, long price, long qty, long leaves) {
    int o = allocSlot();
    ordL[0 + 4 * o] = id;
    ordI[0 + 8 * o] = part;
    ordI[4 + 8 * o] = (byte) side;
    ordI[5 + 8 * o] = (byte) type;
    ordL[1 + 4 * o] = price;
    ordL[2 + 4 * o] = qty;
    ordL[3 + 4 * o] = leaves;
    index.put(id, o);
    link(o, side, type, price, leaves);
  }

  final void link(int o, int side, int type, long price, long leaves) {
    ordI[1 + 8 * o] = NIL;
    if (type == MARKET) {
      ordI[2 + 8 * o] = mktTail[side];
      if (mktTail[side] == NIL) mktHead[side] = o;
      else ordI[1 + 8 * mktTail[side]] = o;
      mktTail[side] = o;
      mktQty[side] += leaves;
      return;
    }
    int i = priceIndex(price);
    ordI[3 + 8 * o] = i;
    int slot = side * levels + i;
    ordI[2 + 8 * o] = levelTail[slot];
    if (levelTail[slot] == NIL) levelHead[slot] = o;
    else ordI[1 + 8 * levelTail[slot]] = o;
    levelTail[slot] = o;
    levelQty[slot] += leaves;
    if (side == BUY) {
      if (bestBid == NIL || i > bestBid) bestBid = i;
    } else if (bestAsk == NIL || i < bestAsk) {
      bestAsk = i;
    }
  }

  final void reduce(long id, long qty) {
    int o = id == hintId ? hintSlot : id == offBookId ? NIL : index.get(id);
    if (o < 0) return; // the aggressor, not on the book
    reduceSlot(o, qty);
  }

  final void reduceSlot(int o, long qty) {
    ordL[3 + 4 * o] -= qty;
    if (o == detached) {
      if (ordL[3 + 4 * o] == 0) {
        detached = NIL;
        release(o);
      }
      return;
    }
    if (ordI[5 + 8 * o] == MARKET) mktQty[ordI[4 + 8 * o]] -= qty;
    else levelQty[ordI[4 + 8 * o] * levels + ordI[3 + 8 * o]] -= qty;
    if (ordL[3 + 4 * o] == 0) remove(o);
  }

  final void remove(int o) {
    unlink(o);
    release(o);
  }

  final void release(int o) {
    index.remove(ordL[0 + 4 * o]);
    ordI[1 + 8 * o] = freeList;
    freeList = o;
  }

  final void unlink(int o) {
    int side = ordI[4 + 8 * o];
    int prev = ordI[2 + 8 * o];
    int next = ordI[1 + 8 * o];
    if (ordI[5 + 8 * o] == MARKET) {
      if (prev == NIL) mktHead[side] = next;
      else ordI[1 + 8 * prev] = next;
      if (next == NIL) mktTail[side] = prev;
      else ordI[2 + 8 * next] = prev;
      mktQty[side] -= ordL[3 + 4 * o];
    } else {
      int i = ordI[3 + 8 * o];
      int slot = side * levels + i;
      if (prev == NIL) levelHead[slot] = next;
      else ordI[1 + 8 * prev] = next;
      if (next == NIL) levelTail[slot] = prev;
      else ordI[2 + 8 * next] = prev;
      levelQty[slot] -= ordL[3 + 4 * o];
      if (levelHead[slot] == NIL) {
        levelQty[slot] = 0;
        if (side == BUY && i == bestBid) bestBid = scanDown(i - 1);
        else if (side == SELL && i == bestAsk) bestAsk = scanUp(i + 1);
      }
    }
  }

  private int scanDown(int i) {
    for (; i >= 0; i--) if (levelHead[i] != NIL) return i;
    return NIL;
  }

  private int scanUp(int i) {
    for (; i < levels; i++) if (levelHead[levels + i] != NIL) return i;
    return NIL;
  }

  private int allocSlot() {
    if (freeList != NIL) {
      int o = freeList;
      freeList = ordI[1 + 8 * o];
      return o;
    }
    if (highWater * 4 == ordL.length) growOrders();
    return highWater++;
  }

  private void growOrders() {
    ordL = Arrays.copyOf(ordL, ordL.length * 2);
    ordI = Arrays.copyOf(ordI, ordI.length * 2);
  }

  /** Notes the slot of the maker of the TRADE event just written (see makerSlots). */
  final void noteMaker(int o) {
    if (makerCount == makerSlots.length) makerSlots = Arrays.copyOf(makerSlots, makerCount * 2);
    makerSlots[makerCount++] = o;
  }

  /**
   * Level index of a price within the limits: (price - lower) / step, as a multiply and a shift
   * by a precomputed reciprocal (exact for every offset below 2^31, see the constructor), because
   * a division by a field was a visible share of every place and reprice.
   */
  final int priceIndex(long price) {
    return (int) (((price - lower) * stepReciprocal) >>> stepShift);
  }

  /** The CANCELLED event of resting order slot {@code o}. */
  final void cancelEvent(BookEvents out, long time, int o, CancelReason reason) {
    out.add(EventType.CANCELLED, time, 0, ordL[0 + 4 * o], 0, ordI[0 + 8 * o], 0, ordI[4 + 8 * o], ordI[5 + 8 * o], DAY, ordL[1 + 4 * o],
        0, ordL[2 + 4 * o], ordL[3 + 4 * o], 0, reason.ordinal(), 0);
  }

  // ---------------------------------------------------------------- queries (part of LimitOrderBook's API)

  public long lowerLimit() {
    return lower;
  }

  public long upperLimit() {
    return upper;
  }

  public int orderCount() {
    return index.size();
  }
  /** Best bid price, or 0. */
  public long bestBid() {
    return bestBid == NIL ? 0 : lower + bestBid * step;
  }

  /** Best ask price, or 0. */
  public long bestAsk() {
    return bestAsk == NIL ? 0 : lower + bestAsk * step;
  }

  /** Quantity of resting market orders on a side. */
  public long marketQuantity(Side side) {
    return mktQty[side.ordinal()];
  }

  /**
   * Fills prices[] and quantities[] with up to their length of the side's best limit levels;
   * returns how many were filled.
   */
  public int depth(Side side, long[] prices, long[] quantities) {
    int s = side.ordinal();
    int n = Math.min(prices.length, quantities.length);
    int k = 0;
    int dir = s == BUY ? -1 : 1;
    for (int i = s == BUY ? bestBid : bestAsk; i != NIL && i >= 0 && i < levels && k < n; i += dir) {
      long q = levelQty[s * levels + i];
      if (q == 0) continue;
      prices[k] = lower + i * step;
      quantities[k] = q;
      k++;
    }
    return k;
  }

  public boolean isLive(long orderId) {
    return index.get(orderId) >= 0;
  }

  /** Remaining quantity of a live order, or 0. */
  public long leavesOf(long orderId) {
    int o = index.get(orderId);
    return o < 0 ? 0 : ordL[3 + 4 * o];
  }

  /** Owner of a live order, or -1. */
  public int ownerOf(long orderId) {
    int o = index.get(orderId);
    return o < 0 ? -1 : ordI[0 + 8 * o];
  }

  /** Price of a live order (0 for market), or -1. */
  public long priceOf(long orderId) {
    int o = index.get(orderId);
    return o < 0 ? -1 : ordL[1 + 4 * o];
  }

  /** Ids of every live order of a participant (for a kill switch or cancel-on-disconnect). */
  public long[] ordersOf(int participant) {
    long[] ids = new long[16];
    int n = 0;
    for (int s = BUY; s <= SELL; s++) {
      for (int o = mktHead[s]; o != NIL; o = ordI[1 + 8 * o]) {
        if (ordI[0 + 8 * o] == participant) ids = push(ids, n++, ordL[0 + 4 * o]);
      }
      for (int i = 0; i < levels; i++) {
        for (int o = levelHead[s * levels + i]; o != NIL; o = ordI[1 + 8 * o]) {
          if (ordI[0 + 8 * o] == participant) ids = push(ids, n++, ordL[0 + 4 * o]);
        }
      }
    }
    return Arrays.copyOf(ids, n);
  }

  private static long[] push(long[] a, int n, long v) {
    if (n == a.length) a = Arrays.copyOf(a, n * 2);
    a[n] = v;
    return a;
  }
}
