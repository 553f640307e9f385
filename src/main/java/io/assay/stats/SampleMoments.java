package io.assay.stats;

/**
 * Sufficient statistics of one variable in one arm: {@code n}, {@code Σy} and {@code Σy²}.
 * Immutable and summable: strata and days roll up with {@link #plus}, never by scanning again.
 *
 * <p>For a binomial metric {@code y ∈ {0, 1}}, so {@code Σy² = Σy} and {@code Σy} is the number of
 * successes.
 *
 * @param n number of units, {@code ≥ 0}
 * @param sum {@code Σ y_i}
 * @param sumSquares {@code Σ y_i²}
 */
public record SampleMoments(long n, double sum, double sumSquares) {
  public SampleMoments {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, was " + n);
    }
    Checks.finite("sum", sum);
    Checks.finite("sumSquares", sumSquares);
    if (sumSquares < 0) {
      throw new IllegalArgumentException("sumSquares must be >= 0, was " + sumSquares);
    }
  }

  /** No units. */
  public static final SampleMoments EMPTY = new SampleMoments(0, 0, 0);

  /** The moments of the given values (for tests and small local data). */
  public static SampleMoments of(double... values) {
    double s = 0;
    double ss = 0;
    for (double v : values) {
      s += v;
      ss += v * v;
    }
    return new SampleMoments(values.length, s, ss);
  }

  /** Moments of the union of two disjoint sets of units. */
  public SampleMoments plus(SampleMoments other) {
    return new SampleMoments(n + other.n, sum + other.sum, sumSquares + other.sumSquares);
  }

  /** {@code ȳ = Σy / n}; requires {@code n ≥ 1}. */
  public double mean() {
    Checks.atLeast("n", n, 1);
    return sum / n;
  }

  /**
   * Whether {@code Σy²} is held at full precision: a normal double, or 0 with {@code Σy = 0} (every
   * value 0). Below that (values smaller than about 1e-154, whose squares are subnormal or
   * underflow to 0) the variance cannot be told from 0 or computed to more than a few digits: the
   * tests report {@link ErrorCode#OUT_OF_RANGE}.
   */
  boolean squaresInRange() {
    return sumSquares >= Double.MIN_NORMAL || (sumSquares == 0 && sum == 0);
  }

  /**
   * The sample variance {@code s² = (Σy² − (Σy)²/n) / (n − 1)}; requires {@code n ≥ 2}. Rounding in
   * the difference of two large sums can make it slightly negative when the true value is 0; it is
   * clamped to 0.
   */
  public double variance() {
    Checks.atLeast("n", n, 2);
    return Math.max(0.0, (sumSquares - sum * (sum / n)) / (n - 1));
  }
}
