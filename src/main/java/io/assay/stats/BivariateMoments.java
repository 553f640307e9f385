package io.assay.stats;

/**
 * Sufficient statistics of a pair of variables in one arm: the metric {@code y} and a second
 * per-unit variable {@code x} — the denominator of a ratio metric, or the pre-period covariate for
 * CUPED. Immutable and summable with {@link #plus}.
 *
 * @param n number of units, {@code ≥ 0}
 * @param sumY {@code Σ y_i}
 * @param sumYSquares {@code Σ y_i²}
 * @param sumX {@code Σ x_i}
 * @param sumXSquares {@code Σ x_i²}
 * @param sumXY {@code Σ x_i y_i}
 */
public record BivariateMoments(
    long n, double sumY, double sumYSquares, double sumX, double sumXSquares, double sumXY) {
  public BivariateMoments {
    // The marginal constructors validate n, finiteness and the sign of the sums of squares.
    new SampleMoments(n, sumY, sumYSquares);
    new SampleMoments(n, sumX, sumXSquares);
    Checks.finite("sumXY", sumXY);
  }

  /** No units. */
  public static final BivariateMoments EMPTY = new BivariateMoments(0, 0, 0, 0, 0, 0);

  /** The moments of paired values {@code (y[i], x[i])} (for tests and small local data). */
  public static BivariateMoments of(double[] y, double[] x) {
    if (y.length != x.length) {
      throw new IllegalArgumentException("y and x differ in length");
    }
    double sy = 0;
    double syy = 0;
    double sx = 0;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < y.length; i++) {
      sy += y[i];
      syy += y[i] * y[i];
      sx += x[i];
      sxx += x[i] * x[i];
      sxy += x[i] * y[i];
    }
    return new BivariateMoments(y.length, sy, syy, sx, sxx, sxy);
  }

  /** Moments of the union of two disjoint sets of units. */
  public BivariateMoments plus(BivariateMoments o) {
    return new BivariateMoments(
        n + o.n,
        sumY + o.sumY,
        sumYSquares + o.sumYSquares,
        sumX + o.sumX,
        sumXSquares + o.sumXSquares,
        sumXY + o.sumXY);
  }

  /** The marginal moments of {@code y}. */
  public SampleMoments y() {
    return new SampleMoments(n, sumY, sumYSquares);
  }

  /** The marginal moments of {@code x}. */
  public SampleMoments x() {
    return new SampleMoments(n, sumX, sumXSquares);
  }

  /** Both variables' {@link SampleMoments#squaresInRange}. */
  boolean squaresInRange() {
    return y().squaresInRange() && x().squaresInRange();
  }

  /**
   * The sample covariance {@code s_xy = (Σxy − Σx·Σy/n) / (n − 1)}; requires {@code n ≥ 2}. Not
   * clamped: a covariance may be negative.
   */
  public double covariance() {
    Checks.atLeast("n", n, 2);
    return (sumXY - sumX * (sumY / n)) / (n - 1);
  }
}
