package io.assay.stats;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/** A reference distribution for a test statistic: Student's t or the standard normal. */
final class Reference {
  // Null random generators: these instances are never sampled from, and creating the default
  // Well19937c generator for each one would dominate the cost of a test.
  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);
  private static final Reference NORMAL = new Reference(null);
  private static final double NORMAL_DF = 1e7;

  private final TDistribution t;

  private Reference(TDistribution t) {
    this.t = t;
  }

  static Reference normal() {
    return NORMAL;
  }

  /**
   * Student's t; beyond {@value #NORMAL_DF} degrees of freedom the standard normal, which differs
   * from t there by less than 2·10⁻⁸ in the tails that matter, while Commons Math's t loses
   * accuracy (its 0.975 quantile is off by 2·10⁻⁶ at 10¹⁰ degrees of freedom and fails to bracket
   * at 10¹⁵).
   */
  static Reference studentT(double df) {
    Checks.positive("df", df);
    return df > NORMAL_DF ? NORMAL : new Reference(new TDistribution(null, df));
  }

  double cdf(double x) {
    return t == null ? STANDARD_NORMAL.cumulativeProbability(x) : t.cumulativeProbability(x);
  }

  double quantile(double p) {
    return t == null
        ? STANDARD_NORMAL.inverseCumulativeProbability(p)
        : t.inverseCumulativeProbability(p);
  }

  /** The standard normal distribution, for callers outside a test (power, Bayesian). */
  static NormalDistribution standardNormal() {
    return STANDARD_NORMAL;
  }
}
