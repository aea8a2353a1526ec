package io.kabuto.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;

/**
 * Differential properties: long random command streams go through {@link LimitOrderBook} and
 * {@link ReferenceBook}; every command must give the same reject code, the same trades in the same
 * order (buy id, sell id, price, quantity, aggressor side), the same cancels, and the same book.
 * Along the way: the recorded events replay into an equal book, a snapshot restores into a book
 * that behaves identically from then on, and the book's own invariants hold.
 */
class MatchingProperties {

  // ================================================================= properties

  @Property(tries = 250, shrinking = ShrinkingMode.OFF)
  void bookMatchesReferenceOnRandomStreams(@ForAll("runs") Run run) {
    Driver d = new Driver(run.scenario, ReferenceBook.LIKE_CORE);
    d.run(run.commands, run.snapshotAt);
    d.collectStatistics();
  }

  @Property(tries = 300, shrinking = ShrinkingMode.OFF)
  void openingAuctionMatchesReference(@ForAll("auctionRuns") Run run) {
    Driver d = new Driver(run.scenario, ReferenceBook.LIKE_CORE);
    d.run(run.commands, run.snapshotAt);
    Statistics.label("opening").collect(d.auctionTrades > 0 ? "auction traded"
        : d.specialQuotes > 0 ? "special quote" : "no trade");
  }

  /**
   * Streams dominated by modifies (reprices that cross or not, resizes, priority kept or lost), the
   * paths where the book reuses the order's slot instead of removing and re-adding it.
   */
  @Property(tries = 150, shrinking = ShrinkingMode.OFF)
  void modifyHeavyStreamsMatchReference(@ForAll("modifyRuns") Run run) {
    Driver d = new Driver(run.scenario, ReferenceBook.LIKE_CORE);
    d.run(run.commands, run.snapshotAt);
    Statistics.label("modifies accepted per run").collect(Driver.bucket(d.acceptedModifies));
    Statistics.label("modify rejects").collect(d.modifyRejects.toString());
  }

  @Provide
  Arbitrary<Run> modifyRuns() {
    return scenarios().map(s -> new Scenario(s.name, s.rules, s.gridStep, s.spread, s.offGrid, Math.min(s.idMax, 60)))
        .flatMap(s -> Combinators.combine(
                Arbitraries.frequencyOf(
                    Tuple.of(40, place(s)), Tuple.of(45, modify(s, 90)), Tuple.of(6, cancel(s)),
                    Tuple.of(5, phase()), Tuple.of(4, clock()))
                    .list().ofMinSize(200).ofMaxSize(1_500).withSizeDistribution(RandomDistribution.uniform()),
                Arbitraries.integers().between(0, 1_500))
            .as((c, snap) -> new Run(s, c, Math.min(snap, c.size() - 1))));
  }

  /**
   * Books of a few thousand live orders: the order arrays and the id map grow past their initial
   * 1,024 slots (and rehash), and the dense price levels fill up.
   */
  @Property(tries = 4, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
  void bigBooksMatchReference(@ForAll("bigRuns") Run run) {
    Driver d = new Driver(run.scenario, ReferenceBook.LIKE_CORE);
    d.run(run.commands, run.snapshotAt);
    Statistics.label("largest book").collect(d.maxOrders < 1024 ? "< 1024" : d.maxOrders < 2048 ? "1024-2047" : ">= 2048");
  }

  /**
   * As {@link #bookMatchesReferenceOnRandomStreams} but the book writes several commands into one
   * event buffer before it is cleared, which {@link BookEvents} allows ("clear() before each
   * batch"). Found the auction fill check reading earlier commands' trades (fixed).
   */
  @Property(tries = 120, shrinking = ShrinkingMode.OFF)
  void bookMatchesReferenceWithBatchedEventBuffers(@ForAll("runs") Run run, @ForAll("batchSizes") int batch) {
    Driver d = new Driver(run.scenario, ReferenceBook.LIKE_CORE);
    d.batch = batch;
    d.run(run.commands, run.snapshotAt);
  }

  @Provide
  Arbitrary<Integer> batchSizes() {
    return Arbitraries.of(2, 8, 64, 1_000_000);
  }

  /**
   * The same streams against the brief's rules, no {@link ReferenceBook.Quirk} at all. Today
   * LIKE_CORE is empty too (both quirks were fixed in the core), so this pins the brief's rules
   * should LIKE_CORE ever grow again.
   */
  @Property(tries = 60, shrinking = ShrinkingMode.OFF)
  void bookFollowsTheBriefOnRandomStreams(@ForAll("runs") Run run) {
    new Driver(run.scenario, ReferenceBook.STRICT).run(run.commands, run.snapshotAt);
  }

  // ================================================================= scenarios

  /** The rules of one run plus the price grid the generator draws from. */
  record Scenario(String name, BookRules rules, long gridStep, int spread, long offGrid, int idMax) {
    long mid() {
      return rules.basePrice();
    }

    @Override
    public String toString() {
      return name + " lot=" + rules.lotSize() + " sq=" + rules.specialQuotes() + " step="
          + rules.specialQuoteStepMillis() + " closeX=" + rules.closingBandMultiplier() + " start="
          + rules.initialPhase() + " ids=" + idMax;
    }
  }

  record Run(Scenario scenario, List<Cmd> commands, int snapshotAt) {
    @Override
    public String toString() {
      return scenario + ", " + commands.size() + " commands, snapshot at " + snapshotAt;
    }
  }

  private static BookRules rules(TickTable t, long baseYenTenths, long lot, boolean sq, long stepMs,
      int closeX, Phase start) {
    return new BookRules("T", t, baseYenTenths, lot, 50 * lot, closeX, stepMs, sq, start);
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Integer> kind = Arbitraries.integers().between(0, 5);
    Arbitrary<Long> lot = Arbitraries.of(1L, 100L);
    Arbitrary<Boolean> sq = Arbitraries.frequency(Tuple.of(85, true), Tuple.of(15, false));
    Arbitrary<Long> step = Arbitraries.of(30_000L, 180_000L);
    Arbitrary<Integer> closeX = Arbitraries.of(1, 2, 3);
    Arbitrary<Phase> start = Arbitraries.of(Phase.PRE_OPEN, Phase.CONTINUOUS);
    Arbitrary<Integer> ids = Arbitraries.of(30, 120, 400);
    return Combinators.combine(kind, lot, sq, step, closeX, start, ids).as((k, l, q, st, cx, ph, id) ->
        switch (k) {
          // 3,000 yen other issue: 1-yen ticks up to 3,000, 5-yen above; limits 2,300..3,700; interval 70
          case 0 -> new Scenario("STANDARD 3000", rules(TickTable.STANDARD, Prices.yen(3000), l, q, st, cx, ph),
              Prices.yen(5), 20, Prices.yen(2), id);
          // 1,000 yen TOPIX500: 0.1-yen ticks up to 1,000, 0.5 above; limits 700..1,300; interval 30
          case 1 -> new Scenario("TOPIX500 1000", rules(TickTable.TOPIX500, Prices.yen(1000), l, q, st, cx, ph),
              25, 16, 3, id);
          // 150 yen other issue: 1-yen ticks; limits 100..200; interval 5
          case 2 -> new Scenario("STANDARD 150", rules(TickTable.STANDARD, Prices.yen(150), l, q, st, cx, ph),
              Prices.yen(1), 12, 5, id);
          // 9,000 yen TOPIX500: 1-yen ticks up to 10,000, 5-yen above; limits 7,500..10,500; interval 150
          case 3 -> new Scenario("TOPIX500 9000", rules(TickTable.TOPIX500, Prices.yen(9000), l, q, st, cx, ph),
              Prices.yen(10), 24, 5, id);
          // 2,999 yen other issue: limits 2,499..3,495 (3,499 rounded down), band 2,949..3,045
          case 5 -> new Scenario("STANDARD 2999", rules(TickTable.STANDARD, Prices.yen(2999), l, q, st, cx, ph),
              Prices.yen(4), 20, Prices.yen(3), id);
          // 5,000 yen other issue: 5-yen ticks up to 5,000, 10-yen above; limits 4,000..6,000; interval 100
          default -> new Scenario("STANDARD 5000", rules(TickTable.STANDARD, Prices.yen(5000), l, q, st, cx, ph),
              Prices.yen(10), 15, Prices.yen(2), id);
        });
  }

  @Provide
  Arbitrary<Run> runs() {
    return scenarios().flatMap(s -> Combinators.combine(
            commands(s).list().ofMinSize(200).ofMaxSize(2500).withSizeDistribution(RandomDistribution.uniform()),
            Arbitraries.integers().between(0, 2500))
        .as((c, snap) -> new Run(s, c, Math.min(snap, c.size() - 1))));
  }

  @Provide
  Arbitrary<Run> bigRuns() {
    return scenarios().map(s -> new Scenario(s.name, s.rules.withInitialPhase(Phase.CONTINUOUS), s.gridStep,
            s.spread * 3, s.offGrid, 8_000))
        .flatMap(s -> Combinators.combine(
                Arbitraries.frequencyOf(
                    Tuple.of(80, place(s, Arbitraries.just(0)).map(c -> mostlyPassive((Place) c, s))),
                    Tuple.of(10, place(s)), Tuple.of(4, cancel(s)), Tuple.of(4, modify(s)), Tuple.of(2, clock()))
                    .list().ofMinSize(4_000).ofMaxSize(5_000).withSizeDistribution(RandomDistribution.uniform()),
                Arbitraries.integers().between(0, 5_000))
            .as((c, snap) -> {
              List<Cmd> all = new ArrayList<>(c);
              all.add(new SetPhase(1, Phase.PRE_CLOSE));
              all.add(new SetPhase(1, Phase.CLOSED));
              return new Run(s, all, Math.min(snap, all.size() - 1));
            }));
  }

  /** Nine in ten orders mirrored to their passive side of the mid price, so the book grows. */
  private static Cmd mostlyPassive(Place p, Scenario s) {
    boolean aggressive = p.side == Side.BUY ? p.price > s.mid() : p.price < s.mid() && p.price > 0;
    if (!aggressive || Math.floorMod(p.id * 31 + p.dt, 10) == 0) return p;
    return new Place(p.dt, p.id, p.part, p.side, p.tif, 2 * s.mid() - p.price, p.qty, p.stp);
  }

  /** Pre-open order entry, then the opening itayose, then a little continuous trading. */
  @Provide
  Arbitrary<Run> auctionRuns() {
    return scenarios().map(s -> new Scenario(s.name, s.rules.withInitialPhase(Phase.PRE_OPEN),
            s.gridStep, s.spread / 2 + 1, s.offGrid, s.idMax))
        .flatMap(s -> Combinators.combine(
                place(s, Arbitraries.frequency(Tuple.of(85, 0), Tuple.of(15, 3))).list().ofMinSize(5).ofMaxSize(80).withSizeDistribution(RandomDistribution.uniform()),
                commands(s).list().ofMaxSize(40).withSizeDistribution(RandomDistribution.uniform()),
                Arbitraries.integers().between(0, 120))
            .as((pre, after, snap) -> {
              List<Cmd> all = new ArrayList<>(pre);
              all.add(new SetPhase(1, Phase.CONTINUOUS));
              all.addAll(after);
              return new Run(s, all, Math.min(snap, all.size() - 1));
            }));
  }

  // ================================================================= commands (abstract)

  /** A generated command; dt advances the clock before it. */
  sealed interface Cmd permits Place, CancelCmd, Modify, SetPhase, Clock {
    long dt();
  }

  /** tif: 0 = LIMIT DAY ... see {@link #TYPE_TIF}. */
  record Place(long dt, long id, int part, Side side, int tif, long price, long qty,
      SelfTradePrevention stp) implements Cmd {}

  /** pick >= 0: the live order at that position (mod the count) instead of id. */
  record CancelCmd(long dt, long id, int part, int pick) implements Cmd {}

  /**
   * kind: 0 reduce at same price, 1 increase at same price, 2 reprice, 3 reprice+resize, 4 no
   * change. pick >= 0: the live order at that position (mod the count) instead of id.
   */
  record Modify(long dt, long id, int part, int kind, long price, long lots, int pick) implements Cmd {}

  record SetPhase(long dt, Phase next) implements Cmd {}

  record Clock(long dt) implements Cmd {}

  /** type / tif / price-garbage combinations, index = Place.tif. */
  private static final Object[][] TYPE_TIF = {
      {OrderType.LIMIT, TimeInForce.DAY, false},
      {OrderType.LIMIT, TimeInForce.IOC, false},
      {OrderType.LIMIT, TimeInForce.FOK, false},
      {OrderType.MARKET, TimeInForce.DAY, false},
      {OrderType.MARKET, TimeInForce.IOC, false},
      {OrderType.MARKET, TimeInForce.FOK, false},
      {OrderType.MARKET, TimeInForce.DAY, true}, // market order with a price: INVALID_PRICE
  };

  Arbitrary<Cmd> commands(Scenario s) {
    return Arbitraries.frequencyOf(
        Tuple.of(56, place(s)),
        Tuple.of(14, cancel(s)),
        Tuple.of(15, modify(s)),
        Tuple.of(4, phase()),
        Tuple.of(3, clock()));
  }

  private static Arbitrary<Long> dt() {
    return Arbitraries.frequencyOf(
        Tuple.of(70, Arbitraries.longs().between(0, 3_000)),
        Tuple.of(25, Arbitraries.longs().between(3_000, 60_000)),
        Tuple.of(5, Arbitraries.longs().between(60_000, 400_000)));
  }

  private static Arbitrary<Long> id(Scenario s) {
    return Arbitraries.frequencyOf(
        Tuple.of(98, Arbitraries.longs().between(1, s.idMax).withDistribution(RandomDistribution.uniform())),
        Tuple.of(2, Arbitraries.of(0L, -7L)));
  }

  private static Arbitrary<Integer> participant() {
    return Arbitraries.frequencyOf(
        Tuple.of(97, Arbitraries.integers().between(1, 4)),
        Tuple.of(3, Arbitraries.of(-5, Integer.MAX_VALUE, Integer.MIN_VALUE))); // packed event fields
  }

  private static Arbitrary<Integer> ownerOrAny() {
    return Arbitraries.frequencyOf(
        Tuple.of(70, Arbitraries.just(LimitOrderBook.ANY_PARTICIPANT)),
        Tuple.of(30, participant()));
  }

  private static Arbitrary<Long> price(Scenario s) {
    long lo = s.rules.lowerLimit();
    long hi = s.rules.upperLimit();
    long tick = s.rules.ticks().tickAt(hi);
    // half biased towards the mid price (jqwik's default: more crossing), half uniform (deeper books)
    Arbitrary<Integer> k = Arbitraries.oneOf(Arbitraries.integers().between(-s.spread, s.spread),
        Arbitraries.integers().between(-s.spread, s.spread).withDistribution(RandomDistribution.uniform()));
    return Arbitraries.frequencyOf(
        Tuple.of(86, k.map(i -> s.mid() + i * s.gridStep)),
        Tuple.of(6, k.map(i -> s.mid() + i * s.gridStep + s.offGrid)), // off the grid above some boundary
        Tuple.of(5, Arbitraries.of(lo - s.rules.ticks().tickAt(lo), lo, hi, hi + tick, hi + 2 * tick)),
        Tuple.of(3, Arbitraries.of(0L, -Prices.yen(1))));
  }

  private static Arbitrary<Long> qty(Scenario s) {
    long lot = s.rules.lotSize();
    long max = s.rules.maxOrderQuantity();
    return Arbitraries.frequencyOf(
        Tuple.of(93, Arbitraries.longs().between(1, 10).map(n -> n * lot)),
        Tuple.of(3, Arbitraries.of(0L, -lot, lot > 1 ? lot + lot / 2 : 0L)),
        Tuple.of(4, Arbitraries.of(max, max + lot, 30 * lot)));
  }

  Arbitrary<Cmd> place(Scenario s) {
    return place(s, Arbitraries.frequency(Tuple.of(66, 0), Tuple.of(8, 1), Tuple.of(6, 2), Tuple.of(11, 3),
        Tuple.of(5, 4), Tuple.of(3, 5), Tuple.of(1, 6)));
  }

  /** tif: index into {@link #TYPE_TIF}. */
  Arbitrary<Cmd> place(Scenario s, Arbitrary<Integer> tif) {
    Arbitrary<SelfTradePrevention> stp = Arbitraries.frequency(
        Tuple.of(60, SelfTradePrevention.NONE), Tuple.of(20, SelfTradePrevention.CANCEL_RESTING),
        Tuple.of(20, SelfTradePrevention.CANCEL_AGGRESSOR));
    return Combinators.combine(dt(), id(s), participant(), Arbitraries.of(Side.class), tif, price(s),
            qty(s), stp)
        .as((d, i, p, sd, t, px, q, st) -> (Cmd) new Place(d, i, p, sd, t, px, q, st));
  }

  /** Half the time a live order, otherwise any id (dead, unknown or live by chance). */
  private static Arbitrary<Integer> pick(int livePercent) {
    return Arbitraries.frequencyOf(
        Tuple.of(100 - livePercent, Arbitraries.just(-1)),
        Tuple.of(livePercent, Arbitraries.integers().between(0, 1_000_000).withDistribution(RandomDistribution.uniform())));
  }

  private Arbitrary<Cmd> cancel(Scenario s) {
    return Combinators.combine(dt(), id(s), ownerOrAny(), pick(50))
        .as((d, i, p, k) -> (Cmd) new CancelCmd(d, i, p, k));
  }

  private Arbitrary<Cmd> modify(Scenario s) {
    return modify(s, 50);
  }

  private Arbitrary<Cmd> modify(Scenario s, int livePercent) {
    return Combinators.combine(dt(), id(s), ownerOrAny(), Arbitraries.integers().between(0, 4), price(s),
            Arbitraries.longs().between(1, 6), pick(livePercent))
        .as((d, i, p, k, px, n, pk) -> (Cmd) new Modify(d, i, p, k, px, n, pk));
  }

  private static Arbitrary<Cmd> phase() {
    Arbitrary<Phase> next = Arbitraries.frequency(
        Tuple.of(34, Phase.CONTINUOUS), Tuple.of(14, Phase.PRE_OPEN), Tuple.of(14, Phase.PRE_CLOSE),
        Tuple.of(12, Phase.CLOSED), Tuple.of(13, Phase.BREAK), Tuple.of(13, Phase.HALTED));
    return Combinators.combine(dt(), next).as((d, n) -> (Cmd) new SetPhase(d, n));
  }

  private static Arbitrary<Cmd> clock() {
    return Arbitraries.longs().between(1_000, 400_000).map(d -> (Cmd) new Clock(d));
  }

  // ================================================================= commands (concrete)

  /** A concrete command, applied identically to both books. */
  interface Op {
    Reject core(LimitOrderBook b, BookEvents out);

    Reject ref(ReferenceBook b);
  }

  record PlaceOp(long t, long id, int part, Side side, OrderType type, TimeInForce tif, long price,
      long qty, SelfTradePrevention stp) implements Op {
    public Reject core(LimitOrderBook b, BookEvents out) {
      return b.place(t, id, part, side, type, tif, price, qty, stp, out);
    }

    public Reject ref(ReferenceBook b) {
      return b.place(t, id, part, side, type, tif, price, qty, stp);
    }

    @Override
    public String toString() {
      return "t=" + t + " place #" + id + " p" + part + " " + side + " " + type + " " + tif + " "
          + Prices.format(price) + " x" + qty + " " + stp;
    }
  }

  record CancelOp(long t, long id, int part) implements Op {
    public Reject core(LimitOrderBook b, BookEvents out) {
      return b.cancel(t, id, part, out);
    }

    public Reject ref(ReferenceBook b) {
      return b.cancel(t, id, part);
    }

    @Override
    public String toString() {
      return "t=" + t + " cancel #" + id + " p" + part;
    }
  }

  record ModifyOp(long t, long id, int part, long price, long qty) implements Op {
    public Reject core(LimitOrderBook b, BookEvents out) {
      return b.modify(t, id, part, price, qty, out);
    }

    public Reject ref(ReferenceBook b) {
      return b.modify(t, id, part, price, qty);
    }

    @Override
    public String toString() {
      return "t=" + t + " modify #" + id + " p" + part + " " + Prices.format(price) + " x" + qty;
    }
  }

  record PhaseOp(long t, Phase next) implements Op {
    public Reject core(LimitOrderBook b, BookEvents out) {
      return b.setPhase(t, next, out);
    }

    public Reject ref(ReferenceBook b) {
      return b.setPhase(t, next);
    }

    @Override
    public String toString() {
      return "t=" + t + " phase " + next;
    }
  }

  record ClockOp(long t) implements Op {
    public Reject core(LimitOrderBook b, BookEvents out) {
      b.onClock(t, out);
      return Reject.NONE;
    }

    public Reject ref(ReferenceBook b) {
      b.onClock(t);
      return Reject.NONE;
    }

    @Override
    public String toString() {
      return "t=" + t + " clock";
    }
  }

  static Op concretize(Cmd c, long now, ReferenceBook ref) {
    if (c instanceof Place p) {
      Object[] tt = TYPE_TIF[p.tif];
      OrderType type = (OrderType) tt[0];
      long px = type == OrderType.LIMIT || (Boolean) tt[2] ? p.price : 0;
      if (type == OrderType.MARKET && (Boolean) tt[2] && px == 0) px = Prices.yen(1);
      return new PlaceOp(now, p.id, p.part, p.side, type, (TimeInForce) tt[1], px, p.qty, p.stp);
    }
    if (c instanceof CancelCmd k) return new CancelOp(now, target(ref, k.id, k.pick), k.part);
    if (c instanceof Modify m) {
      long id = target(ref, m.id, m.pick);
      boolean live = ref.isLive(id);
      long lot = ref.lot();
      long curPrice = live ? ref.priceOf(id) : m.price;
      long curQty = live ? ref.qtyOf(id) : m.lots;
      return switch (m.kind) {
        case 0 -> new ModifyOp(now, id, m.part, curPrice, curQty - m.lots * lot);
        case 1 -> new ModifyOp(now, id, m.part, curPrice, curQty + m.lots * lot);
        case 2 -> new ModifyOp(now, id, m.part, m.price, curQty);
        case 3 -> new ModifyOp(now, id, m.part, m.price, m.lots * lot);
        default -> new ModifyOp(now, id, m.part, curPrice, curQty);
      };
    }
    if (c instanceof SetPhase ph) return new PhaseOp(now, ph.next);
    return new ClockOp(now);
  }

  private static long target(ReferenceBook ref, long id, int pick) {
    if (pick < 0) return id;
    List<Long> live = ref.idsInPriorityOrder();
    return live.isEmpty() ? id : live.get(pick % live.size());
  }

  // ================================================================= the driver

  /** Runs one command stream through the book, the reference, a restored twin and a replay. */
  static final class Driver {
    final BookRules rules;
    final LimitOrderBook book;
    final ReferenceBook ref;
    final BookEvents out = new BookEvents();
    final BookEvents log = new BookEvents(4096);
    final List<String> transcript = new ArrayList<>();
    final Map<Long, long[]> open = new HashMap<>(); // id -> {qty, filled}
    LimitOrderBook twin;
    final BookEvents twinOut = new BookEvents();
    long tradedQty;
    long trades;
    int batch = 1; // commands per event buffer before clear()
    int maxOrders;
    private int from; // first event of the current command in out
    long auctionTrades;
    long acceptedModifies;
    final Map<Reject, Integer> modifyRejects = new java.util.TreeMap<>();
    long specialQuotes;
    final Map<Reject, Integer> rejects = new java.util.EnumMap<>(Reject.class);
    final Map<CancelReason, Integer> cancelReasons = new java.util.EnumMap<>(CancelReason.class);
    final java.util.Set<Phase> phases = java.util.EnumSet.noneOf(Phase.class);

    void collectStatistics() {
      int n = transcript.size();
      Statistics.label("commands per run").collect(n < 500 ? "< 500" : n < 1000 ? "500-999" : n < 2000 ? "1000-1999" : "2000+");
      Statistics.label("trades per run").collect(bucket(trades));
      Statistics.label("auction trades per run").collect(bucket(auctionTrades));
      Statistics.label("special quotes shown per run").collect(bucket(specialQuotes));
      for (Reject r : rejects.keySet()) Statistics.label("rejects seen").collect(r);
      for (CancelReason c : cancelReasons.keySet()) Statistics.label("cancel reasons seen").collect(c);
      for (Phase p : phases) Statistics.label("phases seen").collect(p);
    }

    static String bucket(long n) {
      return n == 0 ? "0" : n < 10 ? "1-9" : n < 100 ? "10-99" : "100+";
    }

    final Set<ReferenceBook.Quirk> quirks;

    Driver(Scenario s, Set<ReferenceBook.Quirk> quirks) {
      this(s.rules, quirks);
    }

    Driver(BookRules rules, Set<ReferenceBook.Quirk> quirks) {
      this.rules = rules;
      this.quirks = quirks;
      this.book = new LimitOrderBook(rules);
      this.ref = new ReferenceBook(rules, quirks);
    }

    /**
     * Runs the stream; on a failure, minimizes the concrete commands (delta debugging: drop chunks
     * while the same kind of failure remains) and fails with the minimal sequence. jqwik's own
     * shrinking is off for these properties: on 1,000-command flat-mapped runs it is slow and its
     * bounded mode leaves the shrinking thread running after the timeout.
     */
    void run(List<Cmd> cmds, int snapshotAt) {
      long now = 0;
      List<Op> ops = new ArrayList<>();
      try {
        for (int i = 0; i < cmds.size(); i++) {
          now += cmds.get(i).dt();
          Op op = concretize(cmds.get(i), now, ref);
          ops.add(op);
          step(i, op);
          if (i == snapshotAt) takeSnapshot(i);
        }
        finish();
      } catch (AssertionError | RuntimeException e) {
        throw minimized(ops, snapshotAt, e);
      }
    }

    private Driver fresh() {
      Driver d = new Driver(rules, quirks);
      d.batch = batch;
      return d;
    }

    /** "trades", "reject", "crossed book without a special quote", ... with numbers blanked. */
    private static String kind(Throwable e) {
      String m = String.valueOf(e.getMessage());
      if (m.startsWith("command ") && m.indexOf(": ") > 0) m = m.substring(m.indexOf(": ") + 2);
      int nl = m.indexOf('\n');
      if (nl >= 0) m = m.substring(0, nl);
      int colon = m.indexOf(':');
      if (colon >= 0) m = m.substring(0, colon);
      return e.getClass().getSimpleName() + " " + m.replaceAll("-?[0-9]+", "N");
    }

    private AssertionError minimized(List<Op> ops, int snapshotAt, Throwable original) {
      String kind = kind(original);
      long deadline = System.nanoTime() + 20_000_000_000L;
      List<Integer> keep = new ArrayList<>();
      for (int k = 0; k < ops.size(); k++) keep.add(k);
      Throwable[] last = {original};
      java.util.function.Predicate<List<Integer>> fails = idx -> {
        List<Op> sub = new ArrayList<>();
        int snap = -1;
        for (int k : idx) {
          sub.add(ops.get(k));
          if (k <= snapshotAt) snap = sub.size() - 1;
        }
        try {
          fresh().runOps(sub, snap);
          return false;
        } catch (AssertionError | RuntimeException e) {
          if (!kind(e).equals(kind)) return false;
          last[0] = e;
          return true;
        }
      };
      if (!fails.test(keep)) {
        return new AssertionError("(not reproducible from the concrete commands)\n" + original.getMessage(), original);
      }
      int n = 2;
      while (keep.size() >= 2 && System.nanoTime() < deadline) {
        int chunk = (keep.size() + n - 1) / n;
        boolean reduced = false;
        for (int start = 0; start < keep.size() && System.nanoTime() < deadline; start += chunk) {
          List<Integer> candidate = new ArrayList<>(keep.subList(0, start));
          candidate.addAll(keep.subList(Math.min(keep.size(), start + chunk), keep.size()));
          if (!candidate.isEmpty() && fails.test(candidate)) {
            keep = candidate;
            n = Math.max(n - 1, 2);
            reduced = true;
            break;
          }
        }
        if (!reduced) {
          if (n >= keep.size()) break;
          n = Math.min(keep.size(), n * 2);
        }
      }
      fails.test(keep); // leaves the failure of the minimal run in last[0]
      StringBuilder sb = new StringBuilder();
      sb.append(kind).append(": minimized from ").append(ops.size()).append(" to ").append(keep.size())
          .append(" commands (").append(rules).append(", quirks ").append(quirks).append(", batch ")
          .append(batch).append("):\n");
      for (int k : keep) sb.append("  ").append(ops.get(k)).append('\n');
      sb.append("\nfailure of the minimized run:\n").append(last[0].getMessage());
      sb.append("\n\noriginal failure:\n").append(original.getMessage());
      return new AssertionError(sb.toString(), original);
    }

    void runOps(List<Op> ops, int snapshotAt) {
      for (int i = 0; i < ops.size(); i++) {
        step(i, ops.get(i));
        if (i == snapshotAt) takeSnapshot(i);
      }
      finish();
    }

    private void takeSnapshot(int i) {
      twin = LimitOrderBook.restore(rules, book.snapshot());
      check(i, twin.stateHash() == book.stateHash(), "restored snapshot has another stateHash");
    }

    private void finish() {
      LimitOrderBook replayed = new LimitOrderBook(rules);
      replayed.apply(log);
      check(transcript.size(), replayed.stateHash() == book.stateHash(),
          "replaying the recorded events gives another stateHash");
      compareFull(transcript.size());
    }

    void step(int i, Op op) {
      transcript.add(op.toString());
      if (i % batch == 0) out.clear();
      from = out.size();
      Reject rb = op.core(book, out);
      Reject rr = op.ref(ref);
      check(i, rb == rr, "reject: book " + rb + ", reference " + rr);
      rejects.merge(rb, 1, Integer::sum);
      if (rb == Reject.NONE && op instanceof ModifyOp) acceptedModifies++;
      if (op instanceof ModifyOp && rb != Reject.NONE) modifyRejects.merge(rb, 1, Integer::sum);
      phases.add(book.phase());

      // trades and cancels
      List<ReferenceBook.Trade> bt = new ArrayList<>();
      List<ReferenceBook.Cancel> bc = new ArrayList<>();
      boolean sqEvent = false;
      for (int k = from; k < out.size(); k++) {
        log.copy(out, k);
        switch (out.type(k)) {
          case TRADE -> {
            bt.add(new ReferenceBook.Trade(out.orderId(k), out.otherOrderId(k), out.price(k),
                out.qty(k), out.side(k)));
            if (out.side(k) == null) auctionTrades++;
          }
          case CANCELLED -> {
            bc.add(new ReferenceBook.Cancel(out.orderId(k), out.leaves(k), out.cancelReason(k)));
            cancelReasons.merge(out.cancelReason(k), 1, Integer::sum);
          }
          case SPECIAL_QUOTE -> {
            if (out.code(k) == 1) specialQuotes++;
            sqEvent = true;
          }
          default -> { }
        }
      }
      check(i, bt.equals(ref.trades()), "trades:\n  book      " + bt + "\n  reference " + ref.trades());
      List<ReferenceBook.Cancel> bcs = new ArrayList<>(bc);
      List<ReferenceBook.Cancel> rcs = new ArrayList<>(ref.cancels());
      bcs.sort(null);
      rcs.sort(null);
      check(i, bcs.equals(rcs), "cancels:\n  book      " + bcs + "\n  reference " + rcs);

      checkInvariants(i);
      compareCheap(i, sqEvent);
      if (i % 25 == 0) compareFull(i);

      maxOrders = Math.max(maxOrders, book.orderCount());
      if (twin != null) {
        twinOut.clear();
        Reject rt = op.core(twin, twinOut);
        check(i, rt == rb, "restored twin: reject " + rt + " vs " + rb);
        String mine = eventsOfThisCommand();
        check(i, twinOut.toString().equals(mine),
            "restored twin emitted other events:\n" + twinOut + "vs\n" + mine);
        if (i % 10 == 0) check(i, twin.stateHash() == book.stateHash(), "restored twin has another stateHash");
      }
    }

    private String eventsOfThisCommand() {
      StringBuilder sb = new StringBuilder();
      for (int k = from; k < out.size(); k++) sb.append(out.describe(k)).append('\n');
      return sb.toString();
    }

    private void checkInvariants(int i) {
      for (int k = from; k < out.size(); k++) {
        switch (out.type(k)) {
          case ACCEPTED -> open.put(out.orderId(k), new long[] {out.qty(k), 0, out.participant(k)});
          case RESTED -> {
            long[] o = open.get(out.orderId(k));
            check(i, o != null, "RESTED of an unknown order #" + out.orderId(k));
            check(i, out.participant(k) == o[2], "RESTED #" + out.orderId(k) + " participant " + out.participant(k));
            check(i, out.qty(k) == o[0] && out.leaves(k) == o[0] - o[1],
                "RESTED #" + out.orderId(k) + " " + out.leaves(k) + "/" + out.qty(k) + " but qty " + o[0] + " filled " + o[1]);
          }
          case REPLACED -> {
            long[] o = open.get(out.orderId(k));
            check(i, o != null, "REPLACED of an unknown order #" + out.orderId(k));
            o[0] = out.qty(k);
            check(i, out.leaves(k) == o[0] - o[1], "REPLACED leaves " + out.leaves(k) + " != qty - filled");
          }
          case TRADE -> {
            tradedQty += out.qty(k);
            trades++;
            check(i, out.qty(k) > 0, "trade of " + out.qty(k));
            long[] b = open.get(out.orderId(k));
            long[] sl = open.get(out.otherOrderId(k));
            check(i, b == null || out.participant(k) == b[2], "TRADE buyer participant " + out.participant(k));
            check(i, sl == null || out.otherParticipant(k) == sl[2], "TRADE seller participant " + out.otherParticipant(k));
            fill(i, out.orderId(k), out.qty(k), out.leaves(k));
            fill(i, out.otherOrderId(k), out.qty(k), out.otherLeaves(k));
          }
          case CANCELLED -> {
            long[] o = open.remove(out.orderId(k));
            check(i, o != null, "CANCELLED of an unknown order #" + out.orderId(k));
            check(i, out.participant(k) == o[2], "CANCELLED #" + out.orderId(k) + " participant " + out.participant(k));
            check(i, out.leaves(k) == o[0] - o[1], "#" + out.orderId(k) + " cancelled " + out.leaves(k)
                + " but qty " + o[0] + " - filled " + o[1] + " = " + (o[0] - o[1]));
          }
          default -> { }
        }
      }
      check(i, tradedQty == book.volume(), "sum of trade quantities " + tradedQty + " != volume " + book.volume());
      check(i, trades == book.tradeCount(), "trades " + trades + " != tradeCount " + book.tradeCount());
      if (book.phase() == Phase.CONTINUOUS && !book.specialQuoteShown()) {
        check(i, book.bestBid() == 0 || book.bestAsk() == 0 || book.bestBid() < book.bestAsk(),
            "crossed book without a special quote: " + book.bestBid() + " / " + book.bestAsk());
        check(i, book.marketQuantity(Side.BUY) == 0 && book.marketQuantity(Side.SELL) == 0,
            "market orders resting in continuous trading without a special quote");
      }
      if (book.phase() == Phase.CLOSED) check(i, book.orderCount() == 0, "orders left in CLOSED");
      check(i, book.orderCount() == countLive(), "orderCount " + book.orderCount() + " != live orders by events " + countLive());
    }

    private int countLive() {
      // orders accepted and not yet dead, minus aggressors that never rested is the same set
      return open.size();
    }

    private void fill(int i, long id, long q, long leaves) {
      long[] o = open.get(id);
      check(i, o != null, "trade for an unknown order #" + id);
      o[1] += q;
      check(i, o[1] <= o[0], "#" + id + " filled " + o[1] + " > qty " + o[0]);
      check(i, leaves == o[0] - o[1], "#" + id + " leaves " + leaves + " != " + (o[0] - o[1]));
      if (leaves == 0) open.remove(id);
    }

    private void compareCheap(int i, boolean sqEvent) {
      eq(i, "phase", ref.phase(), book.phase());
      eq(i, "lastPrice", ref.lastPrice(), book.lastPrice());
      eq(i, "volume", ref.volume(), book.volume());
      eq(i, "tradeCount", ref.tradeCount(), book.tradeCount());
      eq(i, "special quote shown", ref.specialQuoteShown(), book.specialQuoteShown());
      eq(i, "special quote side", ref.specialQuoteSide(), book.specialQuoteSide());
      eq(i, "special quote price", ref.specialQuotePrice(), book.specialQuotePrice());
      if (book.specialQuoteShown()) {
        eq(i, "special quote next step", ref.specialQuoteNextStep(), book.specialQuoteNextStep());
      }
      if (book.specialQuoteShown() && (sqEvent || i % 25 == 0)) {
        BookSnapshot s = book.snapshot();
        eq(i, "special quote band low", ref.specialQuoteLow(), s.bandLow());
        eq(i, "special quote band high", ref.specialQuoteHigh(), s.bandHigh());
      }
      eq(i, "best bid", ref.bestBid(), book.bestBid());
      eq(i, "best ask", ref.bestAsk(), book.bestAsk());
      eq(i, "order count", ref.orderCount(), book.orderCount());
      eq(i, "market buy qty", ref.marketQuantity(Side.BUY), book.marketQuantity(Side.BUY));
      eq(i, "market sell qty", ref.marketQuantity(Side.SELL), book.marketQuantity(Side.SELL));
    }

    void compareFull(int i) {
      for (Side side : Side.values()) {
        long[] px = new long[book.orderCount() + 1];
        long[] qt = new long[book.orderCount() + 1];
        int n = book.depth(side, px, qt);
        List<long[]> rd = ref.depth(side);
        StringBuilder b = new StringBuilder();
        StringBuilder r = new StringBuilder();
        for (int k = 0; k < n; k++) b.append(Prices.format(px[k])).append('x').append(qt[k]).append(' ');
        for (long[] l : rd) r.append(Prices.format(l[0])).append('x').append(l[1]).append(' ');
        eq(i, side + " depth", r.toString(), b.toString());
      }
      BookSnapshot s = book.snapshot();
      List<Long> ids = new ArrayList<>();
      for (long id : s.orderIds()) ids.add(id);
      eq(i, "live orders in priority order", ref.idsInPriorityOrder(), ids);
      List<long[]> rows = ref.ordersInPriorityOrder();
      for (int k = 0; k < s.orderIds().length; k++) {
        long id = s.orderIds()[k];
        long[] r = rows.get(k); // {id, participant, price, qty, leaves}
        long[] b = {id, s.participants()[k], s.prices()[k], s.quantities()[k], s.leaves()[k]};
        if (!Arrays.equals(r, b)) {
          eq(i, "order #" + id + " {id, owner, price, qty, leaves}", Arrays.toString(r), Arrays.toString(b));
        }
        if (book.leavesOf(id) != b[4] || book.ownerOf(id) != b[1] || book.priceOf(id) != b[2]) {
          check(i, false, "leavesOf/ownerOf/priceOf(#" + id + ") disagree with the snapshot");
        }
      }
    }

    private void eq(int i, String what, Object expected, Object actual) {
      check(i, java.util.Objects.equals(expected, actual),
          what + ": reference " + expected + ", book " + actual);
    }

    void check(int i, boolean ok, String what) {
      if (ok) return;
      StringBuilder sb = new StringBuilder();
      sb.append("command ").append(i).append(": ").append(what).append('\n');
      sb.append("events of the last command:\n").append(eventsOfThisCommand());
      sb.append("commands (last 40 of ").append(transcript.size()).append("):\n");
      for (int k = Math.max(0, transcript.size() - 40); k < transcript.size(); k++) {
        sb.append("  [").append(k).append("] ").append(transcript.get(k)).append('\n');
      }
      throw new AssertionError(sb.toString());
    }
  }

  static String dump(List<Op> ops) {
    StringBuilder sb = new StringBuilder();
    for (Op op : ops) sb.append(op).append('\n');
    return sb.toString();
  }
}
