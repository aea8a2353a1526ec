package io.kabuto.matching;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deliberately simple model of the same rules as {@link LimitOrderBook}, written from the TSE
 * brief (/work/shared/brief/tse-rules.md) and the public javadoc, not from the book's code: one
 * {@link ArrayList} of orders per side kept in priority order (market orders first, then price,
 * then arrival), linear scans everywhere, an itayose that tries every grid price in the band and
 * sums the book for each. Tick sizes, daily limits and renewal intervals come from its own copies
 * of the brief's tables (only {@link BookRules}' plain fields are read), so a wrong table in the
 * main code shows up as a difference.
 *
 * <p>Slow and obvious on purpose. It is the oracle of {@code MatchingProperties}.
 *
 * <p>Where the book's documented behaviour departs from the brief, the reference follows the brief
 * unless a {@link Quirk} is switched on; the quirks reproduce the book's current behaviour so the
 * differential property can run green while the difference is reported.
 */
public final class ReferenceBook {

  /** Known departures of LimitOrderBook from the brief, reproduced on request. */
  public enum Quirk {
    /**
     * LimitOrderBook.place() does not attempt the itayose right after its own continuous match
     * showed a special quote (modify() does, and so does every later command). The brief: "orders
     * rest and an itayose within the band is attempted after each change".
     */
    PLACE_DEFERS_SQ_RESOLUTION,
    /**
     * The executable band of a continuous aggressor is fixed at the reference price from before
     * the order arrived, for the whole sweep. The brief: "when the next execution would jump more
     * than the renewal interval from the last price" (i.e. from the previous execution).
     */
    SWEEP_BAND_FROM_ARRIVAL
  }

  /**
   * How LimitOrderBook behaves today. Both quirks were fixed in the core (it now follows the
   * brief), so this is the empty set; the quirks stay available to replay the old behaviour.
   */
  public static final Set<Quirk> LIKE_CORE = Collections.unmodifiableSet(EnumSet.noneOf(Quirk.class));

  /** No quirk: the brief's rules. */
  public static final Set<Quirk> STRICT = Collections.unmodifiableSet(EnumSet.noneOf(Quirk.class));

  /** A trade: aggressor is null for an auction trade. */
  public record Trade(long buyId, long sellId, long price, long qty, Side aggressor) {
    @Override
    public String toString() {
      return "buy#" + buyId + " sell#" + sellId + " " + qty + "@" + Prices.format(price)
          + (aggressor == null ? " auction" : " aggr " + aggressor);
    }
  }

  /** Remaining quantity of an order leaving the book without trading. */
  public record Cancel(long orderId, long qty, CancelReason reason) implements Comparable<Cancel> {
    @Override
    public int compareTo(Cancel o) {
      int c = Long.compare(orderId, o.orderId);
      if (c != 0) return c;
      c = reason.compareTo(o.reason);
      return c != 0 ? c : Long.compare(qty, o.qty);
    }

    @Override
    public String toString() {
      return "#" + orderId + " " + qty + " " + reason;
    }
  }

  /** One live order. */
  public static final class Order {
    final long id;
    final int participant;
    final Side side;
    final OrderType type;
    long price; // 0 for market orders
    long qty; // total, filled quantity included
    long leaves;
    long seq; // arrival sequence: lower = earlier

    Order(long id, int participant, Side side, OrderType type, long price, long qty) {
      this.id = id;
      this.participant = participant;
      this.side = side;
      this.type = type;
      this.price = price;
      this.qty = qty;
      this.leaves = qty;
    }
  }

  // ------------------------------------------------------------------ the brief's tables (yen)

  private static final long[] TICK_UPTO = {1_000, 3_000, 5_000, 10_000, 30_000, 50_000, 100_000, 300_000};
  private static final long[] TICK_TOPIX500_TENTHS = {1, 5, 10, 10, 50, 100, 100, 500};
  private static final long[] TICK_OTHER_TENTHS = {10, 10, 50, 100, 100, 500, 1_000, 1_000};

  private static final long[] LIMIT_BASE_BELOW = {100, 200, 500, 700, 1_000, 1_500, 2_000, 3_000,
      5_000, 7_000, 10_000, 15_000, 20_000, 30_000, 50_000, 70_000, 100_000};
  private static final long[] LIMIT_WIDTH = {30, 50, 80, 100, 150, 300, 400, 500, 700, 1_000, 1_500,
      3_000, 4_000, 5_000, 7_000, 10_000, 15_000};

  private static final long[] RENEWAL_BELOW = {200, 500, 700, 1_000, 1_500, 2_000, 3_000, 5_000,
      7_000, 10_000, 15_000, 20_000, 30_000};
  private static final long[] RENEWAL = {5, 8, 10, 15, 30, 40, 50, 70, 100, 150, 300, 400, 500};

  /** Tick size in units (0.1 yen) for an order priced at {@code price} units. */
  static long tick(boolean topix500, long price) {
    for (int i = 0; i < TICK_UPTO.length; i++) {
      if (price <= TICK_UPTO[i] * 10) return topix500 ? TICK_TOPIX500_TENTHS[i] : TICK_OTHER_TENTHS[i];
    }
    throw new IllegalArgumentException("the reference only knows ticks up to 300,000 yen");
  }

  /** Daily limit width in units for a base price in units. */
  static long limitWidth(long base) {
    for (int i = 0; i < LIMIT_BASE_BELOW.length; i++) {
      if (base < LIMIT_BASE_BELOW[i] * 10) return LIMIT_WIDTH[i] * 10;
    }
    throw new IllegalArgumentException("the reference only knows limits below 100,000 yen");
  }

  /** Special-quote renewal interval in units for a reference price in units. */
  static long renewal(long ref) {
    for (int i = 0; i < RENEWAL_BELOW.length; i++) {
      if (ref < RENEWAL_BELOW[i] * 10) return RENEWAL[i] * 10;
    }
    throw new IllegalArgumentException("the reference only knows renewal intervals below 30,000 yen");
  }

  // ------------------------------------------------------------------ state

  private final BookRules rules;
  private final boolean topix;
  private final Set<Quirk> quirks;
  private final long lower;
  private final long upper;

  private final List<Order> buys = new ArrayList<>();
  private final List<Order> sells = new ArrayList<>();
  private long seq;

  private Phase phase;
  private long lastPrice;
  private long volume;
  private long tradeCount;

  private boolean sqOn;
  private Side sqSide;
  private long sqLow;
  private long sqHigh;
  private long sqNextStep;

  // what the last command did
  private final List<Trade> trades = new ArrayList<>();
  private final List<Cancel> cancels = new ArrayList<>();

  public ReferenceBook(BookRules rules, Set<Quirk> quirks) {
    this.rules = rules;
    this.topix = rules.ticks() == TickTable.TOPIX500;
    this.quirks = quirks;
    long base = rules.basePrice();
    long width = limitWidth(base);
    this.lower = roundUpToGrid(Math.max(1, base - width));
    this.upper = roundDownToGrid(base + width);
    this.phase = rules.initialPhase();
  }

  public ReferenceBook(BookRules rules) {
    this(rules, LIKE_CORE);
  }

  boolean onGrid(long price) {
    return price > 0 && price % tick(topix, price) == 0;
  }

  private long roundUpToGrid(long price) {
    long p = Math.max(1, price);
    while (!onGrid(p)) p++;
    return p;
  }

  private long roundDownToGrid(long price) {
    long p = price;
    while (!onGrid(p)) p--;
    return p;
  }

  private long nextGrid(long price) {
    long p = price + 1;
    while (!onGrid(p)) p++;
    return p;
  }

  // ------------------------------------------------------------------ commands

  public Reject place(long time, long id, int participant, Side side, OrderType type, TimeInForce tif,
      long price, long qty, SelfTradePrevention stp) {
    startCommand();
    advanceClock(time);
    Reject r = validateNew(id, type, tif, price, qty);
    if (r != Reject.NONE) return r;
    Order o = new Order(id, participant, side, type, type == OrderType.MARKET ? 0 : price, qty);
    if (phase == Phase.CONTINUOUS && !sqOn) {
      matchIncoming(time, o, tif, stp);
      if (sqOn && !quirks.contains(Quirk.PLACE_DEFERS_SQ_RESOLUTION)) resolveSpecialQuote();
    } else if (tif != TimeInForce.DAY) {
      // a special quote is shown: nothing can execute at once
      cancels.add(new Cancel(id, qty,
          tif == TimeInForce.IOC ? CancelReason.IOC_REMAINDER : CancelReason.FOK_UNFILLED));
    } else {
      addToBook(o);
      if (sqOn) resolveSpecialQuote();
    }
    return Reject.NONE;
  }

  public Reject cancel(long time, long id, int participant) {
    startCommand();
    advanceClock(time);
    Order o = find(id);
    if (o == null) return Reject.UNKNOWN_ORDER;
    if (participant != LimitOrderBook.ANY_PARTICIPANT && o.participant != participant) {
      return Reject.NOT_OWNER;
    }
    removeFromBook(o);
    cancels.add(new Cancel(id, o.leaves, CancelReason.REQUESTED));
    if (sqOn) resolveSpecialQuote();
    return Reject.NONE;
  }

  public Reject modify(long time, long id, int participant, long newPrice, long newQty) {
    startCommand();
    advanceClock(time);
    Order o = find(id);
    if (o == null) return Reject.UNKNOWN_ORDER;
    if (participant != LimitOrderBook.ANY_PARTICIPANT && o.participant != participant) {
      return Reject.NOT_OWNER;
    }
    if (!phase.acceptsOrders()) return Reject.MARKET_CLOSED;
    if (o.type == OrderType.MARKET) {
      if (newPrice != 0) return Reject.MODIFY_NOT_ALLOWED;
    } else {
      Reject r = checkPrice(newPrice);
      if (r != Reject.NONE) return r;
    }
    Reject r = checkQty(newQty);
    if (r != Reject.NONE) return r;
    long filled = o.qty - o.leaves;
    if (newQty <= filled) return Reject.QUANTITY_BELOW_FILLED;
    if (newPrice == o.price && newQty == o.qty) return Reject.NO_CHANGE;
    if (o.type == OrderType.MARKET && newQty > o.qty) return Reject.MODIFY_NOT_ALLOWED;

    if (newPrice == o.price && newQty < o.qty) {
      // a reduction at the same price keeps the place in the queue
      o.qty = newQty;
      o.leaves = newQty - filled;
    } else {
      removeFromBook(o);
      o.price = newPrice;
      o.qty = newQty;
      o.leaves = newQty - filled;
      if (phase == Phase.CONTINUOUS && !sqOn) {
        matchIncoming(time, o, TimeInForce.DAY, SelfTradePrevention.NONE);
      } else {
        addToBook(o);
      }
    }
    if (sqOn) resolveSpecialQuote();
    return Reject.NONE;
  }

  public Reject setPhase(long time, Phase next) {
    startCommand();
    advanceClock(time);
    if (next == phase) return Reject.INVALID_PHASE_CHANGE;
    Phase prev = phase;
    sqOn = false;
    if (next == Phase.CONTINUOUS) {
      // opening, afternoon opening or resumption: itayose within 1x the renewal interval
      phase = Phase.CONTINUOUS;
      long ref = referencePrice();
      long lo = bandLow(ref, 1);
      long hi = bandHigh(ref, 1);
      Auction a = itayose(lo, hi);
      if (a.kind == Auction.BLOCKED_UP || a.kind == Auction.BLOCKED_DOWN) {
        showSpecialQuote(a.kind == Auction.BLOCKED_UP ? Side.BUY : Side.SELL, lo, hi,
            time + rules.specialQuoteStepMillis());
      } else {
        if (a.kind == Auction.TRADED) allocate(a.price, a.volume);
        cancelMarketOrders();
      }
    } else {
      if ((prev == Phase.CONTINUOUS || prev == Phase.PRE_CLOSE)
          && (next == Phase.BREAK || next == Phase.CLOSED)) {
        int n = prev == Phase.PRE_CLOSE ? rules.closingBandMultiplier() : 1;
        long ref = referencePrice();
        Auction a = itayose(bandLow(ref, n), bandHigh(ref, n));
        if (a.kind == Auction.TRADED) allocate(a.price, a.volume);
        cancelMarketOrders();
      }
      phase = next;
      if (next == Phase.CLOSED) {
        for (Order o : allOrders()) cancels.add(new Cancel(o.id, o.leaves, CancelReason.EXPIRED));
        buys.clear();
        sells.clear();
      }
    }
    return Reject.NONE;
  }

  public void onClock(long time) {
    startCommand();
    advanceClock(time);
  }

  // ------------------------------------------------------------------ validation

  private Reject validateNew(long id, OrderType type, TimeInForce tif, long price, long qty) {
    if (id <= 0) return Reject.INVALID_ORDER_ID;
    Reject r = checkQty(qty);
    if (r != Reject.NONE) return r;
    if (type == OrderType.LIMIT) {
      r = checkPrice(price);
      if (r != Reject.NONE) return r;
    } else if (price != 0) {
      return Reject.INVALID_PRICE;
    }
    if (!phase.acceptsOrders()) return Reject.MARKET_CLOSED;
    if (tif != TimeInForce.DAY && phase != Phase.CONTINUOUS) return Reject.TIF_NOT_ALLOWED;
    if (find(id) != null) return Reject.DUPLICATE_ORDER_ID;
    return Reject.NONE;
  }

  private Reject checkQty(long qty) {
    if (qty <= 0 || qty % rules.lotSize() != 0) return Reject.INVALID_QUANTITY;
    if (qty > rules.maxOrderQuantity()) return Reject.QUANTITY_TOO_LARGE;
    return Reject.NONE;
  }

  private Reject checkPrice(long price) {
    if (price <= 0) return Reject.INVALID_PRICE;
    if (!onGrid(price)) return Reject.OFF_TICK;
    if (price < lower || price > upper) return Reject.OUTSIDE_PRICE_LIMIT;
    return Reject.NONE;
  }

  // ------------------------------------------------------------------ continuous matching

  private boolean crosses(Order incoming, long restingPrice) {
    if (incoming.type == OrderType.MARKET) return true;
    return incoming.side == Side.BUY ? restingPrice <= incoming.price : restingPrice >= incoming.price;
  }

  /** Matches an incoming order (new or re-entering after a modify) against the other side. */
  private void matchIncoming(long time, Order in, TimeInForce tif, SelfTradePrevention stp) {
    List<Order> other = in.side == Side.BUY ? sells : buys;
    long arrivalRef = referencePrice();
    long last = arrivalRef;

    // plan first (FOK needs to know the outcome before anything happens)
    List<Order> planOrders = new ArrayList<>();
    List<Long> planFills = new ArrayList<>(); // fill quantity, or -1 for a self-trade cancel
    long remaining = in.leaves;
    boolean bandStop = false;
    boolean selfStop = false;
    long blockedAt = 0;
    long lo = bandLow(arrivalRef, 1);
    long hi = bandHigh(arrivalRef, 1);
    for (Order o : other) {
      if (remaining == 0) break;
      if (o.type == OrderType.MARKET) {
        throw new IllegalStateException("a market order #" + o.id + " rests during continuous matching");
      }
      if (!crosses(in, o.price)) break;
      if (!quirks.contains(Quirk.SWEEP_BAND_FROM_ARRIVAL)) {
        lo = bandLow(last, 1);
        hi = bandHigh(last, 1);
      }
      if (o.price < lo || o.price > hi) {
        bandStop = true;
        blockedAt = o.price;
        break;
      }
      if (stp != SelfTradePrevention.NONE && o.participant == in.participant) {
        if (stp == SelfTradePrevention.CANCEL_RESTING) {
          planOrders.add(o);
          planFills.add(-1L);
          continue;
        }
        selfStop = true;
        break;
      }
      long f = Math.min(remaining, o.leaves);
      planOrders.add(o);
      planFills.add(f);
      remaining -= f;
      last = o.price;
    }

    if (tif == TimeInForce.FOK && remaining > 0) {
      cancels.add(new Cancel(in.id, in.leaves, CancelReason.FOK_UNFILLED));
      return;
    }
    for (int k = 0; k < planOrders.size(); k++) {
      Order o = planOrders.get(k);
      long f = planFills.get(k);
      if (f < 0) {
        removeFromBook(o);
        cancels.add(new Cancel(o.id, o.leaves, CancelReason.SELF_TRADE));
      } else {
        Order buy = in.side == Side.BUY ? in : o;
        Order sell = in.side == Side.BUY ? o : in;
        trade(buy, sell, o.price, f, in.side);
      }
    }
    if (in.leaves == 0) return;
    if (selfStop) {
      cancels.add(new Cancel(in.id, in.leaves, CancelReason.SELF_TRADE));
    } else if (tif == TimeInForce.IOC) {
      cancels.add(new Cancel(in.id, in.leaves, CancelReason.IOC_REMAINDER));
    } else if (bandStop) {
      addToBook(in);
      showSpecialQuote(blockedAt > hi ? Side.BUY : Side.SELL, lo, hi,
          time + rules.specialQuoteStepMillis());
    } else if (in.type == OrderType.MARKET) {
      cancels.add(new Cancel(in.id, in.leaves, CancelReason.NO_LIQUIDITY));
    } else {
      addToBook(in);
    }
  }

  private void trade(Order buy, Order sell, long price, long qty, Side aggressor) {
    trades.add(new Trade(buy.id, sell.id, price, qty, aggressor));
    buy.leaves -= qty;
    sell.leaves -= qty;
    if (buy.leaves < 0 || sell.leaves < 0) throw new IllegalStateException("overfill");
    if (buy.leaves == 0) buys.remove(buy); // no-op for an incoming order
    if (sell.leaves == 0) sells.remove(sell);
    lastPrice = price;
    volume += qty;
    tradeCount++;
  }

  // ------------------------------------------------------------------ special quotes

  public long referencePrice() {
    return lastPrice > 0 ? lastPrice : rules.basePrice();
  }

  private long bandLow(long ref, int n) {
    if (!rules.specialQuotes()) return lower;
    long edge = ref - renewal(ref) * n;
    return edge <= lower ? lower : roundUpToGrid(edge);
  }

  private long bandHigh(long ref, int n) {
    if (!rules.specialQuotes()) return upper;
    long edge = ref + renewal(ref) * n;
    return edge >= upper ? upper : roundDownToGrid(edge);
  }

  private void showSpecialQuote(Side pressure, long lo, long hi, long nextStep) {
    sqOn = true;
    sqSide = pressure;
    sqLow = lo;
    sqHigh = hi;
    sqNextStep = nextStep;
  }

  /** While a special quote is shown: trade by itayose within the band if the orders balance. */
  private void resolveSpecialQuote() {
    Auction a = itayose(sqLow, sqHigh);
    if (a.kind == Auction.TRADED || a.kind == Auction.NO_CROSS) {
      if (a.kind == Auction.TRADED) allocate(a.price, a.volume);
      sqOn = false;
      cancelMarketOrders();
    } else {
      sqSide = a.kind == Auction.BLOCKED_UP ? Side.BUY : Side.SELL;
    }
  }

  /** Every specialQuoteStepMillis the band widens by one renewal interval on the pressure side. */
  private void advanceClock(long time) {
    while (sqOn && phase == Phase.CONTINUOUS && time >= sqNextStep) {
      long w = renewal(referencePrice());
      if (sqSide == Side.SELL) {
        long edge = sqLow - w;
        sqLow = edge <= lower ? lower : roundUpToGrid(edge);
      } else {
        long edge = sqHigh + w;
        sqHigh = edge >= upper ? upper : roundDownToGrid(edge);
      }
      sqNextStep += rules.specialQuoteStepMillis();
      resolveSpecialQuote();
    }
  }

  // ------------------------------------------------------------------ itayose

  /** The outcome of an itayose decision. */
  private record Auction(int kind, long price, long volume) {
    static final int TRADED = 0;
    static final int NO_CROSS = 1;
    static final int BLOCKED_UP = 2;
    static final int BLOCKED_DOWN = 3;
  }

  private long marketQty(List<Order> side) {
    long q = 0;
    for (Order o : side) if (o.type == OrderType.MARKET) q += o.leaves;
    return q;
  }

  /** Limit quantity per price of one side (the book summed by price once per itayose). */
  private static TreeMap<Long, Long> levels(List<Order> side) {
    TreeMap<Long, Long> m = new TreeMap<>();
    for (Order o : side) if (o.type == OrderType.LIMIT) m.merge(o.price, o.leaves, Long::sum);
    return m;
  }

  private static long sum(Map<Long, Long> m) {
    long q = 0;
    for (long v : m.values()) q += v;
    return q;
  }

  // set by itayose() for buyQty/sellQty
  private long mktBuy;
  private long mktSell;
  private TreeMap<Long, Long> buyLevels;
  private TreeMap<Long, Long> sellLevels;

  /** Buy quantity that bids at or above p (strict: above p), market orders included. */
  private long buyQty(long p, boolean strictlyAbove) {
    return mktBuy + sum(buyLevels.tailMap(p, !strictlyAbove));
  }

  /** Sell quantity that offers at or below p (strict: below p), market orders included. */
  private long sellQty(long p, boolean strictlyBelow) {
    return mktSell + sum(sellLevels.headMap(p, !strictlyBelow));
  }

  private boolean bookCrosses() {
    if (buys.isEmpty() || sells.isEmpty()) return false;
    if (marketQty(buys) > 0 || marketQty(sells) > 0) return true;
    return buys.get(0).price >= sells.get(0).price;
  }

  /**
   * TSE itayose within [lo, hi]: a candidate price P must let (1) every market order, (2) every buy
   * above P and every sell below P execute, and (3) one side at P execute completely. Among them:
   * most volume, then least surplus, then lowest if all leave a sell surplus, highest if all leave
   * a buy surplus, else nearest the reference price (ties: the higher price).
   */
  private Auction itayose(long lo, long hi) {
    if (!bookCrosses()) return new Auction(Auction.NO_CROSS, 0, 0);
    mktBuy = marketQty(buys);
    mktSell = marketQty(sells);
    buyLevels = levels(buys);
    sellLevels = levels(sells);
    long from = roundUpToGrid(Math.max(lo, lower));
    long to = roundDownToGrid(Math.min(hi, upper));

    List<long[]> cands = new ArrayList<>(); // {price, volume, demand, supply}
    for (long p = from; p <= to; p = nextGrid(p)) {
      long demand = buyQty(p, false);
      long supply = sellQty(p, false);
      long volumeAtP = Math.min(demand, supply);
      boolean c1 = mktBuy <= volumeAtP && mktSell <= volumeAtP;
      boolean c2 = buyQty(p, true) <= volumeAtP && sellQty(p, true) <= volumeAtP;
      boolean c3 = volumeAtP == demand || volumeAtP == supply;
      if (c1 && c2 && c3 && volumeAtP > 0) cands.add(new long[] {p, volumeAtP, demand, supply});
    }
    if (cands.isEmpty()) {
      if (buyQty(to, true) > sellQty(to, false)) return new Auction(Auction.BLOCKED_UP, 0, 0);
      if (sellQty(from, true) > buyQty(from, false)) return new Auction(Auction.BLOCKED_DOWN, 0, 0);
      return new Auction(Auction.NO_CROSS, 0, 0);
    }
    long maxVol = 0;
    for (long[] c : cands) maxVol = Math.max(maxVol, c[1]);
    List<long[]> best = new ArrayList<>();
    for (long[] c : cands) if (c[1] == maxVol) best.add(c);
    long minSurplus = Long.MAX_VALUE;
    for (long[] c : best) minSurplus = Math.min(minSurplus, Math.abs(c[2] - c[3]));
    List<long[]> tied = new ArrayList<>();
    for (long[] c : best) if (Math.abs(c[2] - c[3]) == minSurplus) tied.add(c);

    boolean allSellSurplus = true;
    boolean allBuySurplus = true;
    for (long[] c : tied) {
      if (!(c[3] > c[2])) allSellSurplus = false;
      if (!(c[2] > c[3])) allBuySurplus = false;
    }
    long price;
    if (allSellSurplus) {
      price = tied.get(0)[0];
    } else if (allBuySurplus) {
      price = tied.get(tied.size() - 1)[0];
    } else {
      long ref = referencePrice();
      price = -1;
      long bestDist = Long.MAX_VALUE;
      for (long[] c : tied) {
        long d = Math.abs(c[0] - ref);
        if (d < bestDist || (d == bestDist && c[0] > price)) {
          bestDist = d;
          price = c[0];
        }
      }
    }
    return new Auction(Auction.TRADED, price, maxVol);
  }

  /** Pairs buys and sells in priority order (market, price, time) at one price. */
  private void allocate(long price, long qty) {
    List<Order> b = new ArrayList<>(buys);
    List<Order> s = new ArrayList<>(sells);
    int bi = 0;
    int si = 0;
    long left = qty;
    while (left > 0) {
      Order buy = b.get(bi);
      Order sell = s.get(si);
      long f = Math.min(left, Math.min(buy.leaves, sell.leaves));
      trade(buy, sell, price, f, null);
      left -= f;
      if (buy.leaves == 0) bi++;
      if (sell.leaves == 0) si++;
    }
  }

  private void cancelMarketOrders() {
    for (Order o : allOrders()) {
      if (o.type == OrderType.MARKET) {
        removeFromBook(o);
        cancels.add(new Cancel(o.id, o.leaves, CancelReason.AUCTION_UNFILLED));
      }
    }
  }

  // ------------------------------------------------------------------ the lists

  /** True if a ranks before b on the same side. */
  private static boolean ranksBefore(Order a, Order b) {
    if (a.type != b.type) return a.type == OrderType.MARKET;
    if (a.type == OrderType.LIMIT && a.price != b.price) {
      return a.side == Side.BUY ? a.price > b.price : a.price < b.price;
    }
    return a.seq < b.seq;
  }

  private void addToBook(Order o) {
    o.seq = ++seq;
    List<Order> side = o.side == Side.BUY ? buys : sells;
    int pos = 0;
    while (pos < side.size() && ranksBefore(side.get(pos), o)) pos++;
    side.add(pos, o);
  }

  private void removeFromBook(Order o) {
    (o.side == Side.BUY ? buys : sells).remove(o);
  }

  private Order find(long id) {
    for (Order o : buys) if (o.id == id) return o;
    for (Order o : sells) if (o.id == id) return o;
    return null;
  }

  private List<Order> allOrders() {
    List<Order> all = new ArrayList<>(buys);
    all.addAll(sells);
    return all;
  }

  private void startCommand() {
    trades.clear();
    cancels.clear();
  }

  // ------------------------------------------------------------------ queries

  /** Trades of the last command, in order. */
  public List<Trade> trades() {
    return trades;
  }

  /** Cancels of the last command, in the order they happened. */
  public List<Cancel> cancels() {
    return cancels;
  }

  public long lot() {
    return rules.lotSize();
  }

  public Phase phase() {
    return phase;
  }

  public long lastPrice() {
    return lastPrice;
  }

  public long volume() {
    return volume;
  }

  public long tradeCount() {
    return tradeCount;
  }

  public long lowerLimit() {
    return lower;
  }

  public long upperLimit() {
    return upper;
  }

  public boolean specialQuoteShown() {
    return sqOn;
  }

  public Side specialQuoteSide() {
    return sqOn ? sqSide : null;
  }

  public long specialQuotePrice() {
    return !sqOn ? 0 : sqSide == Side.BUY ? sqHigh : sqLow;
  }

  public long specialQuoteLow() {
    return sqOn ? sqLow : 0;
  }

  public long specialQuoteHigh() {
    return sqOn ? sqHigh : 0;
  }

  public long specialQuoteNextStep() {
    return sqOn ? sqNextStep : 0;
  }

  public long bestBid() {
    for (Order o : buys) if (o.type == OrderType.LIMIT) return o.price;
    return 0;
  }

  public long bestAsk() {
    for (Order o : sells) if (o.type == OrderType.LIMIT) return o.price;
    return 0;
  }

  public long marketQuantity(Side side) {
    return marketQty(side == Side.BUY ? buys : sells);
  }

  public int orderCount() {
    return buys.size() + sells.size();
  }

  /** Limit levels of a side, best first: {price, quantity}. */
  public List<long[]> depth(Side side) {
    List<long[]> levels = new ArrayList<>();
    for (Order o : side == Side.BUY ? buys : sells) {
      if (o.type == OrderType.MARKET) continue;
      if (!levels.isEmpty() && levels.get(levels.size() - 1)[0] == o.price) {
        levels.get(levels.size() - 1)[1] += o.leaves;
      } else {
        levels.add(new long[] {o.price, o.leaves});
      }
    }
    return levels;
  }

  /** Ids of the live orders in priority order: buy side, then sell side (as BookSnapshot). */
  public List<Long> idsInPriorityOrder() {
    List<Long> ids = new ArrayList<>();
    for (Order o : allOrders()) ids.add(o.id);
    return ids;
  }

  /** The live orders in priority order, buy side then sell side: {id, participant, price, qty, leaves}. */
  public List<long[]> ordersInPriorityOrder() {
    List<long[]> rows = new ArrayList<>();
    for (Order o : allOrders()) rows.add(new long[] {o.id, o.participant, o.price, o.qty, o.leaves});
    return rows;
  }

  public boolean isLive(long id) {
    return find(id) != null;
  }

  public long leavesOf(long id) {
    Order o = find(id);
    return o == null ? 0 : o.leaves;
  }

  /** Total quantity of a live order (filled included), or 0. */
  public long qtyOf(long id) {
    Order o = find(id);
    return o == null ? 0 : o.qty;
  }

  public long priceOf(long id) {
    Order o = find(id);
    return o == null ? -1 : o.price;
  }

  public int ownerOf(long id) {
    Order o = find(id);
    return o == null ? -1 : o.participant;
  }

  public OrderType typeOf(long id) {
    Order o = find(id);
    return o == null ? null : o.type;
  }

  public Side sideOf(long id) {
    Order o = find(id);
    return o == null ? null : o.side;
  }
}
