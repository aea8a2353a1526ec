package io.kabuto.bench.matching;

import io.kabuto.matching.BookRules;
import io.kabuto.matching.Prices;
import io.kabuto.matching.TickTable;
import java.util.Locale;

/**
 * One deterministic (seeded) stream of order-book messages of one {@link StreamShape}, held in flat
 * primitive arrays so that replaying it costs nothing but array reads. Both engines of the
 * benchmark get exactly these messages.
 *
 * <p>Prices follow a fair value that moves on the 1-yen grid of {@link #rules()}, inside the daily
 * price limits. The stream opens with {@link #targetResting} passive orders and then keeps about
 * that many orders resting. How the messages are chosen is the shape's {@link StreamWriter}.
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
  /** A market order, immediate-or-cancel (price 0). */
  public static final byte PLACE_MARKET = 4;
  /** A quantity increase at the same price: qty = the new total (the order loses its priority). */
  public static final byte RESIZE = 5;
  public static final int TYPES = 6;

  public static final int BUY = 0;
  public static final int SELL = 1;

  static final long TICK = Prices.yen(1);

  private static final String[] TYPE_NAMES = {"place-gtc", "place-ioc", "cancel", "move", "place-market", "resize"};

  /** The book rules both adapters and the generator use. */
  public static BookRules rules() {
    return BookRules.tse("BENCH", TickTable.STANDARD, Prices.yen(2000)).withSpecialQuotes(false);
  }

  public final StreamShape shape;
  public final int size;
  public final long seed;
  public final int targetResting;
  /** Message type: {@link #PLACE_GTC} ... {@link #RESIZE}. */
  public final byte[] type;
  /** Order id (new id for places; the target order for cancels, moves and resizes). */
  public final long[] orderId;
  /** {@link #BUY} or {@link #SELL} (the target order's side for cancels, moves and resizes). */
  public final byte[] side;
  /** Limit price for places (0 for market), new price for moves, the unchanged price for resizes, 0 for cancels. */
  public final long[] price;
  /** Order quantity for places; the order's new total for moves (unchanged) and resizes; 0 for cancels. */
  public final long[] qty;
  /** Owner: the user id / participant that sends the message. */
  public final int[] uid;

  // What the generator's own book saw while writing the stream (shape statistics, for the tests).
  /** Orders that rested at some point. */
  long restedOrders;
  /** Resting orders that left the book by a cancel message (not by a fill). */
  long cancelledOrders;
  /** Cancels and modifies aimed at an order already gone (both engines must reject them). */
  long staleMessages;
  /** Sum over messages of the orders resting after it: / size = mean book size. */
  long restingSum;
  /** Marketable messages that traded at two or more price levels. */
  long sweeps;
  /** Lowest and highest fair value. */
  long fairMin = Long.MAX_VALUE;
  long fairMax = Long.MIN_VALUE;

  OrderStream(StreamShape shape, int size, long seed, int targetResting) {
    this.shape = shape;
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

  /** The reprice stream (the original one) with about 1,000 resting orders. */
  public static OrderStream generate(int messages, long seed) {
    return generate(StreamShape.REPRICE, messages, seed);
  }

  public static OrderStream generate(StreamShape shape, int messages, long seed) {
    return generate(shape, messages, seed, shape.targetResting);
  }

  /** Generates {@code messages} messages (at least {@code targetResting + 1}). */
  public static OrderStream generate(StreamShape shape, int messages, long seed, int targetResting) {
    if (messages <= targetResting) {
      throw new IllegalArgumentException("need more than " + targetResting + " messages");
    }
    OrderStream s = new OrderStream(shape, messages, seed, targetResting);
    shape.writerFor(s).run();
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

  /** Mean number of orders resting over the stream. */
  public double meanResting() {
    return restingSum / (double) size;
  }

  public String describeMix() {
    StringBuilder sb = new StringBuilder();
    for (byte t = 0; t < TYPES; t++) {
      int n = count(t);
      if (n == 0) continue;
      if (sb.length() > 0) sb.append(", ");
      sb.append(String.format(Locale.ROOT, "%s %.2f%%", typeName(t), 100.0 * n / size));
    }
    sb.append(String.format(Locale.ROOT, "; mean resting %.0f, stale %.2f%%, sweeps %.2f%%", meanResting(),
        100.0 * staleMessages / size, 100.0 * sweeps / size));
    return sb.toString();
  }
}
