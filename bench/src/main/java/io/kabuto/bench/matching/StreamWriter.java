package io.kabuto.bench.matching;

import static io.kabuto.bench.matching.OrderStream.BUY;
import static io.kabuto.bench.matching.OrderStream.TICK;

import io.kabuto.matching.BookEvents;
import io.kabuto.matching.CancelReason;
import io.kabuto.matching.EventType;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Prices;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Writes one shape's stream. To aim cancels and modifies at orders that are really live (not
 * already filled), and stale duplicates at orders really gone, it replays every message through a
 * private {@link LimitOrderBook} as it writes it; that happens once, before any measurement, and
 * the engines do not share that book. A subclass chooses the messages ({@link #message}); this
 * class writes them, follows the book and keeps the shape statistics.
 */
abstract class StreamWriter {
  private static final int GONE_RING = 256;

  final OrderStream s;
  final SplittableRandom rnd;
  final LimitOrderBook book = new LimitOrderBook(OrderStream.rules(), 4096);
  private final BookEvents ev = new BookEvents(256);
  final long lower = book.lowerLimit();
  final long upper = book.upperLimit();
  // live orders: dense list of ids, position of each id in it (ids are 1..places)
  private long[] live = new long[4096];
  int liveCount;
  private final int[] livePos;
  private final boolean[] everRested;
  // per order id, as the writer last set it
  final long[] oPrice;
  final long[] oQty;
  final byte[] oSide;
  final int[] oUid;
  // orders recently cancelled on request: targets of stale duplicates
  private final long[] gone = new long[GONE_RING];
  private int goneCount;
  private long nextId = 1;
  long fair = Prices.yen(2000);

  StreamWriter(OrderStream s) {
    this.s = s;
    this.rnd = new SplittableRandom(s.seed);
    int maxIds = s.size + 2;
    livePos = new int[maxIds];
    Arrays.fill(livePos, -1);
    everRested = new boolean[maxIds];
    oPrice = new long[maxIds];
    oQty = new long[maxIds];
    oSide = new byte[maxIds];
    oUid = new int[maxIds];
  }

  /** Chooses and writes message {@code i} through the methods below. */
  abstract void message(int i);

  final void run() {
    for (int i = 0; i < s.size; i++) {
      message(i);
      s.restingSum += liveCount;
      s.fairMin = Math.min(s.fairMin, fair);
      s.fairMax = Math.max(s.fairMax, fair);
    }
  }

  // ---------------------------------------------------------------- messages

  /** A new order (GTC or IOC limit, or market: price ignored); returns its id. */
  final long place(int i, byte t, int sd, long px, long q, int u) {
    long id = nextId++;
    boolean market = t == OrderStream.PLACE_MARKET;
    if (market) px = 0;
    write(i, t, id, sd, px, q, u);
    oPrice[(int) id] = px;
    oQty[(int) id] = q;
    oSide[(int) id] = (byte) sd;
    oUid[(int) id] = u;
    ev.clear();
    Reject r = book.place(i, id, u, sd == BUY ? Side.BUY : Side.SELL, market ? OrderType.MARKET : OrderType.LIMIT,
        t == OrderStream.PLACE_GTC ? TimeInForce.DAY : TimeInForce.IOC, px, q, SelfTradePrevention.NONE, ev);
    check(r, Reject.NONE, i);
    track();
    return id;
  }

  final void cancel(int i, long id) {
    int o = (int) id;
    write(i, OrderStream.CANCEL, id, oSide[o], 0, 0, oUid[o]);
    ev.clear();
    check(book.cancel(i, id, oUid[o], ev), Reject.NONE, i);
    track();
    gone[goneCount++ % GONE_RING] = id;
  }

  /** A reprice keeping the order's total quantity. */
  final void move(int i, long id, long px) {
    int o = (int) id;
    write(i, OrderStream.MOVE, id, oSide[o], px, oQty[o], oUid[o]);
    oPrice[o] = px;
    ev.clear();
    check(book.modify(i, id, oUid[o], px, oQty[o], ev), Reject.NONE, i);
    track();
  }

  /** A quantity increase at the order's price. */
  final void resize(int i, long id, long newQty) {
    int o = (int) id;
    write(i, OrderStream.RESIZE, id, oSide[o], oPrice[o], newQty, oUid[o]);
    oQty[o] = newQty;
    ev.clear();
    check(book.modify(i, id, oUid[o], oPrice[o], newQty, ev), Reject.NONE, i);
    track();
  }

  /** Whether a stale duplicate can be sent: some order was cancelled recently. */
  final boolean hasGone() {
    return goneCount > 0;
  }

  /**
   * A cancel or a one-tick reprice sent again for an order cancelled recently (a client retrying
   * a message that already took effect): both engines must reject it as unknown.
   */
  final void staleDuplicate(int i, boolean asCancel) {
    long id = gone[rnd.nextInt(Math.min(goneCount, GONE_RING))];
    int o = (int) id;
    if (asCancel) {
      write(i, OrderStream.CANCEL, id, oSide[o], 0, 0, oUid[o]);
      ev.clear();
      check(book.cancel(i, id, oUid[o], ev), Reject.UNKNOWN_ORDER, i);
    } else {
      long px = oPrice[o] + (oSide[o] == BUY ? TICK : -TICK);
      write(i, OrderStream.MOVE, id, oSide[o], px, oQty[o], oUid[o]);
      ev.clear();
      check(book.modify(i, id, oUid[o], px, oQty[o], ev), Reject.UNKNOWN_ORDER, i);
    }
    s.staleMessages++;
  }

  // ---------------------------------------------------------------- prices and orders

  final long randomLive() {
    return live[rnd.nextInt(liveCount)];
  }

  /** How far the book is above its target size, as a share of it (negative below). */
  final double excess() {
    return (liveCount - s.targetResting) / (double) s.targetResting;
  }

  final long clamp(long px) {
    return Math.max(lower, Math.min(upper, px));
  }

  /**
   * A passive price {@code offTicks} away from the touch: on the side's own side of both the fair
   * value and the opposite best, so it rests.
   */
  final long passivePrice(int sd, long offTicks) {
    long bid = book.bestBid();
    long ask = book.bestAsk();
    long off = offTicks * TICK;
    if (sd == BUY) {
      long top = ask > 0 ? Math.min(fair, ask - TICK) : fair;
      return clamp(top - off);
    }
    long bottom = bid > 0 ? Math.max(fair, bid + TICK) : fair;
    return clamp(bottom + off);
  }

  /** A marketable price: at the opposite best (the fair value if that side is empty) or further. */
  final long marketablePrice(int sd, long throughTicks) {
    long k = throughTicks * TICK;
    if (sd == BUY) {
      long ask = book.bestAsk();
      return clamp((ask > 0 ? ask : fair) + k);
    }
    long bid = book.bestBid();
    return clamp((bid > 0 ? bid : fair) - k);
  }

  /** Moves the fair value one tick, bouncing off [min, max]. */
  final void stepFair(long step, long min, long max) {
    long f = fair + step;
    if (f < min || f > max) f = fair - step;
    fair = f;
  }

  // ---------------------------------------------------------------- bookkeeping

  private void write(int i, byte t, long id, int sd, long px, long q, int u) {
    s.type[i] = t;
    s.orderId[i] = id;
    s.side[i] = (byte) sd;
    s.price[i] = px;
    s.qty[i] = q;
    s.uid[i] = u;
  }

  private static void check(Reject r, Reject expected, int i) {
    if (r != expected) {
      throw new IllegalStateException("generator: message " + i + ": " + r + ", expected " + expected);
    }
  }

  /** Follows the events: which orders rest, which left the book, how far a taker swept. */
  private void track() {
    long lastTradePx = -1;
    int tradeLevels = 0;
    for (int k = 0; k < ev.size(); k++) {
      EventType t = ev.type(k);
      switch (t) {
        case RESTED -> addLive(ev.orderId(k));
        case CANCELLED -> {
          if (ev.cancelReason(k) == CancelReason.REQUESTED) s.cancelledOrders++;
          removeLive(ev.orderId(k));
        }
        case REPLACED -> {
          if (ev.code(k) == 0) removeLive(ev.orderId(k)); // re-enters: RESTED follows if it rests
        }
        case TRADE -> {
          if (ev.price(k) != lastTradePx) {
            lastTradePx = ev.price(k);
            tradeLevels++;
          }
          if (ev.leaves(k) == 0) removeLive(ev.orderId(k));
          if (ev.otherLeaves(k) == 0) removeLive(ev.otherOrderId(k));
        }
        default -> { }
      }
    }
    if (tradeLevels >= 2) s.sweeps++;
  }

  private void addLive(long id) {
    if (livePos[(int) id] >= 0) return;
    if (!everRested[(int) id]) {
      everRested[(int) id] = true;
      s.restedOrders++;
    }
    if (liveCount == live.length) live = Arrays.copyOf(live, liveCount * 2);
    livePos[(int) id] = liveCount;
    live[liveCount++] = id;
  }

  private void removeLive(long id) {
    int p = livePos[(int) id];
    if (p < 0) return;
    long last = live[--liveCount];
    live[p] = last;
    livePos[(int) last] = p;
    livePos[(int) id] = -1;
  }
}
