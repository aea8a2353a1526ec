package io.kabuto.bench;

/** A whole-system benchmark could not run; the message says what to do. */
public final class BenchFailure extends RuntimeException {
  public BenchFailure(String message) {
    super(message);
  }
}
