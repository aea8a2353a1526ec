package io.kabuto.bench.matching;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * Throughput of Kabuto's matching core against exchange-core's {@code OrderBookDirectImpl} on the
 * same deterministic {@link OrderStream}, single-threaded, in one JVM.
 *
 * <p>Procedure: generate the stream; one checking pass per engine (acks, rejects and traded
 * quantity must agree); warm-up passes; then timed passes. Engines alternate pass by pass so that
 * drifts of the machine (other processes, thermal, JIT) hit both alike. Every pass starts from a
 * fresh empty book built outside the timed region, after a {@code System.gc()}. The reported figure
 * is the median ops/s of the timed passes (best also printed). Allocation on Kabuto's hot path is
 * measured with the thread's allocated-bytes counter across each timed pass.
 *
 * <p>exchange-core needs {@code --add-opens} for java.base/sun.nio.ch, java.lang,
 * java.lang.reflect and java.nio on JDK 17 (it hangs without them); {@code ./kabuto} passes them.
 *
 * <p>The last line printed is exactly {@code matching: kabuto=<ops/s> exchange-core=<ops/s>
 * ratio=<kabuto/exchange-core>}.
 */
public final class MatchingBench {
  public static final int DEFAULT_MESSAGES = 2_000_000;
  public static final long DEFAULT_SEED = 42;
  public static final int DEFAULT_WARMUPS = 3;
  public static final int DEFAULT_PASSES = 5;

  /** What one run measured. */
  public record Result(double kabutoOpsPerSec, double exchangeCoreOpsPerSec, double kabutoBestOpsPerSec,
      double exchangeCoreBestOpsPerSec, double kabutoBytesPerOp, double exchangeCoreBytesPerOp,
      boolean consistent) {
    public double ratio() {
      return kabutoOpsPerSec / exchangeCoreOpsPerSec;
    }

    public String lastLine() {
      return String.format(Locale.ROOT, "matching: kabuto=%d exchange-core=%d ratio=%.2f",
          Math.round(kabutoOpsPerSec), Math.round(exchangeCoreOpsPerSec), ratio());
    }
  }

  private MatchingBench() {}

  public static void main(String[] args) {
    int messages = DEFAULT_MESSAGES;
    long seed = DEFAULT_SEED;
    int warmups = DEFAULT_WARMUPS;
    int passes = DEFAULT_PASSES;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--messages" -> messages = Integer.parseInt(args[++i].replace("_", ""));
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--warmups" -> warmups = Integer.parseInt(args[++i]);
        case "--passes" -> passes = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: MatchingBench [--messages N] [--seed S] [--warmups W] [--passes P]");
          System.exit(2);
        }
      }
    }
    Result r = run(messages, seed, warmups, passes, System.out);
    System.exit(r.consistent() ? 0 : 1);
  }

  public static Result run(int messages, long seed, int warmups, int passes, PrintStream out) {
    if (passes < 1) throw new IllegalArgumentException("passes must be >= 1");
    out.printf(Locale.ROOT, "matching bench: %,d messages, seed %d, %d warm-up + %d timed passes per engine (%s %s)%n",
        messages, seed, warmups, passes, System.getProperty("java.vm.name"), System.getProperty("java.version"));
    long t0 = System.nanoTime();
    OrderStream stream = OrderStream.generate(messages, seed);
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
    for (EngineAdapter e : engines) out.println("last " + e.counts());

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
    if (!consistent) out.println("WARNING: the engines disagreed on the stream's outcome (see above)");
    Result r = new Result(kMed, xMed, kBest, xBest, kBytes, xBytes, consistent);
    out.printf(Locale.ROOT, "kabuto allocation: %.3f bytes/op (%d bytes over %,d ops, lowest timed pass)%n",
        kBytes, Arrays.stream(alloc[0]).min().orElse(-1), stream.size);
    out.println(r.lastLine());
    out.flush();
    return r;
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
    for (int t = 0; t < 4; t++) {
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
    if (a.restingOrders() != b.restingOrders()) {
      out.printf(Locale.ROOT, "MISMATCH resting orders: %s %d vs %s %d%n", a.name(), a.restingOrders(), b.name(),
          b.restingOrders());
      ok = false;
    }
    out.println(ok ? "engines agree: same acks/rejects per message type, traded quantity and resting orders"
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
