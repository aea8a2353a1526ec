package io.kabuto.matching;

import java.util.Arrays;

/**
 * The resting orders of one book: price levels, the market-order queues, the order slots and the
 * id index, with the primitive changes the book's apply step makes to them (insert, link, unlink,
 * reduce, release) and the public queries about resting orders.
 *
 * <p>Price levels are dense arrays indexed by price (the daily limits bound the range), orders
 * are 64-byte records in one primitive array, linked per level, and an open-addressing map finds
 * them by id; nothing is allocated per order once the arrays have grown to the working set.
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

  // Orders as array-of-structs, one 64-byte record per order in one array, so the fields a command
  // reads (owner, type, side, price, quantities, links) come in with one or two cache lines:
  //   ord[8*o + 0..3] = id, price, total quantity, leaves
  //   ord[8*o + 4]    = participant (low 32 bits) | side << 32 | order type << 40
  //   ord[8*o + 5..7] = next, prev, level index
  long[] ord;
  private int freeList = NIL;
  private int highWater;
  final LongIntMap index;
  // the highest id ever inserted: a new order above it cannot be a live one (ids mostly grow, so
  // most duplicate checks need no probe of the index, a cache miss on a random line)
  long maxId = Long.MIN_VALUE;

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
    ord = new long[cap * 8];
    index = new LongIntMap(cap);
  }

  // ---------------------------------------------------------------- fields of order slot o

  final int partOf(int o) {
    return (int) ord[4 + 8 * o];
  }

  final int sideOf(int o) {
    return (int) (ord[4 + 8 * o] >>> 32) & 0xff;
  }

  final int typeOf(int o) {
    return (int) (ord[4 + 8 * o] >>> 40) & 0xff;
  }

  final int nextOf(int o) {
    return (int) ord[5 + 8 * o];
  }

  final int prevOf(int o) {
    return (int) ord[6 + 8 * o];
  }

  final int levelOf(int o) {
    return (int) ord[7 + 8 * o];
  }

  // ---------------------------------------------------------------- changes (from apply only)

  final void insert(long id, int part, int side, int type, long price, long qty, long leaves) {
    int o = allocSlot();
    ord[0 + 8 * o] = id;
    ord[4 + 8 * o] = (part & 0xffffffffL) | ((side & 0xffL) << 32) | ((type & 0xffL) << 40);
    ord[1 + 8 * o] = price;
    ord[2 + 8 * o] = qty;
    ord[3 + 8 * o] = leaves;
    index.put(id, o);
    if (id > maxId) maxId = id;
    link(o, side, type, price, leaves);
  }

  final void link(int o, int side, int type, long price, long leaves) {
    ord[5 + 8 * o] = NIL;
    if (type == MARKET) {
      ord[6 + 8 * o] = mktTail[side];
      if (mktTail[side] == NIL) mktHead[side] = o;
      else ord[5 + 8 * mktTail[side]] = o;
      mktTail[side] = o;
      mktQty[side] += leaves;
      return;
    }
    int i = priceIndex(price);
    ord[7 + 8 * o] = i;
    int slot = side * levels + i;
    ord[6 + 8 * o] = levelTail[slot];
    if (levelTail[slot] == NIL) levelHead[slot] = o;
    else ord[5 + 8 * levelTail[slot]] = o;
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
    ord[3 + 8 * o] -= qty;
    if (o == detached) {
      if (ord[3 + 8 * o] == 0) {
        detached = NIL;
        release(o);
      }
      return;
    }
    if (typeOf(o) == MARKET) mktQty[sideOf(o)] -= qty;
    else levelQty[sideOf(o) * levels + levelOf(o)] -= qty;
    if (ord[3 + 8 * o] == 0) remove(o);
  }

  final void remove(int o) {
    unlink(o);
    release(o);
  }

  final void release(int o) {
    index.remove(ord[0 + 8 * o]);
    ord[5 + 8 * o] = freeList;
    freeList = o;
  }

  final void unlink(int o) {
    int side = sideOf(o);
    int prev = prevOf(o);
    int next = nextOf(o);
    if (typeOf(o) == MARKET) {
      if (prev == NIL) mktHead[side] = next;
      else ord[5 + 8 * prev] = next;
      if (next == NIL) mktTail[side] = prev;
      else ord[6 + 8 * next] = prev;
      mktQty[side] -= ord[3 + 8 * o];
    } else {
      int i = levelOf(o);
      int slot = side * levels + i;
      if (prev == NIL) levelHead[slot] = next;
      else ord[5 + 8 * prev] = next;
      if (next == NIL) levelTail[slot] = prev;
      else ord[6 + 8 * next] = prev;
      levelQty[slot] -= ord[3 + 8 * o];
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
      freeList = nextOf(o);
      return o;
    }
    if (highWater * 8 == ord.length) growOrders();
    return highWater++;
  }

  private void growOrders() {
    ord = Arrays.copyOf(ord, ord.length * 2);
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
    out.add(EventType.CANCELLED, time, 0, ord[0 + 8 * o], 0, partOf(o), 0, sideOf(o), typeOf(o), DAY, ord[1 + 8 * o],
        0, ord[2 + 8 * o], ord[3 + 8 * o], 0, reason.ordinal(), 0);
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
    return o < 0 ? 0 : ord[3 + 8 * o];
  }

  /** Owner of a live order, or -1. */
  public int ownerOf(long orderId) {
    int o = index.get(orderId);
    return o < 0 ? -1 : partOf(o);
  }

  /** Price of a live order (0 for market), or -1. */
  public long priceOf(long orderId) {
    int o = index.get(orderId);
    return o < 0 ? -1 : ord[1 + 8 * o];
  }

  /** Ids of every live order of a participant (for a kill switch or cancel-on-disconnect). */
  public long[] ordersOf(int participant) {
    long[] ids = new long[16];
    int n = 0;
    for (int s = BUY; s <= SELL; s++) {
      for (int o = mktHead[s]; o != NIL; o = nextOf(o)) {
        if (partOf(o) == participant) ids = push(ids, n++, ord[0 + 8 * o]);
      }
      for (int i = 0; i < levels; i++) {
        for (int o = levelHead[s * levels + i]; o != NIL; o = nextOf(o)) {
          if (partOf(o) == participant) ids = push(ids, n++, ord[0 + 8 * o]);
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
