package io.kabuto.matching;

import java.util.Arrays;

/**
 * One symbol's book: price-time priority in continuous matching, TSE itayose for auctions,
 * daily price limits, special quotes and self-trade prevention.
 *
 * <p>Every command first <em>decides</em> (reads the state, writes events into a {@link
 * BookEvents} buffer) and then <em>applies</em> those events; applying events is the only way the
 * state changes, so {@link #apply(BookEvents)} of a recorded event stream rebuilds exactly the same
 * book ({@link #stateHash()} compares them). Time is data: each command carries the simulation
 * clock in milliseconds, so the book is deterministic.
 *
 * <p>Hot path: price levels are dense arrays indexed by price (the daily limits bound the range),
 * orders live in parallel primitive arrays linked per level, and an open-addressing map finds
 * them by id; nothing is allocated per order once the arrays have grown to the working set.
 *
 * <p>Not thread-safe: one book belongs to one actor.
 */
public final class LimitOrderBook {
  /** Participant value that bypasses the ownership check (operators, the kill switch). */
  public static final int ANY_PARTICIPANT = -1;

  private static final int NIL = -1;
  private static final int BUY = 0;
  private static final int SELL = 1;
  private static final int NO_SIDE = -1;
  private static final int MARKET = OrderType.MARKET.ordinal();
  private static final int LIMIT = OrderType.LIMIT.ordinal();
  private static final int DAY = TimeInForce.DAY.ordinal();

  // itayose outcomes
  private static final int TRADED = 0;
  private static final int NO_CROSS = 1;
  private static final int BLOCKED_UP = 2;
  private static final int BLOCKED_DOWN = 3;

  private final BookRules rules;
  private final TickTable ticks;
  private final long lower;
  private final long upper;
  private final long step;
  private final int levels;
  private final int istep;
  private final long lotSize;
  private final long maxQty;

  // price levels: slot = side * levels + index
  private final int[] levelHead;
  private final int[] levelTail;
  private final long[] levelQty;
  private int bestBid = NIL;
  private int bestAsk = NIL;
  // resting market orders (auction phases and special quotes only)
  private final int[] mktHead = {NIL, NIL};
  private final int[] mktTail = {NIL, NIL};
  private final long[] mktQty = new long[2];

  // orders, struct-of-arrays
  // Orders as array-of-structs, so one order's fields share cache lines:
  //   ordL[4*o + 0..3] = id, price, total quantity, leaves
  //   ordI[8*o + 0..5] = participant, next, prev, level index, side, order type (6, 7 unused)
  private long[] ordL;
  private int[] ordI;
  private int freeList = NIL;
  private int highWater;
  private final LongIntMap index;

  // book state
  private Phase phase;
  private long lastPrice;
  private long volume;
  private long tradeCount;
  private long nextTradeId = 1;
  private boolean sqActive;
  private int sqSide = NO_SIDE;
  private long sqLow;
  private long sqHigh;
  private long sqNextStep;

  // itayose scratch
  private final long[] cumBuy;
  private final long[] cumSell;

  public LimitOrderBook(BookRules rules) {
    this(rules, 1024);
  }

  public LimitOrderBook(BookRules rules, int expectedOrders) {
    this.rules = rules;
    this.ticks = rules.ticks();
    this.lower = rules.lowerLimit();
    this.upper = rules.upperLimit();
    this.step = ticks.tickAt(lower);
    this.levels = (int) ((upper - lower) / step) + 1;
    this.istep = (int) step;
    this.lotSize = rules.lotSize();
    this.maxQty = rules.maxOrderQuantity();
    this.levelHead = new int[2 * levels];
    this.levelTail = new int[2 * levels];
    this.levelQty = new long[2 * levels];
    Arrays.fill(levelHead, NIL);
    Arrays.fill(levelTail, NIL);
    this.cumBuy = new long[levels];
    this.cumSell = new long[levels];
    int cap = Math.max(16, expectedOrders);
    ordL = new long[cap * 4];
    ordI = new int[cap * 8];
    index = new LongIntMap(cap);
    phase = rules.initialPhase();
  }

  // ---------------------------------------------------------------- commands

  /**
   * A new order. Returns {@link Reject#NONE} if accepted (events describe what happened to it) or
   * the reason it was refused (no event about it; clock-driven events may still be present).
   *
   * @param price limit price in {@link Prices} units; 0 for a market order
   */
  public Reject place(long time, long orderId, int participant, Side side, OrderType type,
      TimeInForce tif, long price, long qty, SelfTradePrevention stp, BookEvents out) {
    advanceClock(time, out);
    Reject r = validateNew(orderId, type, tif, price, qty);
    if (r != Reject.NONE) return r;
    int s = side.ordinal();
    int from = out.size();
    out.add(EventType.ACCEPTED, time, 0, orderId, 0, participant, 0, s, type.ordinal(),
        tif.ordinal(), price, 0, qty, qty, 0, 0, 0);
    if (phase == Phase.CONTINUOUS && !sqActive) {
      matchAggressor(time, orderId, participant, s, type.ordinal(), tif.ordinal(), price, qty, qty,
          stp, out);
      applyFrom(from, out);
      // a blocked sweep shows a special quote; the orders may already balance inside the band
      if (sqActive) resolveSpecialQuote(time, out);
    } else if (tif != TimeInForce.DAY) {
      // special quote shown: nothing executes "at once"
      out.add(EventType.CANCELLED, time, 0, orderId, 0, participant, 0, s, type.ordinal(), 0, price,
          0, qty, qty, 0,
          (tif == TimeInForce.IOC ? CancelReason.IOC_REMAINDER : CancelReason.FOK_UNFILLED).ordinal(), 0);
      applyFrom(from, out);
    } else {
      rest(out, time, orderId, participant, s, type.ordinal(), price, qty, qty);
      applyFrom(from, out);
      if (sqActive) resolveSpecialQuote(time, out);
    }
    return Reject.NONE;
  }

  /** Cancels the remaining quantity of a live order. */
  public Reject cancel(long time, long orderId, int participant, BookEvents out) {
    advanceClock(time, out);
    int o = index.get(orderId);
    if (o < 0) return Reject.UNKNOWN_ORDER;
    if (participant != ANY_PARTICIPANT && ordI[0 + 8 * o] != participant) return Reject.NOT_OWNER;
    int from = out.size();
    hintId = orderId;
    hintSlot = o;
    cancelEvent(out, time, o, CancelReason.REQUESTED);
    applyFrom(from, out);
    if (sqActive) resolveSpecialQuote(time, out);
    return Reject.NONE;
  }

  /**
   * Changes a live order's price and/or total quantity. A quantity decrease at the same price
   * keeps time priority; anything else loses it, and a new price that crosses the spread matches
   * at once in continuous trading.
   *
   * @param newPrice new limit price (must be 0 for a market order)
   * @param newQty new total order quantity, filled quantity included
   */
  public Reject modify(long time, long orderId, int participant, long newPrice, long newQty,
      BookEvents out) {
    advanceClock(time, out);
    int o = index.get(orderId);
    if (o < 0) return Reject.UNKNOWN_ORDER;
    if (participant != ANY_PARTICIPANT && ordI[0 + 8 * o] != participant) return Reject.NOT_OWNER;
    if (!phase.acceptsOrders()) return Reject.MARKET_CLOSED;
    int type = ordI[5 + 8 * o];
    if (type == MARKET) {
      if (newPrice != 0) return Reject.MODIFY_NOT_ALLOWED;
    } else {
      Reject pr = validatePrice(newPrice);
      if (pr != Reject.NONE) return pr;
    }
    Reject qr = validateQty(newQty);
    if (qr != Reject.NONE) return qr;
    long filled = ordL[2 + 4 * o] - ordL[3 + 4 * o];
    if (newQty <= filled) return Reject.QUANTITY_BELOW_FILLED;
    if (newPrice == ordL[1 + 4 * o] && newQty == ordL[2 + 4 * o]) return Reject.NO_CHANGE;
    if (type == MARKET && newQty > ordL[2 + 4 * o]) return Reject.MODIFY_NOT_ALLOWED;
    boolean keeps = newPrice == ordL[1 + 4 * o] && newQty < ordL[2 + 4 * o];
    long newLeaves = newQty - filled;
    int s = ordI[4 + 8 * o];
    long id = ordL[0 + 4 * o];
    int part = ordI[0 + 8 * o];
    int from = out.size();
    hintId = id;
    hintSlot = o;
    out.add(EventType.REPLACED, time, 0, id, 0, part, 0, s, type, DAY, newPrice, 0, newQty,
        newLeaves, 0, keeps ? 1 : 0, 0);
    // A reprice that does not reach the opposite side (82% of a typical stream): emit REPLACED + RESTED and apply
    // them directly (the same state change applyFrom would make), no buffer re-read, no lookups
    if (!keeps && type == LIMIT && phase == Phase.CONTINUOUS && !sqActive) {
      int ob = s == BUY ? bestAsk : bestBid;
      if (ob == NIL || (s == BUY ? lower + ob * step > newPrice : lower + ob * step < newPrice)) {
        rest(out, time, id, part, s, type, newPrice, newQty, newLeaves);
        unlink(o);
        ordL[1 + 4 * o] = newPrice;
        ordL[2 + 4 * o] = newQty;
        ordL[3 + 4 * o] = newLeaves;
        link(o, s, type, newPrice, newLeaves);
        hintId = Long.MIN_VALUE;
        return Reject.NONE;
      }
    }
    if (keeps) {
      applyFrom(from, out);
    } else if (phase == Phase.CONTINUOUS && !sqActive) {
      // the order's own side is not read while matching, so deciding before it is removed is safe
      matchAggressor(time, id, part, s, type, DAY, newPrice, newQty, newLeaves,
          SelfTradePrevention.NONE, out);
      applyFrom(from, out);
    } else {
      rest(out, time, id, part, s, type, newPrice, newQty, newLeaves);
      applyFrom(from, out);
    }
    if (sqActive) resolveSpecialQuote(time, out);
    return Reject.NONE;
  }

  /**
   * Moves the book to another phase, running the itayose the transition implies (see {@link
   * Phase}). Entering CLOSED expires every resting order.
   */
  public Reject setPhase(long time, Phase next, BookEvents out) {
    advanceClock(time, out);
    if (next == phase) return Reject.INVALID_PHASE_CHANGE;
    Phase prev = phase;
    int from = out.size();
    if (sqActive) withdrawSpecialQuote(out, time);
    applyFrom(from, out);
    if (next == Phase.CONTINUOUS) {
      from = out.size();
      out.add(EventType.PHASE, time, 0, 0, 0, 0, 0, NO_SIDE, 0, 0, 0, 0, 0, 0, 0, next.ordinal(), 0);
      applyFrom(from, out);
      runAuction(time, 1, true, out);
    } else {
      if ((prev == Phase.CONTINUOUS || prev == Phase.PRE_CLOSE)
          && (next == Phase.BREAK || next == Phase.CLOSED)) {
        runAuction(time, prev == Phase.PRE_CLOSE ? rules.closingBandMultiplier() : 1, false, out);
      }
      from = out.size();
      out.add(EventType.PHASE, time, 0, 0, 0, 0, 0, NO_SIDE, 0, 0, 0, 0, 0, 0, 0, next.ordinal(), 0);
      if (next == Phase.CLOSED) expireAll(out, time);
      applyFrom(from, out);
    }
    return Reject.NONE;
  }

  /** Advances the simulation clock: steps a special quote that is due. */
  public void onClock(long time, BookEvents out) {
    advanceClock(time, out);
  }

  /** Applies recorded events, in order: the replay path. */
  public void apply(BookEvents events) {
    applyFrom(0, events);
  }

  // ---------------------------------------------------------------- validation

  private Reject validateNew(long orderId, OrderType type, TimeInForce tif, long price, long qty) {
    if (orderId <= 0) return Reject.INVALID_ORDER_ID;
    Reject qr = validateQty(qty);
    if (qr != Reject.NONE) return qr;
    if (type == OrderType.LIMIT) {
      Reject pr = validatePrice(price);
      if (pr != Reject.NONE) return pr;
    } else if (price != 0) {
      return Reject.INVALID_PRICE;
    }
    if (!phase.acceptsOrders()) return Reject.MARKET_CLOSED;
    if (tif != TimeInForce.DAY && phase != Phase.CONTINUOUS) return Reject.TIF_NOT_ALLOWED;
    if (index.get(orderId) >= 0) return Reject.DUPLICATE_ORDER_ID;
    return Reject.NONE;
  }

  private Reject validateQty(long qty) {
    if (qty <= 0 || (lotSize != 1 && qty % lotSize != 0)) return Reject.INVALID_QUANTITY;
    if (qty > maxQty) return Reject.QUANTITY_TOO_LARGE;
    return Reject.NONE;
  }

  private Reject validatePrice(long price) {
    if (price <= 0) return Reject.INVALID_PRICE;
    if (!ticks.onGrid(price)) return Reject.OFF_TICK;
    if (price < lower || price > upper) return Reject.OUTSIDE_PRICE_LIMIT;
    return Reject.NONE;
  }

  // ---------------------------------------------------------------- continuous matching (decide)

  private void matchAggressor(long time, long id, int part, int side, int type, int tif, long limit,
      long total, long leaves, SelfTradePrevention stp, BookEvents out) {
    // A DAY limit order that does not reach the opposite best rests at once (no band to compute)
    if (type == LIMIT && tif == DAY) {
      int ob = side == BUY ? bestAsk : bestBid;
      if (ob == NIL || (side == BUY ? lower + ob * step > limit : lower + ob * step < limit)) {
        rest(out, time, id, part, side, type, limit, total, leaves);
        return;
      }
    }
    // The band follows the executions of this sweep: each trade may be at most one renewal
    // interval from the previous one (TSE: "from the last price").
    long ref = referencePrice();
    long lo = bandLowAt(ref, 1);
    long hi = bandHighAt(ref, 1);
    if (tif == TimeInForce.FOK.ordinal() && !fillable(part, side, type, limit, leaves, stp, ref)) {
      out.add(EventType.CANCELLED, time, 0, id, 0, part, 0, side, type, tif, limit, 0, total, leaves,
          0, CancelReason.FOK_UNFILLED.ordinal(), 0);
      return;
    }
    int opp = 1 - side;
    int base = opp * levels;
    long remaining = leaves;
    long tid = nextTradeId;
    boolean bandStop = false;
    boolean selfStop = false;
    long blockedPrice = 0;
    int i = side == BUY ? bestAsk : bestBid;
    int dir = side == BUY ? 1 : -1;
    outer:
    for (; i >= 0 && i < levels && remaining > 0; i += dir) {
      if (levelQty[base + i] == 0) continue;
      long p = lower + i * step;
      if (type == LIMIT && (side == BUY ? p > limit : p < limit)) break;
      if (p < lo || p > hi) {
        bandStop = true;
        blockedPrice = p;
        break;
      }
      boolean tradedHere = false;
      for (int o = levelHead[base + i]; o != NIL && remaining > 0; o = ordI[1 + 8 * o]) {
        if (stp != SelfTradePrevention.NONE && ordI[0 + 8 * o] == part) {
          if (stp == SelfTradePrevention.CANCEL_RESTING) {
            cancelEvent(out, time, o, CancelReason.SELF_TRADE);
            continue;
          }
          selfStop = true;
          break outer;
        }
        tradedHere = true;
        long f = Math.min(remaining, ordL[3 + 4 * o]);
        remaining -= f;
        long makerLeft = ordL[3 + 4 * o] - f;
        if (side == BUY) {
          out.add(EventType.TRADE, time, tid++, id, ordL[0 + 4 * o], part, ordI[0 + 8 * o], side, 0, 0, p, 0, f,
              remaining, makerLeft, 0, 0);
        } else {
          out.add(EventType.TRADE, time, tid++, ordL[0 + 4 * o], id, ordI[0 + 8 * o], part, side, 0, 0, p, 0, f,
              makerLeft, remaining, 0, 0);
        }
      }
      if (tradedHere && ref != p) {
        ref = p;
        lo = bandLowAt(ref, 1);
        hi = bandHighAt(ref, 1);
      }
    }
    if (remaining == 0) return;
    if (selfStop) {
      out.add(EventType.CANCELLED, time, 0, id, 0, part, 0, side, type, tif, limit, 0, total,
          remaining, 0, CancelReason.SELF_TRADE.ordinal(), 0);
    } else if (tif == TimeInForce.IOC.ordinal()) {
      out.add(EventType.CANCELLED, time, 0, id, 0, part, 0, side, type, tif, limit, 0, total,
          remaining, 0, CancelReason.IOC_REMAINDER.ordinal(), 0);
    } else if (tif == TimeInForce.FOK.ordinal()) {
      out.add(EventType.CANCELLED, time, 0, id, 0, part, 0, side, type, tif, limit, 0, total,
          remaining, 0, CancelReason.FOK_UNFILLED.ordinal(), 0);
    } else if (bandStop) {
      // the next trade would jump beyond the renewal interval: rest and show a special quote
      rest(out, time, id, part, side, type, limit, total, remaining);
      int pressure = blockedPrice > hi ? BUY : SELL;
      out.add(EventType.SPECIAL_QUOTE, time, 0, 0, 0, 0, 0, pressure, 0, 0, lo, hi, 0, 0, 0, 1,
          time + rules.specialQuoteStepMillis());
    } else if (type == MARKET) {
      out.add(EventType.CANCELLED, time, 0, id, 0, part, 0, side, type, tif, 0, 0, total, remaining,
          0, CancelReason.NO_LIQUIDITY.ordinal(), 0);
    } else {
      rest(out, time, id, part, side, type, limit, total, remaining);
    }
  }

  /** Whether a FOK order can fill completely within its limit and the band. */
  private boolean fillable(int part, int side, int type, long limit, long qty,
      SelfTradePrevention stp, long ref) {
    long lo = bandLowAt(ref, 1);
    long hi = bandHighAt(ref, 1);
    int base = (1 - side) * levels;
    int dir = side == BUY ? 1 : -1;
    long need = qty;
    for (int i = side == BUY ? bestAsk : bestBid; i >= 0 && i < levels; i += dir) {
      if (levelQty[base + i] == 0) continue;
      long p = lower + i * step;
      if (type == LIMIT && (side == BUY ? p > limit : p < limit)) return false;
      if (p < lo || p > hi) return false;
      long before = need;
      if (stp == SelfTradePrevention.NONE) {
        need -= levelQty[base + i];
      } else {
        for (int o = levelHead[base + i]; o != NIL; o = ordI[1 + 8 * o]) {
          if (ordI[0 + 8 * o] == part) {
            if (stp == SelfTradePrevention.CANCEL_AGGRESSOR) return false;
            continue;
          }
          need -= ordL[3 + 4 * o];
          if (need <= 0) return true;
        }
      }
      if (need <= 0) return true;
      if (need < before && ref != p) {
        ref = p;
        lo = bandLowAt(ref, 1);
        hi = bandHighAt(ref, 1);
      }
    }
    return false;
  }

  private void rest(BookEvents out, long time, long id, int part, int side, int type, long price,
      long total, long leaves) {
    out.add(EventType.RESTED, time, 0, id, 0, part, 0, side, type, DAY, type == MARKET ? 0 : price,
        0, total, leaves, 0, 0, 0);
  }

  private void cancelEvent(BookEvents out, long time, int o, CancelReason reason) {
    out.add(EventType.CANCELLED, time, 0, ordL[0 + 4 * o], 0, ordI[0 + 8 * o], 0, ordI[4 + 8 * o], ordI[5 + 8 * o], DAY, ordL[1 + 4 * o],
        0, ordL[2 + 4 * o], ordL[3 + 4 * o], 0, reason.ordinal(), 0);
  }

  // ---------------------------------------------------------------- auctions and special quotes

  /** Lower edge of the executable band: reference minus n renewal intervals, on the grid. */
  private long bandLow(int n) {
    return bandLowAt(referencePrice(), n);
  }

  private long bandLowAt(long ref, int n) {
    if (!rules.specialQuotes()) return lower;
    long edge = ref - PriceLimits.renewalInterval(ref) * n;
    return edge <= lower ? lower : ticks.roundUp(edge);
  }

  /** Upper edge of the executable band: reference plus n renewal intervals, on the grid. */
  private long bandHigh(int n) {
    return bandHighAt(referencePrice(), n);
  }

  private long bandHighAt(long ref, int n) {
    if (!rules.specialQuotes()) return upper;
    long edge = ref + PriceLimits.renewalInterval(ref) * n;
    return edge >= upper ? upper : ticks.roundDown(edge);
  }

  /** An itayose on a phase change; shows a special quote if the band blocks it. */
  private void runAuction(long time, int bandMultiple, boolean continuing, BookEvents out) {
    long lo = bandLow(bandMultiple);
    long hi = bandHigh(bandMultiple);
    int from = out.size();
    int result = itayose(time, lo, hi, out);
    if (continuing && (result == BLOCKED_UP || result == BLOCKED_DOWN)) {
      out.add(EventType.SPECIAL_QUOTE, time, 0, 0, 0, 0, 0, result == BLOCKED_UP ? BUY : SELL, 0, 0,
          lo, hi, 0, 0, 0, 1, time + rules.specialQuoteStepMillis());
    } else {
      cancelMarketOrders(out, time, from);
    }
    applyFrom(from, out);
  }

  /** After the book changed while a special quote is shown: trade if orders now balance. */
  private void resolveSpecialQuote(long time, BookEvents out) {
    int from = out.size();
    int result = itayose(time, sqLow, sqHigh, out);
    if (result == TRADED || result == NO_CROSS) {
      withdrawSpecialQuote(out, time);
      cancelMarketOrders(out, time, from);
    } else {
      int pressure = result == BLOCKED_UP ? BUY : SELL;
      if (pressure != sqSide) {
        out.add(EventType.SPECIAL_QUOTE, time, 0, 0, 0, 0, 0, pressure, 0, 0, sqLow, sqHigh, 0, 0, 0,
            1, sqNextStep);
      }
    }
    applyFrom(from, out);
  }

  private void advanceClock(long time, BookEvents out) {
    while (sqActive && phase == Phase.CONTINUOUS && time >= sqNextStep) {
      long w = PriceLimits.renewalInterval(referencePrice());
      long lo = sqSide == SELL ? Math.max(lower, ticks.roundUp(Math.max(1, sqLow - w))) : sqLow;
      long hi = sqSide == BUY ? Math.min(upper, ticks.roundDown(sqHigh + w)) : sqHigh;
      int from = out.size();
      out.add(EventType.SPECIAL_QUOTE, sqNextStep, 0, 0, 0, 0, 0, sqSide, 0, 0, lo, hi, 0, 0, 0, 1,
          sqNextStep + rules.specialQuoteStepMillis());
      applyFrom(from, out);
      resolveSpecialQuote(time, out);
    }
  }

  private void withdrawSpecialQuote(BookEvents out, long time) {
    out.add(EventType.SPECIAL_QUOTE, time, 0, 0, 0, 0, 0, NO_SIDE, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  private void cancelMarketOrders(BookEvents out, long time, int from) {
    for (int s = BUY; s <= SELL; s++) {
      for (int o = mktHead[s]; o != NIL; o = ordI[1 + 8 * o]) {
        if (!tradedInBuffer(out, o, from)) cancelEvent(out, time, o, CancelReason.AUCTION_UNFILLED);
      }
    }
  }

  /** True if the undecided events (from index {@code from}) fill this order completely. */
  private boolean tradedInBuffer(BookEvents out, int o, int from) {
    long id = ordL[0 + 4 * o];
    long left = ordL[3 + 4 * o];
    for (int i = out.size() - 1; i >= from; i--) {
      if (out.typeOrdinal(i) == EventType.TRADE.ordinal()
          && (out.orderId(i) == id || out.otherOrderId(i) == id)) {
        left = out.orderId(i) == id ? out.leaves(i) : out.otherLeaves(i);
        break;
      }
    }
    return left == 0;
  }

  /**
   * Decides an itayose within [lo, hi] (TSE conditions: all market orders execute, all buys above
   * and sells below the price execute, one side at the price executes completely; then the
   * tie-breaks: volume, surplus, surplus side, nearest the reference price). Writes the trades
   * and returns TRADED, or why it could not trade.
   */
  private int itayose(long time, long lo, long hi, BookEvents out) {
    boolean anyBuy = mktQty[BUY] > 0 || bestBid != NIL;
    boolean anySell = mktQty[SELL] > 0 || bestAsk != NIL;
    if (!anyBuy || !anySell) return NO_CROSS;
    if (mktQty[BUY] == 0 && mktQty[SELL] == 0 && bestBid < bestAsk) return NO_CROSS;

    long acc = mktQty[BUY];
    for (int i = levels - 1; i >= 0; i--) {
      acc += levelQty[i];
      cumBuy[i] = acc;
    }
    acc = mktQty[SELL];
    for (int i = 0; i < levels; i++) {
      acc += levelQty[levels + i];
      cumSell[i] = acc;
    }
    int iLo = (int) ((Math.max(lo, lower) - lower + step - 1) / step);
    int iHi = (int) ((Math.min(hi, upper) - lower) / step);

    long bestVol = 0;
    long bestSurplus = Long.MAX_VALUE;
    for (int i = iLo; i <= iHi; i++) {
      if (!valid(i)) continue;
      long vol = Math.min(cumBuy[i], cumSell[i]);
      long surplus = Math.abs(cumBuy[i] - cumSell[i]);
      if (vol > bestVol || (vol == bestVol && surplus < bestSurplus)) {
        bestVol = vol;
        bestSurplus = surplus;
      }
    }
    if (bestVol == 0) {
      if (cumBuy[iHi] - levelQty[iHi] > cumSell[iHi]) return BLOCKED_UP;
      if (cumSell[iLo] - levelQty[levels + iLo] > cumBuy[iLo]) return BLOCKED_DOWN;
      return NO_CROSS;
    }
    boolean allSellSurplus = true;
    boolean allBuySurplus = true;
    int lowest = NIL;
    int highest = NIL;
    int nearest = NIL;
    long nearestDist = Long.MAX_VALUE;
    long ref = referencePrice();
    for (int i = iLo; i <= iHi; i++) {
      if (!valid(i)) continue;
      if (Math.min(cumBuy[i], cumSell[i]) != bestVol) continue;
      if (Math.abs(cumBuy[i] - cumSell[i]) != bestSurplus) continue;
      if (cumSell[i] <= cumBuy[i]) allSellSurplus = false;
      if (cumBuy[i] <= cumSell[i]) allBuySurplus = false;
      if (lowest == NIL) lowest = i;
      highest = i;
      long dist = Math.abs(lower + i * step - ref);
      if (dist <= nearestDist) { // ties go to the higher price
        nearestDist = dist;
        nearest = i;
      }
    }
    int pick = allSellSurplus ? lowest : allBuySurplus ? highest : nearest;
    allocate(time, lower + pick * step, bestVol, out);
    return TRADED;
  }

  /** TSE conditions (1)-(3) at level index i, with grid check. */
  private boolean valid(int i) {
    long p = lower + i * step;
    if (!ticks.onGrid(p)) return false;
    long buyAbove = cumBuy[i] - levelQty[i];
    long sellBelow = cumSell[i] - levelQty[levels + i];
    return buyAbove <= cumSell[i] && sellBelow <= cumBuy[i];
  }

  /** Pairs buys and sells in priority order (market first, then price, then time) at one price. */
  private void allocate(long time, long price, long volume, BookEvents out) {
    long tid = nextTradeId;
    int b = firstOrder(BUY);
    int s = firstOrder(SELL);
    long bLeft = ordL[3 + 4 * b];
    long sLeft = ordL[3 + 4 * s];
    long left = volume;
    while (left > 0) {
      long f = Math.min(left, Math.min(bLeft, sLeft));
      bLeft -= f;
      sLeft -= f;
      left -= f;
      out.add(EventType.TRADE, time, tid++, ordL[0 + 4 * b], ordL[0 + 4 * s], ordI[0 + 8 * b], ordI[0 + 8 * s], NO_SIDE, 0, 0, price,
          0, f, bLeft, sLeft, 0, 0);
      if (left == 0) break;
      if (bLeft == 0) {
        b = nextInPriority(b);
        bLeft = ordL[3 + 4 * b];
      }
      if (sLeft == 0) {
        s = nextInPriority(s);
        sLeft = ordL[3 + 4 * s];
      }
    }
  }

  private int firstOrder(int side) {
    if (mktHead[side] != NIL) return mktHead[side];
    int best = side == BUY ? bestBid : bestAsk;
    return levelHead[side * levels + best];
  }

  private int nextInPriority(int o) {
    if (ordI[1 + 8 * o] != NIL) return ordI[1 + 8 * o];
    int side = ordI[4 + 8 * o];
    int dir = side == BUY ? -1 : 1;
    int i = ordI[5 + 8 * o] == MARKET ? (side == BUY ? bestBid : bestAsk) : priceIndex(ordL[1 + 4 * o]) + dir;
    for (; i >= 0 && i < levels; i += dir) {
      if (levelHead[side * levels + i] != NIL) return levelHead[side * levels + i];
    }
    throw new IllegalStateException("itayose allocation ran past the book");
  }

  private void expireAll(BookEvents out, long time) {
    for (int s = BUY; s <= SELL; s++) {
      for (int o = mktHead[s]; o != NIL; o = ordI[1 + 8 * o]) cancelEvent(out, time, o, CancelReason.EXPIRED);
      for (int i = 0; i < levels; i++) {
        for (int o = levelHead[s * levels + i]; o != NIL; o = ordI[1 + 8 * o]) {
          cancelEvent(out, time, o, CancelReason.EXPIRED);
        }
      }
    }
  }

  // ---------------------------------------------------------------- apply (the only mutation)

  private void applyFrom(int from, BookEvents ev) {
    for (int i = from; i < ev.size(); i++) applyOne(ev, i);
    hintId = Long.MIN_VALUE;
  }

  private static final int T_RESTED = EventType.RESTED.ordinal();
  private static final int T_TRADE = EventType.TRADE.ordinal();
  private static final int T_CANCELLED = EventType.CANCELLED.ordinal();
  private static final int T_REPLACED = EventType.REPLACED.ordinal();

  private void applyOne(BookEvents ev, int i) {
    int t = ev.typeOrdinal(i);
    if (t == T_REPLACED) {
      long rid = ev.orderId(i);
      int o = hintId == rid ? hintSlot : index.get(rid);
      if (o < 0) return;
      if (ev.code(i) == 1) {
        long delta = ordL[3 + 4 * o] - ev.leaves(i);
        ordL[2 + 4 * o] = ev.qty(i);
        ordL[3 + 4 * o] = ev.leaves(i);
        if (ordI[5 + 8 * o] == MARKET) mktQty[ordI[4 + 8 * o]] -= delta;
        else levelQty[ordI[4 + 8 * o] * levels + priceIndex(ordL[1 + 4 * o])] -= delta;
      } else {
        unlink(o);
        ordL[1 + 4 * o] = ev.price(i);
        ordL[2 + 4 * o] = ev.qty(i);
        ordL[3 + 4 * o] = ev.leaves(i);
        detached = o;
      }
    } else if (t == T_RESTED) {
      long id = ev.orderId(i);
      if (detached != NIL && ordL[0 + 4 * detached] == id) {
        int o = detached;
        detached = NIL;
        ordL[1 + 4 * o] = ev.price(i);
        ordL[2 + 4 * o] = ev.qty(i);
        ordL[3 + 4 * o] = ev.leaves(i);
        link(o, ev.sideOrdinal(i), ordI[5 + 8 * o], ev.price(i), ev.leaves(i));
      } else {
        insert(id, ev.participant(i), ev.sideOrdinal(i), ev.orderTypeOrdinal(i),
            ev.price(i), ev.qty(i), ev.leaves(i));
      }
    } else if (t == T_TRADE) {
      reduce(ev.orderId(i), ev.qty(i));
      reduce(ev.otherOrderId(i), ev.qty(i));
      lastPrice = ev.price(i);
      volume += ev.qty(i);
      tradeCount++;
      nextTradeId = ev.tradeId(i) + 1;
    } else if (t == T_CANCELLED) {
      long cid = ev.orderId(i);
      int o = hintId == cid ? hintSlot : index.get(cid);
      if (o >= 0) {
        if (o == detached) {
          detached = NIL;
          release(o);
        } else {
          remove(o);
        }
      }
    } else {
      applyRare(ev, i);
    }
  }

  private void applyRare(BookEvents ev, int i) {
    switch (ev.type(i)) {
      case PHASE -> phase = ev.phase(i);
      case SPECIAL_QUOTE -> {
        sqActive = ev.code(i) == 1;
        sqSide = sqActive ? ev.sideOrdinal(i) : NO_SIDE;
        sqLow = sqActive ? ev.price(i) : 0;
        sqHigh = sqActive ? ev.price2(i) : 0;
        sqNextStep = sqActive ? ev.aux(i) : 0;
      }
      default -> { }
    }
  }

  private void insert(long id, int part, int side, int type, long price, long qty, long leaves) {
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

  private void link(int o, int side, int type, long price, long leaves) {
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

  private void reduce(long id, long qty) {
    int o = index.get(id);
    if (o < 0) return; // the aggressor, not on the book
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

  private int detached = NIL;
  // slot of the order the current command looked up while deciding (valid until applied)
  private long hintId = Long.MIN_VALUE;
  private int hintSlot = NIL;

  private void remove(int o) {
    unlink(o);
    release(o);
  }

  private void release(int o) {
    index.remove(ordL[0 + 4 * o]);
    ordI[1 + 8 * o] = freeList;
    freeList = o;
  }

  private void unlink(int o) {
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

  private int priceIndex(long price) {
    return (int) (price - lower) / istep;
  }

  // ---------------------------------------------------------------- queries

  public BookRules rules() {
    return rules;
  }

  public Phase phase() {
    return phase;
  }

  /** Last trade price, or 0 if none today. */
  public long lastPrice() {
    return lastPrice;
  }

  /** The price special quotes and auction bands are anchored to: last trade, else the base. */
  public long referencePrice() {
    return lastPrice > 0 ? lastPrice : rules.basePrice();
  }

  public long lowerLimit() {
    return lower;
  }

  public long upperLimit() {
    return upper;
  }

  public long volume() {
    return volume;
  }

  public long tradeCount() {
    return tradeCount;
  }

  public int orderCount() {
    return index.size();
  }

  public boolean specialQuoteShown() {
    return sqActive;
  }

  /** Pressure side of the special quote shown, or null. */
  public Side specialQuoteSide() {
    return sqActive ? Side.of(sqSide) : null;
  }

  /** The special quote price: the band edge on the pressure side, or 0. */
  public long specialQuotePrice() {
    return !sqActive ? 0 : sqSide == BUY ? sqHigh : sqLow;
  }

  public long specialQuoteNextStep() {
    return sqNextStep;
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

  // ---------------------------------------------------------------- hash and snapshot

  /**
   * A 64-bit digest of everything that determines future behaviour: phase, prices, counters,
   * special quote and every resting order in priority order. Equal books have equal hashes;
   * replicas and replays compare it.
   */
  public long stateHash() {
    long h = 0xcbf29ce484222325L;
    h = mix(h, phase.ordinal());
    h = mix(h, lastPrice);
    h = mix(h, volume);
    h = mix(h, tradeCount);
    h = mix(h, nextTradeId);
    h = mix(h, sqActive ? 1 : 0);
    h = mix(h, sqSide);
    h = mix(h, sqLow);
    h = mix(h, sqHigh);
    h = mix(h, sqNextStep);
    for (int s = BUY; s <= SELL; s++) {
      h = mix(h, 1000 + s);
      for (int o = mktHead[s]; o != NIL; o = ordI[1 + 8 * o]) h = mixOrder(h, o);
      int dir = s == BUY ? -1 : 1;
      for (int i = s == BUY ? levels - 1 : 0; i >= 0 && i < levels; i += dir) {
        for (int o = levelHead[s * levels + i]; o != NIL; o = ordI[1 + 8 * o]) h = mixOrder(h, o);
      }
    }
    return h;
  }

  private long mixOrder(long h, int o) {
    h = mix(h, ordL[0 + 4 * o]);
    h = mix(h, ordI[0 + 8 * o]);
    h = mix(h, ordI[5 + 8 * o]);
    h = mix(h, ordL[1 + 4 * o]);
    h = mix(h, ordL[2 + 4 * o]);
    return mix(h, ordL[3 + 4 * o]);
  }

  private static long mix(long h, long v) {
    h ^= v;
    h *= 0x100000001b3L;
    h ^= h >>> 29;
    return h * 0xbf58476d1ce4e5b9L;
  }

  /** The whole state as plain data, resting orders in priority order per side. */
  public BookSnapshot snapshot() {
    int n = index.size();
    long[] ids = new long[n];
    int[] parts = new int[n];
    byte[] sides = new byte[n];
    byte[] types = new byte[n];
    long[] prices = new long[n];
    long[] qtys = new long[n];
    long[] leaves = new long[n];
    int k = 0;
    for (int s = BUY; s <= SELL; s++) {
      for (int o = mktHead[s]; o != NIL; o = ordI[1 + 8 * o]) k = put(k, o, ids, parts, sides, types, prices, qtys, leaves);
      int dir = s == BUY ? -1 : 1;
      for (int i = s == BUY ? levels - 1 : 0; i >= 0 && i < levels; i += dir) {
        for (int o = levelHead[s * levels + i]; o != NIL; o = ordI[1 + 8 * o]) {
          k = put(k, o, ids, parts, sides, types, prices, qtys, leaves);
        }
      }
    }
    return new BookSnapshot(phase, lastPrice, volume, tradeCount, nextTradeId, sqActive, sqSide,
        sqLow, sqHigh, sqNextStep, ids, parts, sides, types, prices, qtys, leaves);
  }

  private int put(int k, int o, long[] ids, int[] parts, byte[] sides, byte[] types, long[] prices,
      long[] qtys, long[] leaves) {
    ids[k] = ordL[0 + 4 * o];
    parts[k] = ordI[0 + 8 * o];
    sides[k] = (byte) ordI[4 + 8 * o];
    types[k] = (byte) ordI[5 + 8 * o];
    prices[k] = ordL[1 + 4 * o];
    qtys[k] = ordL[2 + 4 * o];
    leaves[k] = ordL[3 + 4 * o];
    return k + 1;
  }

  /** Rebuilds a book from a snapshot taken under the same rules. */
  public static LimitOrderBook restore(BookRules rules, BookSnapshot snap) {
    LimitOrderBook b = new LimitOrderBook(rules, Math.max(1024, snap.orderIds().length));
    b.phase = snap.phase();
    b.lastPrice = snap.lastPrice();
    b.volume = snap.volume();
    b.tradeCount = snap.tradeCount();
    b.nextTradeId = snap.nextTradeId();
    b.sqActive = snap.specialQuote();
    b.sqSide = snap.specialQuoteSide();
    b.sqLow = snap.bandLow();
    b.sqHigh = snap.bandHigh();
    b.sqNextStep = snap.nextStep();
    for (int k = 0; k < snap.orderIds().length; k++) {
      b.insert(snap.orderIds()[k], snap.participants()[k], snap.sides()[k], snap.types()[k],
          snap.prices()[k], snap.quantities()[k], snap.leaves()[k]);
    }
    return b;
  }
}
