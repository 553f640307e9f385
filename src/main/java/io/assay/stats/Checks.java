package io.assay.stats;

/** Argument checks shared by the value types; they guard programming errors, not data. */
final class Checks {
  private Checks() {}

  static double finite(String name, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be finite, was " + v);
    }
    return v;
  }

  static void atLeast(String name, long v, long min) {
    if (v < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", was " + v);
    }
  }

  static double probability(String name, double v) {
    if (!(v > 0 && v < 1)) {
      throw new IllegalArgumentException(name + " must be in (0, 1), was " + v);
    }
    return v;
  }

  static double positive(String name, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be finite and > 0, was " + v);
    }
    return v;
  }

  /**
   * Whether {@code v} is a value a double holds at full precision: finite, and 0 or normal (at
   * least {@link Double#MIN_NORMAL} ≈ 2.2e-308 in magnitude). A variance computed from finite sums
   * that fails this is {@link ErrorCode#OUT_OF_RANGE}.
   */
  static boolean representable(double v) {
    return Double.isFinite(v) && (v == 0 || Math.abs(v) >= Double.MIN_NORMAL);
  }

  /**
   * {@code v} when it is finite, else an {@link ArithmeticException}: a quantity computed from
   * finite sums overflowed. The tests catch it and report {@link ErrorCode#OUT_OF_RANGE}.
   */
  static double inRange(String name, double v) {
    if (!Double.isFinite(v)) {
      throw new ArithmeticException(name + " is outside the range of a double: " + v);
    }
    return v;
  }

  /**
   * {@code v} when it is finite, else {@code null}: the one place where NaN/∞ become "undefined".
   */
  static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
