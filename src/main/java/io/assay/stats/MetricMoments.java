package io.assay.stats;

/**
 * The additive per-arm state of a metric in one segment: the number of units and the sums of the
 * per-unit metric value {@code y}, of the ratio's per-unit denominator {@code d}, of the per-unit
 * pre-period value {@code p} (CUPED) and of a ratio's pre-period denominator {@code q} (CUPED for
 * ratios), with their squares and cross-products. Sums a metric does not use are 0.
 *
 * <p>It is what the Spark aggregation produces (one {@code metric_stats} row), what strata and
 * enrollment days roll up with {@link #plus}, and what the tests read through {@link #y}, {@link
 * #yd}, {@link #yp} and {@link #pre}. Unlike those views it does not validate: sums that overflowed
 * arrive here as they are, and {@link #finite} tells the caller to report them rather than analyse
 * them.
 */
public record MetricMoments(
    long n,
    double sumY,
    double sumY2,
    double sumD,
    double sumD2,
    double sumYD,
    double sumP,
    double sumP2,
    double sumYP,
    double sumQ,
    double sumQ2,
    double sumPQ,
    double sumYQ,
    double sumDP,
    double sumDQ) {

  /** No units. */
  public static final MetricMoments EMPTY = new MetricMoments(0, 0, 0, 0, 0, 0, 0, 0, 0);

  /**
   * The moments of a metric without a pre-period denominator {@code q} (every kind but a ratio with
   * CUPED): the q sums are 0.
   */
  public MetricMoments(
      long n,
      double sumY,
      double sumY2,
      double sumD,
      double sumD2,
      double sumYD,
      double sumP,
      double sumP2,
      double sumYP) {
    this(n, sumY, sumY2, sumD, sumD2, sumYD, sumP, sumP2, sumYP, 0, 0, 0, 0, 0, 0);
  }

  /** The state of the union of two disjoint sets of units. */
  public MetricMoments plus(MetricMoments o) {
    return new MetricMoments(
        n + o.n,
        sumY + o.sumY,
        sumY2 + o.sumY2,
        sumD + o.sumD,
        sumD2 + o.sumD2,
        sumYD + o.sumYD,
        sumP + o.sumP,
        sumP2 + o.sumP2,
        sumYP + o.sumYP,
        sumQ + o.sumQ,
        sumQ2 + o.sumQ2,
        sumPQ + o.sumPQ,
        sumYQ + o.sumYQ,
        sumDP + o.sumDP,
        sumDQ + o.sumDQ);
  }

  /** Whether every sum is finite (a sum of values around 1e154 or more overflows). */
  public boolean finite() {
    for (double v :
        new double[] {
          sumY, sumY2, sumD, sumD2, sumYD, sumP, sumP2, sumYP, sumQ, sumQ2, sumPQ, sumYQ, sumDP,
          sumDQ
        }) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** The same units with every sum 0: what an overflowed cell is analysed on (counts only). */
  public MetricMoments countsOnly() {
    return new MetricMoments(n, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /** The metric value's moments. */
  public SampleMoments y() {
    return new SampleMoments(n, sumY, sumY2);
  }

  /** The metric value with the ratio's denominator (ratio metrics). */
  public BivariateMoments yd() {
    return new BivariateMoments(n, sumY, sumY2, sumD, sumD2, sumYD);
  }

  /** The metric value with its pre-period value (CUPED). */
  public BivariateMoments yp() {
    return new BivariateMoments(n, sumY, sumY2, sumP, sumP2, sumYP);
  }

  /**
   * A ratio metric's sums with its pre-period numerator p and denominator q (CUPED for ratios);
   * validated ({@link RatioMoments}).
   */
  public RatioMoments ratio() {
    return new RatioMoments(
        n, sumY, sumY2, sumD, sumD2, sumYD, sumP, sumP2, sumQ, sumQ2, sumPQ, sumYP, sumYQ, sumDP,
        sumDQ);
  }

  /** The pre-period value's moments (covariate balance of the pre-period metric). */
  public SampleMoments pre() {
    return new SampleMoments(n, sumP, sumP2);
  }
}
