package io.kabuto.book;

import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.OrderState;
import io.kabuto.book.OrderBook.RememberedOrder;
import io.kabuto.book.OrderBook.Snapshot;
import io.kabuto.marketdata.MarketDataMessage;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.BookSnapshot;
import io.kabuto.matching.Phase;
import io.kabuto.matching.TickTable;
import io.kabuto.wire.WireIn;
import io.kabuto.wire.WireOut;
import java.util.ArrayList;
import java.util.List;

/**
 * A book's {@link Snapshot} in the binary wire format (manifest {@code S1} of {@link
 * BookWireSerializer}). Snapshots hold the whole day (every order's first answer, every trade),
 * so in Jackson CBOR, field names and all, they cost a matching node a sixth of its CPU under
 * load and outgrew Artery's frame on busy books, which then never had a snapshot at all.
 *
 * <p>The layout starts with a version number; enums are written by name, not ordinal, because a
 * snapshot outlives the code that wrote it (a reordered enum must not change a stored phase).
 * Snapshots written by Jackson before this format still load: each stored snapshot names its
 * serializer.
 */
final class BookSnapshotWire {
  private static final int VERSION = 1;

  private BookSnapshotWire() {}

  static byte[] write(Snapshot s) {
    int orders = s.orders() == null ? 0 : s.orders().size();
    int trades = s.trades() == null ? 0 : s.trades().size();
    WireOut w = new WireOut(256 + 64 * orders + 48 * trades).varInt(VERSION);
    rules(w, s.rules());
    w.varLong(s.seq()).bool(s.book() != null);
    if (s.book() != null) {
      book(w, s.book());
    }
    w.str(name(s.dayPhase()));
    w.bool(s.orders() != null);
    if (s.orders() != null) {
      w.varInt(s.orders().size());
      for (RememberedOrder o : s.orders()) {
        w.varLong(o.orderId()).bool(o.firstAnswer() != null);
        if (o.firstAnswer() != null) {
          BookWireSerializer.events(w, o.firstAnswer());
        }
        w.varLong(o.price()).varLong(o.qty()).varLong(o.filled()).str(name(o.state()))
            .varInt(o.cancelCode());
      }
    }
    w.varLong(s.marketDataSeq()).bool(s.marketData() != null);
    if (s.marketData() != null) {
      w.varInt(s.marketData().size());
      for (MarketDataMessage m : s.marketData()) {
        BookWireSerializer.marketData(w, m);
      }
    }
    w.bool(s.trades() != null);
    if (s.trades() != null) {
      BookWireSerializer.events(w, s.trades());
    }
    w.bool(s.busted() != null);
    if (s.busted() != null) {
      w.varInt(s.busted().size());
      for (long id : s.busted()) {
        w.varLong(id);
      }
    }
    return w.toBytes();
  }

  static Snapshot read(WireIn in) {
    int version = in.varInt();
    if (version != VERSION) {
      throw new IllegalArgumentException("book snapshot layout " + version + " is not known to this "
          + "version of Kabuto (it reads layout " + VERSION + ")");
    }
    BookRules rules = rules(in);
    long seq = in.varLong();
    BookSnapshot book = in.bool() ? book(in) : null;
    Phase dayPhase = enumOf(Phase.class, in.str());
    List<RememberedOrder> orders = null;
    if (in.bool()) {
      int n = BookWireSerializer.count(in);
      orders = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long id = in.varLong();
        List<EventData> first = in.bool() ? BookWireSerializer.events(in) : null;
        orders.add(new RememberedOrder(id, first, in.varLong(), in.varLong(), in.varLong(),
            enumOf(OrderState.class, in.str()), in.varInt()));
      }
    }
    long marketDataSeq = in.varLong();
    List<MarketDataMessage> marketData = null;
    if (in.bool()) {
      int n = BookWireSerializer.count(in);
      marketData = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        marketData.add(BookWireSerializer.marketData(in));
      }
    }
    List<EventData> trades = in.bool() ? BookWireSerializer.events(in) : null;
    List<Long> busted = null;
    if (in.bool()) {
      int n = BookWireSerializer.count(in);
      busted = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        busted.add(in.varLong());
      }
    }
    return new Snapshot(rules, seq, book, dayPhase, orders, marketDataSeq, marketData, trades,
        busted);
  }

  private static void rules(WireOut w, BookRules r) {
    w.bool(r != null);
    if (r == null) {
      return;
    }
    w.str(r.symbol()).str(r.ticks().name()).varLong(r.basePrice()).varLong(r.lotSize())
        .varLong(r.maxOrderQuantity()).varInt(r.closingBandMultiplier())
        .varLong(r.specialQuoteStepMillis()).bool(r.specialQuotes()).str(r.initialPhase().name());
  }

  private static BookRules rules(WireIn in) {
    if (!in.bool()) {
      return null;
    }
    return new BookRules(in.str(), enumOf(TickTable.class, in.str()), in.varLong(), in.varLong(),
        in.varLong(), in.varInt(), in.varLong(), in.bool(), enumOf(Phase.class, in.str()));
  }

  private static void book(WireOut w, BookSnapshot b) {
    w.str(name(b.phase())).varLong(b.lastPrice()).varLong(b.volume()).varLong(b.tradeCount())
        .varLong(b.nextTradeId()).bool(b.specialQuote()).varInt(b.specialQuoteSide())
        .varLong(b.bandLow()).varLong(b.bandHigh()).varLong(b.nextStep());
    longs(w, b.orderIds());
    w.varInt(b.participants().length);
    for (int p : b.participants()) {
      w.varInt(p);
    }
    w.bytes(b.sides()).bytes(b.types());
    longs(w, b.prices());
    longs(w, b.quantities());
    longs(w, b.leaves());
  }

  private static BookSnapshot book(WireIn in) {
    Phase phase = enumOf(Phase.class, in.str());
    long lastPrice = in.varLong();
    long volume = in.varLong();
    long tradeCount = in.varLong();
    long nextTradeId = in.varLong();
    boolean specialQuote = in.bool();
    int specialQuoteSide = in.varInt();
    long bandLow = in.varLong();
    long bandHigh = in.varLong();
    long nextStep = in.varLong();
    long[] orderIds = longs(in);
    int[] participants = new int[BookWireSerializer.count(in)];
    for (int i = 0; i < participants.length; i++) {
      participants[i] = in.varInt();
    }
    byte[] sides = in.bytes();
    byte[] types = in.bytes();
    return new BookSnapshot(phase, lastPrice, volume, tradeCount, nextTradeId, specialQuote,
        specialQuoteSide, bandLow, bandHigh, nextStep, orderIds, participants, sides, types,
        longs(in), longs(in), longs(in));
  }

  private static void longs(WireOut w, long[] values) {
    w.varInt(values.length);
    for (long v : values) {
      w.varLong(v);
    }
  }

  private static long[] longs(WireIn in) {
    long[] values = new long[BookWireSerializer.count(in)];
    for (int i = 0; i < values.length; i++) {
      values[i] = in.varLong();
    }
    return values;
  }

  private static String name(Enum<?> e) {
    return e == null ? null : e.name();
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, String name) {
    if (name == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("book snapshot: " + type.getSimpleName() + " " + name
          + " is not known to this version of Kabuto");
    }
  }
}
