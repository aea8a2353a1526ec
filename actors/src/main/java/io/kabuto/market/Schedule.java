package io.kabuto.market;

import io.kabuto.matching.Phase;
import java.util.ArrayList;
import java.util.List;

/**
 * The TSE day (tse-rules.md) as phase boundaries, times in ms since midnight. The book runs the
 * itayose each move implies: PRE_OPEN -> CONTINUOUS at 09:00 and 12:30 (opening), CONTINUOUS
 * -> BREAK at 11:30 (morning close), PRE_CLOSE -> CLOSED at 15:30 (closing auction). 12:05 moves
 * BREAK -> PRE_OPEN: afternoon orders are accepted from then.
 */
public final class Schedule {
  private Schedule() {}

  public static final long DAY = 24 * 3_600_000L;

  /** A phase boundary: from {@code time} (ms since midnight) the market is in {@code phase}. */
  public record Boundary(long time, Phase phase) {}

  public static final List<Boundary> TSE = List.of(
      new Boundary(at(8, 0), Phase.PRE_OPEN),
      new Boundary(at(9, 0), Phase.CONTINUOUS),
      new Boundary(at(11, 30), Phase.BREAK),
      new Boundary(at(12, 5), Phase.PRE_OPEN),
      new Boundary(at(12, 30), Phase.CONTINUOUS),
      new Boundary(at(15, 25), Phase.PRE_CLOSE),
      new Boundary(at(15, 30), Phase.CLOSED));

  public static long at(int hour, int minute) {
    return (hour * 60L + minute) * 60_000L;
  }

  /** The phase at {@code time} (ms since the scenario's first midnight; days repeat). */
  public static Phase phaseAt(long time) {
    long t = Math.floorMod(time, DAY);
    Phase p = Phase.CLOSED;
    for (Boundary b : TSE) if (t >= b.time()) p = b.phase();
    return p;
  }

  /** The boundaries crossed in (from, to], in order, with absolute times: a fast clock skips none. */
  public static List<Boundary> crossed(long from, long to) {
    List<Boundary> out = new ArrayList<>();
    if (to <= from) return out;
    long day = Math.floorDiv(from, DAY);
    for (long d = day; d * DAY <= to; d++) {
      for (Boundary b : TSE) {
        long t = d * DAY + b.time();
        if (t > from && t <= to) out.add(new Boundary(t, b.phase()));
      }
    }
    return out;
  }

  public static String hhmmss(long time) {
    long s = Math.floorMod(time, DAY) / 1000;
    return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
