package io.kabuto.scenario.broker;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.matching.Prices;
import io.kabuto.scenario.model.SymbolSpec;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * An institutional order: a parent of {@value #MIN_PARENT_LOTS}-{@value #MAX_PARENT_LOTS} lots on
 * one symbol and side, worked TWAP-like: a child DAY limit every {@link #SLICE_MILLIS} of
 * simulated time, at the far touch (the best ask for a buy) or one tick through it, for a
 * {@value #SLICES}th of the parent. A resting child is repriced with a replace to the far touch
 * or one tick through when the market moved away from it (someone bids above our buy, or offers
 * below our sell), and once when half its slice has passed, to catch up with the schedule, as an
 * execution algo works its child: same quantity, no new order, so it keeps its place in the
 * slice (a replace is also one request where cancel + new are two, with a window in which the
 * broker has no order on the book). A child still live when the next slice is due is cancelled,
 * and so is one whose replace the exchange refused (e.g. a halt). The next
 * child is sent only once the old one's fills are known (from the answers, or a status request
 * when an answer did not tell), so the children never add up to more than the parent. When the
 * parent is done the next starts.
 */
final class InstitutionalFlow implements OrderFlow {
  static final int MIN_PARENT_LOTS = 50;
  static final int MAX_PARENT_LOTS = 200;
  static final int SLICES = 15;
  static final long SLICE_MILLIS = 6 * 60_000L;

  private final SplittableRandom rnd;
  private final List<SymbolSpec> symbols;
  private final String prefix;
  private final MarketView market;
  private final LongSupplier simNow;
  private long n;

  private Parent parent;
  private Child child;
  private long nextSliceAt = Long.MIN_VALUE;

  /** The parent being worked: {@code done} counts only fills the broker was told about. */
  static final class Parent {
    final SymbolSpec symbol;
    final String side;
    final long qty;
    final long slice;
    long done;

    Parent(SymbolSpec symbol, String side, long qty, long slice) {
      this.symbol = symbol;
      this.side = side;
      this.qty = qty;
      this.slice = slice;
    }

    long remaining() {
      return qty - done;
    }
  }

  private enum State { SENT, LIVE, UNKNOWN }

  /**
   * The one outstanding child: {@code filled} = its fills already added to the parent; {@code
   * price} its limit now (after the replaces the exchange acknowledged).
   */
  private static final class Child {
    final String clOrdId;
    final long qty;
    long price;
    final long sentAt;
    long filled;
    State state = State.SENT;
    /** The exchange refused a replace of it: cancel it instead of trying again. */
    boolean replaceRefused;
    /** Repriced at half its slice already. */
    boolean caughtUp;

    Child(String clOrdId, long qty, long price, long sentAt) {
      this.clOrdId = clOrdId;
      this.qty = qty;
      this.price = price;
      this.sentAt = sentAt;
    }
  }

  InstitutionalFlow(SplittableRandom rnd, List<SymbolSpec> symbols, String prefix, MarketView market,
      LongSupplier simNow) {
    this.rnd = rnd;
    this.symbols = symbols;
    this.prefix = prefix;
    this.market = market;
    this.simNow = simNow;
  }

  /** The parent being worked (tests). */
  Parent parent() {
    return parent;
  }

  @Override
  public List<OrderIntent> next() {
    long now = simNow.getAsLong();
    if (parent == null || (parent.remaining() == 0 && child == null)) {
      SymbolSpec s = symbols.get(rnd.nextInt(symbols.size()));
      long qty = s.lotSize() * (MIN_PARENT_LOTS + rnd.nextInt(MAX_PARENT_LOTS - MIN_PARENT_LOTS + 1));
      long slice = s.lotSize() * Math.max(1, -Math.floorDiv(-qty / s.lotSize(), SLICES));
      parent = new Parent(s, rnd.nextBoolean() ? "BUY" : "SELL", qty, slice);
      nextSliceAt = now;
    }
    if (child != null) {
      return switch (child.state) {
        case UNKNOWN -> List.of(OrderIntent.status(child.clOrdId, parent.symbol.symbol()));
        case LIVE -> live(now);
        case SENT -> throw new IllegalStateException("the child " + child.clOrdId + " was sent but never answered");
      };
    }
    if (now < nextSliceAt) {
      return List.of();
    }
    MarketView.Touch t = market.touch(parent.symbol.symbol());
    boolean buy = parent.side.equals("BUY");
    long far = buy ? t.ask() : t.bid();
    if (far == 0) {
      return List.of(); // nothing to take on the other side: wait for the next turn
    }
    PriceWalk grid = new PriceWalk(parent.symbol);
    long price = rnd.nextBoolean() ? far : grid.offset(far, buy ? 1 : -1);
    long qty = Math.min(parent.slice, parent.remaining());
    child = new Child(prefix + (++n), qty, price, now);
    nextSliceAt = now + SLICE_MILLIS;
    return List.of(OrderIntent.limit(child.clOrdId, parent.symbol.symbol(), parent.side, price, qty, "DAY"));
  }

  /** What to do with the resting child this turn: cancel it, reprice it, or leave it. */
  private List<OrderIntent> live(long now) {
    if (now >= child.sentAt + SLICE_MILLIS) {
      return List.of(OrderIntent.cancel(child.clOrdId));
    }
    MarketView.Touch t = market.touch(parent.symbol.symbol());
    boolean buy = parent.side.equals("BUY");
    // no longer at the touch: someone bids above our buy, or offers below our sell
    boolean movedAway = buy ? t.bid() > child.price : t.ask() > 0 && t.ask() < child.price;
    boolean catchUp = !child.caughtUp && now >= child.sentAt + SLICE_MILLIS / 2;
    if (!movedAway && !catchUp) {
      return List.of();
    }
    if (child.replaceRefused) {
      return List.of(OrderIntent.cancel(child.clOrdId));
    }
    long far = buy ? t.ask() : t.bid();
    if (far == 0) {
      return List.of(); // nothing to reprice to: it keeps its place until the other side shows
    }
    long price = rnd.nextBoolean() ? far : new PriceWalk(parent.symbol).offset(far, buy ? 1 : -1);
    if (price == child.price) {
      return List.of();
    }
    child.caughtUp |= catchUp;
    child.state = State.SENT;
    return List.of(OrderIntent.replace(prefix + (++n), child.clOrdId, parent.symbol.symbol(), parent.side, price,
        child.qty));
  }

  @Override
  public void answered(OrderIntent intent, GatewayClient.Outcome o) {
    if (child == null || !child.clOrdId.equals(intent.op() == OrderIntent.Op.NEW ? intent.clOrdId()
        : intent.origClOrdId())) {
      return;
    }
    JsonNode body = o.answered() ? o.body() : null;
    String status = body == null ? "" : body.path("status").asText();
    switch (intent.op()) {
      case NEW -> {
        if (o.status() == 200 && status.equals("accepted")) {
          settle(body.path("filled").asLong(), body.path("leaves").asLong(0) > 0);
        } else if (o.answered() && o.status() != 503) {
          child = null; // refused or rejected: nothing traded, the next slice tries again
        } else {
          child.state = State.UNKNOWN;
        }
      }
      case REPLACE -> {
        if (o.status() == 200 && status.equals("accepted")) {
          // the replace states the total quantity: what is not left of it has filled
          child.price = intent.price();
          settle(intent.qty() - body.path("leaves").asLong(0), body.path("leaves").asLong(0) > 0);
        } else {
          // refused (filled or cancelled meanwhile? halted?) or no answer: ask, then cancel if still live
          child.replaceRefused = o.answered() && o.status() != 503;
          child.state = State.UNKNOWN;
        }
      }
      case CANCEL -> {
        if (o.status() == 200 && status.equals("accepted")) {
          long cancelled = 0;
          for (JsonNode e : body.path("events")) {
            if ("CANCELLED".equals(e.path("type").asText())) {
              cancelled = e.path("leaves").asLong();
            }
          }
          settle(child.qty - cancelled, false);
        } else {
          child.state = State.UNKNOWN; // too late (filled?) or no answer: ask
        }
      }
      case STATUS -> {
        String state = body == null ? "" : body.path("state").asText(status);
        if (o.status() == 404 || state.equals("unknown")) {
          settle(child.filled, false); // the exchange never had it
        } else if (o.status() == 200 && body.has("filled")) {
          if (body.hasNonNull("price")) {
            child.price = Prices.parseYen(body.path("price").asText()); // a replace without an answer may have applied
          }
          settle(body.path("filled").asLong(), state.equals("live"));
        } // else no answer: ask again next turn
      }
    }
  }

  /** The child has filled {@code filled} in all; it is still live or done with. */
  private void settle(long filled, boolean live) {
    long add = Math.max(0, Math.min(filled, child.qty) - child.filled);
    parent.done += add;
    child.filled += add;
    if (live) {
      child.state = State.LIVE;
    } else {
      child = null;
    }
  }
}
