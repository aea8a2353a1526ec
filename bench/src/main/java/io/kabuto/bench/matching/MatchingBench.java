package io.kabuto.bench.matching;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of Kabuto's matching core against exchange-core's {@code OrderBookDirectImpl} on
 * deterministic {@link OrderStream}s of several {@link StreamShape}s, single-threaded, in one JVM.
 *
 * <p>Procedure, shape by shape: generate the stream; one checking pass per engine (acks and rejects
 * per message type, trades, traded quantity, resting orders, resting volume and best price per
 * side must agree); warm-up passes; then timed passes. Engines alternate pass by pass so that
 * drifts of the machine (other processes, thermal, JIT) hit both alike. Every pass starts from a
 * fresh empty book built outside the timed region, after a {@code System.gc()}. A shape's figure is
 * the median ops/s of its timed passes (best also printed), and its ratio Kabuto's over
 * exchange-core's. Allocation on Kabuto's hot path is measured with the thread's allocated-bytes
 * counter across each timed pass.
 *
 * <p>exchange-core needs {@code --add-opens} for java.base/sun.nio.ch, java.lang,
 * java.lang.reflect and java.nio on JDK 17 (it hangs without them); {@code ./kabuto} passes them.
 *
 * <p>The last line printed is exactly {@code matching: worst=<lowest ratio> <shape>=<ratio> ...
 * kabuto=<ops/s> exchange-core=<ops/s> ratio=<kabuto/exchange-core>}, the last three of the
 * reprice shape (the benchmark's original stream; of the first shape run if it was left out).
 */
public final class MatchingBench {
  public static final int DEFAULT_MESSAGES = 2_000_000;
  public static final long DEFAULT_SEED = 42;
  public static final int DEFAULT_WARMUPS = 3;
  public static final int DEFAULT_PASSES = 9;

  /** What one shape measured. */
  public record ShapeResult(StreamShape shape, double kabutoOpsPerSec, double exchangeCoreOpsPerSec,
      double kabutoBestOpsPerSec, double exchangeCoreBestOpsPerSec, double kabutoBytesPerOp,
      double exchangeCoreBytesPerOp, boolean consistent) {
    public double ratio() {
      return kabutoOpsPerSec / exchangeCoreOpsPerSec;
    }
  }

  /** What one run measured: one result per shape, in the order run. */
  public record Result(List<ShapeResult> shapes) {
    public boolean consistent() {
      return shapes.stream().allMatch(ShapeResult::consistent);
    }

    public ShapeResult worst() {
      return shapes.stream().min(Comparator.comparingDouble(ShapeResult::ratio)).orElseThrow();
    }

    /** The reprice shape's result, or the first shape's if it was not run. */
    public ShapeResult headline() {
      return shapes.stream().filter(r -> r.shape() == StreamShape.REPRICE).findFirst().orElse(shapes.get(0));
    }

    public String lastLine() {
      StringBuilder sb = new StringBuilder("matching: ");
      sb.append(String.format(Locale.ROOT, "worst=%.2f", worst().ratio()));
      for (ShapeResult r : shapes) sb.append(String.format(Locale.ROOT, " %s=%.2f", r.shape().label, r.ratio()));
      ShapeResult h = headline();
      sb.append(String.format(Locale.ROOT, " kabuto=%d exchange-core=%d ratio=%.2f",
          Math.round(h.kabutoOpsPerSec()), Math.round(h.exchangeCoreOpsPerSec()), h.ratio()));
      return sb.toString();
    }
  }

  private MatchingBench() {}

  public static void main(String[] args) {
    int messages = DEFAULT_MESSAGES;
    long seed = DEFAULT_SEED;
    int warmups = DEFAULT_WARMUPS;
    int passes = DEFAULT_PASSES;
    List<StreamShape> shapes = List.of(StreamShape.values());
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--messages" -> messages = Integer.parseInt(args[++i].replace("_", ""));
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--warmups" -> warmups = Integer.parseInt(args[++i]);
        case "--passes" -> passes = Integer.parseInt(args[++i]);
        case "--shapes" -> shapes = parseShapes(args[++i]);
        default -> {
          System.err.println("usage: MatchingBench [--messages N] [--seed S] [--warmups W] [--passes P] [--shapes a,b]");
          System.exit(2);
        }
      }
    }
    Result r = run(shapes, messages, seed, warmups, passes, System.out);
    System.exit(r.consistent() ? 0 : 1);
  }

  /** Shape labels, comma-separated (see {@link StreamShape#label}). */
  public static List<StreamShape> parseShapes(String labels) {
    List<StreamShape> out = new ArrayList<>();
    for (String l : labels.split(",")) out.add(StreamShape.of(l.trim()));
    return out;
  }

  /** Every shape, in {@link StreamShape} order. */
  public static Result run(int messages, long seed, int warmups, int passes, PrintStream out) {
    return run(List.of(StreamShape.values()), messages, seed, warmups, passes, out);
  }

  public static Result run(List<StreamShape> shapes, int messages, long seed, int warmups, int passes,
      PrintStream out) {
    if (passes < 1) throw new IllegalArgumentException("passes must be >= 1");
    if (shapes.isEmpty()) throw new IllegalArgumentException("no shape to run");
    out.printf(Locale.ROOT, "matching bench: %d shapes, %,d messages each, seed %d, %d warm-up + %d timed passes "
        + "per engine and shape (%s %s)%n", shapes.size(), messages, seed, warmups, passes,
        System.getProperty("java.vm.name"), System.getProperty("java.version"));
    List<ShapeResult> results = new ArrayList<>();
    for (StreamShape shape : shapes) results.add(runShape(shape, messages, seed, warmups, passes, out));
    Result r = new Result(results);
    out.println();
    for (ShapeResult sr : results) {
      out.printf(Locale.ROOT, "%-10s kabuto %,12.0f ops/s  exchange-core %,12.0f ops/s  ratio %.2f  "
          + "kabuto %.3f bytes/op%s%n", sr.shape().label, sr.kabutoOpsPerSec(), sr.exchangeCoreOpsPerSec(),
          sr.ratio(), sr.kabutoBytesPerOp(), sr.consistent() ? "" : "  ENGINES DISAGREE");
    }
    if (!r.consistent()) out.println("WARNING: the engines disagreed on a stream's outcome (see above)");
    out.println(r.lastLine());
    out.flush();
    return r;
  }

  static ShapeResult runShape(StreamShape shape, int messages, long seed, int warmups, int passes,
      PrintStream out) {
    out.printf(Locale.ROOT, "%n== %s%n", shape.label);
    long t0 = System.nanoTime();
    OrderStream stream = OrderStream.generate(shape, messages, seed);
    out.printf(Locale.ROOT, "stream generated in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000,
        stream.describeMix());

    KabutoAdapter kabuto = new KabutoAdapter();
    ExchangeCoreAdapter exchangeCore = new ExchangeCoreAdapter();
    EngineAdapter[] engines = {kabuto, exchangeCore};

    // checking pass: both engines must see the same outcome of the same stream
    for (EngineAdapter e : engines) {
      e.reset();
      e.run(stream);
      out.println("check " + e.counts());
    }
    boolean consistent = compare(kabuto, exchangeCore, out);

    for (int w = 1; w <= warmups; w++) {
      for (EngineAdapter e : engines) {
        double ops = timedPass(e, stream, null);
        out.printf(Locale.ROOT, "warm-up %s %d/%d: %,.0f ops/s%n", e.name(), w, warmups, ops);
      }
    }

    double[][] ops = new double[2][passes];
    long[][] alloc = new long[2][passes];
    for (int p = 0; p < passes; p++) {
      // alternate which engine goes first, too
      for (int k = 0; k < 2; k++) {
        int ei = (p + k) % 2;
        EngineAdapter e = engines[ei];
        long[] bytes = new long[1];
        ops[ei][p] = timedPass(e, stream, bytes);
        alloc[ei][p] = bytes[0];
        out.printf(Locale.ROOT, "pass %s %d/%d: %,.0f ops/s, %.3f bytes/op%n", e.name(), p + 1, passes,
            ops[ei][p], bytes[0] / (double) stream.size);
      }
    }

    double kMed = median(ops[0]);
    double xMed = median(ops[1]);
    double kBest = Arrays.stream(ops[0]).max().orElse(0);
    double xBest = Arrays.stream(ops[1]).max().orElse(0);
    double kBytes = Arrays.stream(alloc[0]).min().orElse(-1) / (double) stream.size;
    double xBytes = Arrays.stream(alloc[1]).min().orElse(-1) / (double) stream.size;
    out.printf(Locale.ROOT, "kabuto:        median %,.0f ops/s, best %,.0f ops/s (%.0f ns/op median)%n",
        kMed, kBest, 1e9 / kMed);
    out.printf(Locale.ROOT, "exchange-core: median %,.0f ops/s, best %,.0f ops/s (%.0f ns/op median)%n",
        xMed, xBest, 1e9 / xMed);
    out.printf(Locale.ROOT, "allocation per op (thread allocated bytes over a timed pass, lowest): "
        + "kabuto=%.3f bytes/op exchange-core=%.3f bytes/op%n", kBytes, xBytes);
    out.printf(Locale.ROOT, "%s: ratio %.2f%n", shape.label, kMed / xMed);
    return new ShapeResult(shape, kMed, xMed, kBest, xBest, kBytes, xBytes, consistent);
  }

  /** One pass over the stream from a fresh book; returns ops/s; allocated bytes into bytesOut[0]. */
  static double timedPass(EngineAdapter e, OrderStream stream, long[] bytesOut) {
    e.reset();
    System.gc();
    com.sun.management.ThreadMXBean mx = threadMx();
    long a0 = mx != null ? mx.getCurrentThreadAllocatedBytes() : -1;
    long t0 = System.nanoTime();
    e.run(stream);
    long t1 = System.nanoTime();
    long a1 = mx != null ? mx.getCurrentThreadAllocatedBytes() : -1;
    if (bytesOut != null) bytesOut[0] = mx != null ? a1 - a0 : -1;
    return stream.size * 1e9 / (t1 - t0);
  }

  private static com.sun.management.ThreadMXBean threadMx() {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    if (mx instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()) {
      if (!sun.isThreadAllocatedMemoryEnabled()) sun.setThreadAllocatedMemoryEnabled(true);
      return sun;
    }
    return null;
  }

  /** Prints and checks agreement of the two engines' counts after one pass each. */
  static boolean compare(EngineAdapter a, EngineAdapter b, PrintStream out) {
    boolean ok = true;
    for (int t = 0; t < OrderStream.TYPES; t++) {
      if (a.acks[t] != b.acks[t] || a.rejects[t] != b.rejects[t]) {
        out.printf(Locale.ROOT, "MISMATCH %s: %s %d/%d vs %s %d/%d%n", OrderStream.typeName(t), a.name(),
            a.acks[t], a.rejects[t], b.name(), b.acks[t], b.rejects[t]);
        ok = false;
      }
    }
    if (a.tradedQty != b.tradedQty) {
      out.printf(Locale.ROOT, "MISMATCH traded quantity: %s %d vs %s %d%n", a.name(), a.tradedQty, b.name(), b.tradedQty);
      ok = false;
    }
    if (a.trades != b.trades) {
      out.printf(Locale.ROOT, "MISMATCH trades: %s %d vs %s %d%n", a.name(), a.trades, b.name(), b.trades);
      ok = false;
    }
    for (int sd = OrderStream.BUY; sd <= OrderStream.SELL; sd++) {
      String sn = sd == OrderStream.BUY ? "buy" : "sell";
      if (a.restingVolume(sd) != b.restingVolume(sd)) {
        out.printf(Locale.ROOT, "MISMATCH resting %s volume: %s %d vs %s %d%n", sn, a.name(), a.restingVolume(sd),
            b.name(), b.restingVolume(sd));
        ok = false;
      }
      if (a.bestPrice(sd) != b.bestPrice(sd)) {
        out.printf(Locale.ROOT, "MISMATCH best %s: %s %d vs %s %d%n", sn, a.name(), a.bestPrice(sd), b.name(),
            b.bestPrice(sd));
        ok = false;
      }
    }
    if (a.restingOrders() != b.restingOrders()) {
      out.printf(Locale.ROOT, "MISMATCH resting orders: %s %d vs %s %d%n", a.name(), a.restingOrders(), b.name(),
          b.restingOrders());
      ok = false;
    }
    out.println(ok ? "engines agree: same acks/rejects per message type, trades, traded quantity, resting orders, "
        + "resting volume and best price per side"
        : "engines DISAGREE");
    return ok;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
