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
   * The sample variance {@code s² = (Σy² − (Σy)²/n) / (n − 1)}; requires {@code n ≥ 2}. The
   * difference of two sums is known only to within {@link #roundingBound} of 0: a difference inside
   * it (every value the same, such as 0.1, whose sums do not cancel exactly; or values so close
   * that the sums cannot tell them apart) is 0, not a rounding residue that would make any
   * difference between arms look significant.
   */
  public double variance() {
    Checks.atLeast("n", n, 2);
    double spread = sumSquares - sum * (sum / n);
    return spread <= roundingBound(n, sumSquares) ? 0.0 : spread / (n - 1);
  }

  /**
   * How far rounding can move a difference {@code Σa² − (Σa)²/n} (or one of several such sums whose
   * square roots add to {@code √scale}) from its exact value: adding n terms rounds by at most (n −
   * 1)·2⁻⁵³ of the sum of their magnitudes, and {@code (Σa)²/n} by at most 2(n − 1)·2⁻⁵³·Σa² more
   * (Cauchy–Schwarz), so {@code 4n·2⁻⁵³·scale} bounds it.
   */
  static double roundingBound(long n, double scale) {
    return 4.0 * n * 0x1p-53 * scale;
  }
}
