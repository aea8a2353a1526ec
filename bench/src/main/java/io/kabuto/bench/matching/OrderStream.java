package io.kabuto.bench.matching;

import io.kabuto.matching.BookEvents;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.EventType;
import io.kabuto.matching.LimitOrderBook;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Prices;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TickTable;
import io.kabuto.matching.TimeInForce;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One deterministic (seeded) stream of order-book messages, held in flat primitive arrays so that
 * replaying it costs nothing but array reads. Both engines of the benchmark get exactly these
 * messages.
 *
 * <p>Mix (of the whole stream): about 9% new GTC/DAY limit orders, 3% IOC limit orders, 6% cancels
 * and 82% reprices (a live order moves to another price, keeping its quantity). Prices follow a
 * fair value that random-walks inside {@link #MIN_FAIR}..{@link #MAX_FAIR} on the 1-yen grid of
 * {@link #rules()}, well inside the daily price limits; orders rest within {@link #MAX_DEPTH_TICKS}
 * ticks of it. The stream opens with {@link #targetResting} passive orders and then keeps about
 * that many orders resting.
 *
 * <p>To aim cancels and reprices at orders that are really live (not already filled) the
 * generator replays the stream through a {@link LimitOrderBook} as it writes it; that happens once,
 * before any measurement. The engines do not share that book.
 *
 * <p>Prices and quantities are in {@link Prices} units (0.1 yen) and shares; both engines use the
 * same numbers.
 */
public final class OrderStream {
  /** Message types. */
  public static final byte PLACE_GTC = 0;
  public static final byte PLACE_IOC = 1;
  public static final byte CANCEL = 2;
  public static final byte MOVE = 3;

  public static final int BUY = 0;
  public static final int SELL = 1;

  static final double P_GTC = 0.09;
  static final double P_IOC = 0.03;
  static final double P_CANCEL = 0.06;

  static final long TICK = Prices.yen(1);
  static final long MIN_FAIR = Prices.yen(1700);
  static final long MAX_FAIR = Prices.yen(2300);
  static final int MAX_DEPTH_TICKS = 40;

  private static final String[] TYPE_NAMES = {"place-gtc", "place-ioc", "cancel", "move"};

  /** The book rules both adapters and the generator use. */
  public static BookRules rules() {
    return BookRules.tse("BENCH", TickTable.STANDARD, Prices.yen(2000)).withSpecialQuotes(false);
  }

  public final int size;
  public final long seed;
  public final int targetResting;
  /** Message type: {@link #PLACE_GTC}, {@link #PLACE_IOC}, {@link #CANCEL} or {@link #MOVE}. */
  public final byte[] type;
  /** Order id (new id for places; the target order for cancels and moves). */
  public final long[] orderId;
  /** {@link #BUY} or {@link #SELL} (the target order's side for cancels and moves). */
  public final byte[] side;
  /** Limit price for places, new price for moves, 0 for cancels. */
  public final long[] price;
  /** Order quantity for places; the order's (unchanged) total quantity for moves; 0 for cancels. */
  public final long[] qty;
  /** Owner: the user id / participant that sends the message. */
  public final int[] uid;

  private OrderStream(int size, long seed, int targetResting) {
    this.size = size;
    this.seed = seed;
    this.targetResting = targetResting;
    type = new byte[size];
    orderId = new long[size];
    side = new byte[size];
    price = new long[size];
    qty = new long[size];
    uid = new int[size];
  }

  public static OrderStream generate(int messages, long seed) {
    return generate(messages, seed, 1_000);
  }

  /** Generates {@code messages} messages (at least {@code targetResting + 1}). */
  public static OrderStream generate(int messages, long seed, int targetResting) {
    if (messages <= targetResting) {
      throw new IllegalArgumentException("need more than " + targetResting + " messages");
    }
    OrderStream s = new OrderStream(messages, seed, targetResting);
    new Generator(s).run();
    return s;
  }

  public int count(byte t) {
    int n = 0;
    for (int i = 0; i < size; i++) if (type[i] == t) n++;
    return n;
  }

  public static String typeName(int t) {
    return TYPE_NAMES[t];
  }

  /** A digest of every message, to check determinism. */
  public long digest() {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < size; i++) {
      h = (h ^ type[i]) * 0x100000001b3L;
      h = (h ^ orderId[i]) * 0x100000001b3L;
      h = (h ^ side[i]) * 0x100000001b3L;
      h = (h ^ price[i]) * 0x100000001b3L;
      h = (h ^ qty[i]) * 0x100000001b3L;
      h = (h ^ uid[i]) * 0x100000001b3L;
    }
    return h;
  }

  public String describeMix() {
    StringBuilder sb = new StringBuilder();
    for (byte t = 0; t < 4; t++) {
      if (t > 0) sb.append(", ");
      sb.append(String.format("%s %.2f%%", typeName(t), 100.0 * count(t) / size));
    }
    return sb.toString();
  }

  /** Writes the stream, steering it with a private book so cancels and moves hit live orders. */
  private static final class Generator {
    private final OrderStream s;
    private final SplittableRandom rnd;
    private final LimitOrderBook book = new LimitOrderBook(rules(), 4096);
    private final BookEvents ev = new BookEvents(256);
    // live orders: dense list of ids, position of each id in it (ids are 1..places)
    private long[] live = new long[4096];
    private int liveCount;
    private int[] livePos;
    // per order id, as the generator last set it
    private final long[] oPrice;
    private final long[] oQty;
    private final byte[] oSide;
    private final int[] oUid;
    private long nextId = 1;
    private long fair = Prices.yen(2000);

    Generator(OrderStream s) {
      this.s = s;
      this.rnd = new SplittableRandom(s.seed);
      int maxIds = s.size + 2;
      livePos = new int[maxIds];
      Arrays.fill(livePos, -1);
      oPrice = new long[maxIds];
      oQty = new long[maxIds];
      oSide = new byte[maxIds];
      oUid = new int[maxIds];
    }

    void run() {
      for (int i = 0; i < s.size; i++) {
        driftFair();
        if (i < s.targetResting) {
          place(i, PLACE_GTC, false);
          continue;
        }
        double r = rnd.nextDouble();
        if (r < P_GTC || liveCount == 0) {
          place(i, PLACE_GTC, rnd.nextDouble() < aggressiveness());
        } else if (r < P_GTC + P_IOC) {
          place(i, PLACE_IOC, true);
        } else if (r < P_GTC + P_IOC + P_CANCEL) {
          cancel(i);
        } else {
          move(i);
        }
      }
    }

    /**
     * Feedback on the share of marketable new orders and reprices: none while the book holds
     * fewer than the target, more and more above it. IOC orders (always marketable) and cancels
     * drain the book at about the rate new GTC orders fill it, so this only trims the excess.
     */
    private double aggressiveness() {
      double excess = (liveCount - s.targetResting) / (double) s.targetResting;
      return Math.max(0.0, Math.min(0.5, excess));
    }

    private void driftFair() {
      if (rnd.nextInt(8) != 0) return;
      long step = rnd.nextBoolean() ? TICK : -TICK;
      long f = fair + step;
      if (f < MIN_FAIR || f > MAX_FAIR) f = fair - step;
      fair = f;
    }

    /**
     * A passive price: on the side's own side of both the fair value and the opposite best
     * (so it rests), 0..MAX_DEPTH-1 ticks deep, denser near the touch. A marketable price: at or
     * a few ticks through the opposite best (or the fair value if that side is empty).
     */
    private long pickPrice(int sd, boolean aggressive) {
      long bid = book.bestBid();
      long ask = book.bestAsk();
      if (aggressive) {
        long k = rnd.nextInt(3) * TICK;
        return sd == BUY ? (ask > 0 ? ask : fair) + k : (bid > 0 ? bid : fair) - k;
      }
      long off = Math.min(rnd.nextInt(MAX_DEPTH_TICKS), rnd.nextInt(MAX_DEPTH_TICKS)) * TICK;
      if (sd == BUY) {
        long top = ask > 0 ? Math.min(fair, ask - TICK) : fair;
        return top - off;
      }
      long bottom = bid > 0 ? Math.max(fair, bid + TICK) : fair;
      return bottom + off;
    }

    private void place(int i, byte t, boolean aggressive) {
      int sd = rnd.nextInt(2);
      long id = nextId++;
      long px = pickPrice(sd, aggressive);
      long q = 100L * (1 + rnd.nextInt(20));
      int u = 1 + rnd.nextInt(200);
      write(i, t, id, sd, px, q, u);
      oPrice[(int) id] = px;
      oQty[(int) id] = q;
      oSide[(int) id] = (byte) sd;
      oUid[(int) id] = u;
      ev.clear();
      Reject r = book.place(i, id, u, sd == BUY ? Side.BUY : Side.SELL, OrderType.LIMIT,
          t == PLACE_IOC ? TimeInForce.IOC : TimeInForce.DAY, px, q, SelfTradePrevention.NONE, ev);
      check(r, i);
      track();
    }

    private void cancel(int i) {
      long id = live[rnd.nextInt(liveCount)];
      int o = (int) id;
      write(i, CANCEL, id, oSide[o], 0, 0, oUid[o]);
      ev.clear();
      check(book.cancel(i, id, oUid[o], ev), i);
      track();
    }

    private void move(int i) {
      long id = live[rnd.nextInt(liveCount)];
      int o = (int) id;
      long px = pickPrice(oSide[o], rnd.nextDouble() < aggressiveness());
      if (px == oPrice[o]) px += oSide[o] == BUY ? -TICK : TICK; // a move always changes the price
      write(i, MOVE, id, oSide[o], px, oQty[o], oUid[o]);
      oPrice[o] = px;
      ev.clear();
      check(book.modify(i, id, oUid[o], px, oQty[o], ev), i);
      track();
    }

    private void write(int i, byte t, long id, int sd, long px, long q, int u) {
      s.type[i] = t;
      s.orderId[i] = id;
      s.side[i] = (byte) sd;
      s.price[i] = px;
      s.qty[i] = q;
      s.uid[i] = u;
    }

    private static void check(Reject r, int i) {
      if (r != Reject.NONE) throw new IllegalStateException("generator: message " + i + " rejected: " + r);
    }

    /** Follows the events: which orders rest, which left the book. */
    private void track() {
      for (int k = 0; k < ev.size(); k++) {
        EventType t = ev.type(k);
        switch (t) {
          case RESTED -> addLive(ev.orderId(k));
          case CANCELLED -> removeLive(ev.orderId(k));
          case REPLACED -> {
            if (ev.code(k) == 0) removeLive(ev.orderId(k)); // re-enters: RESTED follows if it rests
          }
          case TRADE -> {
            if (ev.leaves(k) == 0) removeLive(ev.orderId(k));
            if (ev.otherLeaves(k) == 0) removeLive(ev.otherOrderId(k));
          }
          default -> { }
        }
      }
    }

    private void addLive(long id) {
      if (livePos[(int) id] >= 0) return;
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
}
