package io.kabuto.matching;

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
 * <p>This class holds the commands, continuous matching, the apply step and the book's counters.
 * The resting orders and price levels are {@link OrderStore} (a superclass, so the hot path reads
 * them as its own fields; their queries are part of this class's API), the itayose and special
 * quotes are {@link Auctions}, the digest and snapshots {@link BookImage}.
 *
 * <p>Hot path: price levels are dense arrays indexed by price (the daily limits bound the range),
 * orders are 64-byte records in one primitive array, linked per level, and an open-addressing
 * map finds them by id; nothing is allocated per order once the arrays have grown to the working
 * set.
 *
 * <p>Not thread-safe: one book belongs to one actor.
 */
public final class LimitOrderBook extends OrderStore {
  /** Participant value that bypasses the ownership check (operators, the kill switch). */
  public static final int ANY_PARTICIPANT = -1;

  final BookRules rules;
  private final long lotSize;
  private final long maxQty;
  private final Auctions auctions;

  // book state (package-private for Auctions and BookImage; changed only by apply and restore)
  Phase phase;
  long lastPrice;
  long volume;
  long tradeCount;
  long nextTradeId = 1;
  boolean sqActive;
  int sqSide = NO_SIDE;
  long sqLow;
  long sqHigh;
  long sqNextStep;

  public LimitOrderBook(BookRules rules) {
    this(rules, 1024);
  }

  public LimitOrderBook(BookRules rules, int expectedOrders) {
    super(rules, expectedOrders);
    this.rules = rules;
    this.lotSize = rules.lotSize();
    this.maxQty = rules.maxOrderQuantity();
    this.auctions = new Auctions(this);
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
      // A DAY limit order short of the opposite best (most new orders): emit RESTED and insert it
      // directly (the state change applying the events would make), no re-read of the buffer
      if (type == OrderType.LIMIT && tif == TimeInForce.DAY && !reaches(s, price)) {
        rest(out, time, orderId, participant, s, LIMIT, price, qty, qty);
        insert(orderId, participant, s, LIMIT, price, qty, qty);
        return Reject.NONE;
      }
      offBookId = orderId;
      // without self-trade prevention the sweep applies its trades as it goes (nothing else is
      // interleaved with them); ACCEPTED changes nothing, so only the tail is left to apply
      int pending = matchAggressor(time, orderId, participant, s, type.ordinal(), tif.ordinal(), price,
          qty, qty, stp, stp == SelfTradePrevention.NONE, NIL, out);
      applyFrom(pending, out);
      // a blocked sweep shows a special quote; the orders may already balance inside the band
      if (sqActive) auctions.resolveSpecialQuote(time, out);
    } else if (tif != TimeInForce.DAY) {
      // special quote shown: nothing executes "at once"
      out.add(EventType.CANCELLED, time, 0, orderId, 0, participant, 0, s, type.ordinal(), 0, price,
          0, qty, qty, 0,
          (tif == TimeInForce.IOC ? CancelReason.IOC_REMAINDER : CancelReason.FOK_UNFILLED).ordinal(), 0);
      applyFrom(from, out);
    } else {
      rest(out, time, orderId, participant, s, type.ordinal(), price, qty, qty);
      applyFrom(from, out);
      if (sqActive) auctions.resolveSpecialQuote(time, out);
    }
    return Reject.NONE;
  }

  /** Cancels the remaining quantity of a live order. */
  public Reject cancel(long time, long orderId, int participant, BookEvents out) {
    advanceClock(time, out);
    int o = index.get(orderId);
    if (o < 0) return Reject.UNKNOWN_ORDER;
    if (participant != ANY_PARTICIPANT && partOf(o) != participant) return Reject.NOT_OWNER;
    // the CANCELLED event's state change, made directly (no order is detached between commands)
    cancelEvent(out, time, o, CancelReason.REQUESTED);
    remove(o);
    if (sqActive) auctions.resolveSpecialQuote(time, out);
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
    if (participant != ANY_PARTICIPANT && partOf(o) != participant) return Reject.NOT_OWNER;
    if (!phase.acceptsOrders()) return Reject.MARKET_CLOSED;
    int type = typeOf(o);
    if (type == MARKET) {
      if (newPrice != 0) return Reject.MODIFY_NOT_ALLOWED;
    } else {
      Reject pr = validatePrice(newPrice);
      if (pr != Reject.NONE) return pr;
    }
    Reject qr = validateQty(newQty);
    if (qr != Reject.NONE) return qr;
    long filled = ord[2 + 8 * o] - ord[3 + 8 * o];
    if (newQty <= filled) return Reject.QUANTITY_BELOW_FILLED;
    if (newPrice == ord[1 + 8 * o] && newQty == ord[2 + 8 * o]) return Reject.NO_CHANGE;
    if (type == MARKET && newQty > ord[2 + 8 * o]) return Reject.MODIFY_NOT_ALLOWED;
    boolean keeps = newPrice == ord[1 + 8 * o] && newQty < ord[2 + 8 * o];
    long newLeaves = newQty - filled;
    int s = sideOf(o);
    long id = ord[0 + 8 * o];
    int part = partOf(o);
    int from = out.size();
    hintId = id;
    hintSlot = o;
    out.add(EventType.REPLACED, time, 0, id, 0, part, 0, s, type, DAY, newPrice, 0, newQty,
        newLeaves, 0, keeps ? 1 : 0, 0);
    // A reprice that does not reach the opposite side (82% of a typical stream): emit REPLACED + RESTED and apply
    // them directly (the same state change applyFrom would make), no buffer re-read, no lookups
    if (!keeps && type == LIMIT && phase == Phase.CONTINUOUS && !sqActive) {
      if (!reaches(s, newPrice)) {
        rest(out, time, id, part, s, type, newPrice, newQty, newLeaves);
        unlink(o);
        ord[1 + 8 * o] = newPrice;
        ord[2 + 8 * o] = newQty;
        ord[3 + 8 * o] = newLeaves;
        link(o, s, type, newPrice, newLeaves);
        hintId = Long.MIN_VALUE;
        return Reject.NONE;
      }
    }
    if (keeps) {
      applyFrom(from, out);
    } else if (phase == Phase.CONTINUOUS && !sqActive) {
      sweepReplaced(time, o, id, part, s, type, newPrice, newQty, newLeaves, out);
    } else {
      rest(out, time, id, part, s, type, newPrice, newQty, newLeaves);
      applyFrom(from, out);
    }
    if (sqActive) auctions.resolveSpecialQuote(time, out);
    return Reject.NONE;
  }

  /**
   * A repriced or increased order that reaches the other side: REPLACED's change first, as
   * applying it would make it (off its level, detached until its remainder rests), then the sweep
   * applies its trades, the order's own fills included. Kept out of {@link #modify} so that the
   * common reprice stays a small method.
   */
  private void sweepReplaced(long time, int o, long id, int part, int s, int type, long newPrice,
      long newQty, long newLeaves, BookEvents out) {
    unlink(o);
    ord[1 + 8 * o] = newPrice;
    ord[2 + 8 * o] = newQty;
    ord[3 + 8 * o] = newLeaves;
    detached = o;
    int pending = matchAggressor(time, id, part, s, type, DAY, newPrice, newQty, newLeaves,
        SelfTradePrevention.NONE, true, o, out);
    applyFrom(pending, out);
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
    if (sqActive) auctions.withdrawSpecialQuote(out, time);
    applyFrom(from, out);
    if (next == Phase.CONTINUOUS) {
      from = out.size();
      out.add(EventType.PHASE, time, 0, 0, 0, 0, 0, NO_SIDE, 0, 0, 0, 0, 0, 0, 0, next.ordinal(), 0);
      applyFrom(from, out);
      auctions.runAuction(time, 1, true, out);
    } else {
      if ((prev == Phase.CONTINUOUS || prev == Phase.PRE_CLOSE)
          && (next == Phase.BREAK || next == Phase.CLOSED)) {
        auctions.runAuction(time, prev == Phase.PRE_CLOSE ? rules.closingBandMultiplier() : 1, false, out);
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
    if (orderId <= maxId && index.get(orderId) >= 0) return Reject.DUPLICATE_ORDER_ID;
    return Reject.NONE;
  }

  private Reject validateQty(long qty) {
    if (qty <= 0 || (lotSize != 1 && qty % lotSize != 0)) return Reject.INVALID_QUANTITY;
    if (qty > maxQty) return Reject.QUANTITY_TOO_LARGE;
    return Reject.NONE;
  }

  private Reject validatePrice(long price) {
    // a price inside the limits on a level of the grid (every valid order): one table read
    if (price >= lower && price <= upper) {
      int i = priceIndex(price);
      if (lower + i * step == price && onGrid[i]) return Reject.NONE;
    }
    if (price <= 0) return Reject.INVALID_PRICE;
    if (!ticks.onGrid(price)) return Reject.OFF_TICK;
    if (price < lower || price > upper) return Reject.OUTSIDE_PRICE_LIMIT;
    return Reject.NONE;
  }

  // ---------------------------------------------------------------- continuous matching (decide)

  /**
   * Decides how an aggressor (a new order, or a repriced one) trades and what becomes of its
   * remainder. With {@code applyNow} (no self-trade prevention, so nothing is interleaved with the
   * trades) each TRADE's change to the maker, to the aggressor if it is a detached resting order
   * ({@code aggressorSlot}, else NIL) and to the counters is made at once, in the order applying
   * the event would make it; otherwise the makers' slots are noted for the apply step. Returns the
   * index of the first event written here that is still to be applied.
   */
  private int matchAggressor(long time, long id, int part, int side, int type, int tif, long limit,
      long total, long leaves, SelfTradePrevention stp, boolean applyNow, int aggressorSlot,
      BookEvents out) {
    int pending = out.size();
    // A DAY limit order that does not reach the opposite best rests at once (no band to compute)
    if (type == LIMIT && tif == DAY && !reaches(side, limit)) {
      rest(out, time, id, part, side, type, limit, total, leaves);
      return pending;
    }
    // The band follows the executions of this sweep: each trade may be at most one renewal
    // interval from the previous one (TSE: "from the last price").
    long ref = referencePrice();
    long lo = bandLowAt(ref, 1);
    long hi = bandHighAt(ref, 1);
    if (tif == TimeInForce.FOK.ordinal() && !fillable(part, side, type, limit, leaves, stp, ref)) {
      out.add(EventType.CANCELLED, time, 0, id, 0, part, 0, side, type, tif, limit, 0, total, leaves,
          0, CancelReason.FOK_UNFILLED.ordinal(), 0);
      return pending;
    }
    int opp = 1 - side;
    int base = opp * levels;
    long remaining = leaves;
    makerCount = 0;
    makerNext = 0;
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
      int next;
      for (int o = levelHead[base + i]; o != NIL && remaining > 0; o = next) {
        next = nextOf(o); // before a fill that removes o recycles its slot
        if (stp != SelfTradePrevention.NONE && partOf(o) == part) {
          if (stp == SelfTradePrevention.CANCEL_RESTING) {
            cancelEvent(out, time, o, CancelReason.SELF_TRADE);
            continue;
          }
          selfStop = true;
          break outer;
        }
        tradedHere = true;
        long f = Math.min(remaining, ord[3 + 8 * o]);
        remaining -= f;
        long makerLeft = ord[3 + 8 * o] - f;
        if (side == BUY) {
          out.add(EventType.TRADE, time, tid++, id, ord[0 + 8 * o], part, partOf(o), side, 0, 0, p, 0, f,
              remaining, makerLeft, 0, 0);
        } else {
          out.add(EventType.TRADE, time, tid++, ord[0 + 8 * o], id, partOf(o), part, side, 0, 0, p, 0, f,
              makerLeft, remaining, 0, 0);
        }
        if (applyNow) {
          // buy order first, as the event's apply does
          if (side == BUY && aggressorSlot != NIL) reduceSlot(aggressorSlot, f);
          reduceSlot(o, f);
          if (side == SELL && aggressorSlot != NIL) reduceSlot(aggressorSlot, f);
          lastPrice = p;
          volume += f;
          tradeCount++;
          nextTradeId = tid;
        } else {
          noteMaker(o);
        }
      }
      if (tradedHere && ref != p) {
        ref = p;
        lo = bandLowAt(ref, 1);
        hi = bandHighAt(ref, 1);
      }
    }
    if (applyNow) pending = out.size();
    if (remaining == 0) return pending;
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
    return pending;
  }

  /** Whether a limit order of this side at this price reaches the opposite best (could trade). */
  private boolean reaches(int side, long limit) {
    int ob = side == BUY ? bestAsk : bestBid;
    return ob != NIL && (side == BUY ? lower + ob * step <= limit : lower + ob * step >= limit);
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
        for (int o = levelHead[base + i]; o != NIL; o = nextOf(o)) {
          if (partOf(o) == part) {
            if (stp == SelfTradePrevention.CANCEL_AGGRESSOR) return false;
            continue;
          }
          need -= ord[3 + 8 * o];
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

  // ---------------------------------------------------------------- executable band

  /** Lower edge of the executable band: reference minus n renewal intervals, on the grid. */
  long bandLow(int n) {
    return bandLowAt(referencePrice(), n);
  }

  long bandLowAt(long ref, int n) {
    if (!rules.specialQuotes()) return lower;
    long edge = ref - PriceLimits.renewalInterval(ref) * n;
    return edge <= lower ? lower : ticks.roundUp(edge);
  }

  /** Upper edge of the executable band: reference plus n renewal intervals, on the grid. */
  long bandHigh(int n) {
    return bandHighAt(referencePrice(), n);
  }

  long bandHighAt(long ref, int n) {
    if (!rules.specialQuotes()) return upper;
    long edge = ref + PriceLimits.renewalInterval(ref) * n;
    return edge >= upper ? upper : ticks.roundDown(edge);
  }

  private void advanceClock(long time, BookEvents out) {
    while (sqActive && phase == Phase.CONTINUOUS && time >= sqNextStep) auctions.stepSpecialQuote(time, out);
  }

  private void expireAll(BookEvents out, long time) {
    for (int s = BUY; s <= SELL; s++) {
      for (int o = mktHead[s]; o != NIL; o = nextOf(o)) cancelEvent(out, time, o, CancelReason.EXPIRED);
      for (int i = 0; i < levels; i++) {
        for (int o = levelHead[s * levels + i]; o != NIL; o = nextOf(o)) {
          cancelEvent(out, time, o, CancelReason.EXPIRED);
        }
      }
    }
  }

  // ---------------------------------------------------------------- apply (the only mutation)

  void applyFrom(int from, BookEvents ev) {
    for (int i = from; i < ev.size(); i++) applyOne(ev, i);
    hintId = Long.MIN_VALUE;
    offBookId = Long.MIN_VALUE;
    makerCount = 0;
    makerNext = 0;
  }

  private static final int T_ACCEPTED = EventType.ACCEPTED.ordinal();
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
        long delta = ord[3 + 8 * o] - ev.leaves(i);
        ord[2 + 8 * o] = ev.qty(i);
        ord[3 + 8 * o] = ev.leaves(i);
        if (typeOf(o) == MARKET) mktQty[sideOf(o)] -= delta;
        else levelQty[sideOf(o) * levels + priceIndex(ord[1 + 8 * o])] -= delta;
      } else {
        unlink(o);
        ord[1 + 8 * o] = ev.price(i);
        ord[2 + 8 * o] = ev.qty(i);
        ord[3 + 8 * o] = ev.leaves(i);
        detached = o;
      }
    } else if (t == T_RESTED) {
      long id = ev.orderId(i);
      if (id == offBookId) offBookId = Long.MIN_VALUE; // on the book from now on
      if (detached != NIL && ord[0 + 8 * detached] == id) {
        int o = detached;
        detached = NIL;
        ord[1 + 8 * o] = ev.price(i);
        ord[2 + 8 * o] = ev.qty(i);
        ord[3 + 8 * o] = ev.leaves(i);
        link(o, ev.sideOrdinal(i), typeOf(o), ev.price(i), ev.leaves(i));
      } else {
        insert(id, ev.participant(i), ev.sideOrdinal(i), ev.orderTypeOrdinal(i),
            ev.price(i), ev.qty(i), ev.leaves(i));
      }
    } else if (t == T_TRADE) {
      long q = ev.qty(i);
      if (makerNext < makerCount) {
        // continuous: the maker's slot was noted while deciding (checked against its id)
        int m = makerSlots[makerNext++];
        int aggressor = ev.sideOrdinal(i);
        long buyId = ev.orderId(i);
        long sellId = ev.otherOrderId(i);
        if (aggressor == BUY && ord[0 + 8 * m] == sellId) {
          reduce(buyId, q);
          reduceSlot(m, q);
        } else if (aggressor == SELL && ord[0 + 8 * m] == buyId) {
          reduceSlot(m, q);
          reduce(sellId, q);
        } else {
          reduce(buyId, q);
          reduce(sellId, q);
        }
      } else {
        reduce(ev.orderId(i), q);
        reduce(ev.otherOrderId(i), q);
      }
      lastPrice = ev.price(i);
      volume += ev.qty(i);
      tradeCount++;
      nextTradeId = ev.tradeId(i) + 1;
    } else if (t == T_CANCELLED) {
      long cid = ev.orderId(i);
      int o = hintId == cid ? hintSlot : cid == offBookId ? NIL : index.get(cid);
      if (o >= 0) {
        if (o == detached) {
          detached = NIL;
          release(o);
        } else {
          remove(o);
        }
      }
    } else if (t != T_ACCEPTED) { // ACCEPTED changes nothing: the order is not on the book yet
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

  public long volume() {
    return volume;
  }

  public long tradeCount() {
    return tradeCount;
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

  // ---------------------------------------------------------------- hash and snapshot

  /**
   * A 64-bit digest of everything that determines future behaviour: phase, prices, counters,
   * special quote and every resting order in priority order. Equal books have equal hashes;
   * replicas and replays compare it.
   */
  public long stateHash() {
    return BookImage.stateHash(this);
  }

  /** The whole state as plain data, resting orders in priority order per side. */
  public BookSnapshot snapshot() {
    return BookImage.snapshot(this);
  }

  /** Rebuilds a book from a snapshot taken under the same rules. */
  public static LimitOrderBook restore(BookRules rules, BookSnapshot snap) {
    return BookImage.restore(rules, snap);
  }
}
