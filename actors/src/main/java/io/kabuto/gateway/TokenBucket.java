package io.kabuto.gateway;

/**
 * An order-rate cap: {@code ratePerSecond} messages per second with bursts up to {@code burst}
 * (arrowhead assigns each connection one of the groups 200, 60 or 5 messages per second). One
 * per participant on a gateway node: its session takes tokens (on the session actor's thread
 * only); front-ends may {@link #empty peek} from any thread to refuse a flood before reading or
 * parsing it. No allocation.
 */
public final class TokenBucket {
  private final double ratePerNano;
  private final double burst;
  // Written by the session's thread only; volatile so that a front-end's peek sees them.
  private volatile double tokens;
  private volatile long last;

  TokenBucket(double ratePerSecond, double burst, long nowNanos) {
    if (ratePerSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("rate must be > 0 and burst >= 1, got " + ratePerSecond
          + "/s burst " + burst);
    }
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.last = nowNanos;
  }

  /** Takes one token if there is one. Session thread only. */
  boolean tryTake(long nowNanos) {
    long elapsed = nowNanos - last;
    double t = tokens;
    if (elapsed > 0) {
      t = Math.min(burst, t + elapsed * ratePerNano);
      last = nowNanos;
    }
    if (t >= 1) {
      tokens = t - 1;
      return true;
    }
    tokens = t;
    return false;
  }

  /**
   * True if a message now would be refused: less than one token even after refilling. Any
   * thread; it takes nothing, so a racing peek at worst lets a message through to the session,
   * which then refuses it itself.
   */
  public boolean empty(long nowNanos) {
    long l = last;
    double t = tokens;
    long elapsed = nowNanos - l;
    return (elapsed > 0 ? Math.min(burst, t + elapsed * ratePerNano) : t) < 1;
  }
}
