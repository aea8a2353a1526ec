package io.kabuto.bench.journal;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the persistent actors of one run report: completed persists counted by completion time,
 * latencies recorded by start time (the persist call in the closed loop, the scheduled time in
 * the open loop), both only inside the current measuring window. Thread-safe: many actors
 * record at once.
 */
final class Window {
  private final Recorder recorder = new Recorder(3);
  private final LongAdder completedInWindow = new LongAdder();
  private final LongAdder completedTotal = new LongAdder();
  private final LongAdder startedInWindow = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private volatile long start = Long.MAX_VALUE;
  private volatile long end = Long.MAX_VALUE;

  /** Opens a new window [from, to) in System.nanoTime() terms; forgets the previous one. */
  void open(long from, long to) {
    start = Long.MAX_VALUE;
    end = Long.MAX_VALUE;
    recorder.reset();
    completedInWindow.reset();
    startedInWindow.reset();
    start = from;
    end = to;
  }

  /** One persist that started at {@code startNanos} was acknowledged now. */
  void completed(long startNanos) {
    long now = System.nanoTime();
    completedTotal.increment();
    long s = start;
    long e = end;
    if (now >= s && now < e) {
      completedInWindow.increment();
    }
    if (startNanos >= s && startNanos < e) {
      startedInWindow.increment();
      recorder.recordValue(Math.max(0, now - startNanos));
    }
  }

  void failed() {
    failures.increment();
  }

  long failures() {
    return failures.sum();
  }

  long completedTotal() {
    return completedTotal.sum();
  }

  long completedInWindow() {
    return completedInWindow.sum();
  }

  /** Persists that started in the window and are done (the histogram's count). */
  long startedInWindowDone() {
    return startedInWindow.sum();
  }

  /** Latencies (ns) recorded since {@link #open}. */
  Histogram latencies() {
    return recorder.getIntervalHistogram();
  }
}
