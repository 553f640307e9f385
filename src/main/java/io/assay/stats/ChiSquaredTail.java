package io.assay.stats;

import org.apache.commons.math3.special.Gamma;

/** The upper tail of the chi-square distribution, accurate far into the tail. */
final class ChiSquaredTail {
  private ChiSquaredTail() {}

  /**
   * {@code P(χ²_df ≥ x) = Q(df/2, x/2)}, the regularized upper incomplete gamma function, evaluated
   * directly: {@code 1 − CDF} would round to 0 for every p below about 10⁻¹⁶, and an SRM alert must
   * be able to say how extreme it is. Returns 1 for {@code x ≤ 0}.
   */
  static double upper(double x, int df) {
    Checks.atLeast("df", df, 1);
    Checks.finite("x", x);
    return x <= 0 ? 1.0 : Gamma.regularizedGammaQ(df / 2.0, x / 2.0);
  }
}
