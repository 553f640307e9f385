package io.assay.stats;

import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

/**
 * The cumulative distribution function of the noncentral t distribution, {@code P(T ≤ t)} for
 * {@code T = (Z + δ)/√(V/ν)}, {@code Z ~ N(0,1)}, {@code V ~ χ²_ν}. Commons Math 3.6.1 has no
 * noncentral t, and {@link PowerAnalysis} needs it to match R's {@code power.t.test}.
 *
 * <p>Algorithm AS 243 (Lenth, R. V. 1989, "Cumulative distribution function of the non-central t
 * distribution", Applied Statistics 38(1), 185–189), the algorithm behind R's {@code pt(q, df,
 * ncp)}: for {@code t ≥ 0} and {@code x = t²/(t² + ν)},
 *
 * <pre>
 *   P(T ≤ t) = Φ(−δ) + ½ Σ_{j≥0} [ p_j·I_x(j + ½, ν/2) + q_j·I_x(j + 1, ν/2) ]
 *   p_j = e^{−δ²/2} (δ²/2)^j / j!,   q_j = δ e^{−δ²/2} (δ²/2)^j / (√2 Γ(j + 3/2))
 * </pre>
 *
 * <p>with {@code I_x} the regularized incomplete beta function, whose values for successive {@code
 * j} follow by recurrence from the first. Negative {@code t} uses {@code P(T ≤ t; δ) = 1 − P(T ≤
 * −t; −δ)}. Like R, very large {@code ν} ({@code > 4·10⁵}) or {@code |δ| > 37.62} fall back to the
 * normal approximation of Abramowitz and Stegun 26.7.10. Accuracy of the series is about {@code
 * 10⁻¹²}.
 */
public final class NoncentralT {
  private static final int MAX_TERMS = 1000;
  private static final double ERROR_BOUND = 1e-12;
  private static final GaussIntegratorFactory GAUSS = new GaussIntegratorFactory();
  private static final int PIECES = 32;
  private static final int POINTS = 32;
  // Where R's pnt leaves the series for the normal approximation (δ² > 2·ln 2·1021); that
  // approximation is poor for small ν (off by 0.015 at t = 40, ν = 10, δ = 38.5), so we integrate.
  private static final double LARGE_NONCENTRALITY = Math.sqrt(2 * Math.log(2) * 1021);

  private NoncentralT() {}

  /** {@code P(T ≤ t)} for {@code ν = df > 0} and noncentrality {@code δ = ncp}. */
  public static double cdf(double t, double df, double ncp) {
    Checks.positive("df", df);
    Checks.finite("ncp", ncp);
    if (ncp == 0) {
      return Reference.studentT(df).cdf(t);
    }
    if (t == Double.POSITIVE_INFINITY) {
      return 1;
    }
    if (t == Double.NEGATIVE_INFINITY) {
      return 0;
    }
    boolean reflected = t < 0;
    if (reflected && ncp > 40) {
      return 0; // P(T ≤ t) ≤ P(T ≤ 0) = Φ(−ncp) < 1e-300
    }
    double tt = reflected ? -t : t;
    double del = reflected ? -ncp : ncp;
    double series = upperSum(tt, df, del);
    if (Double.isNaN(series)) {
      series = integrated(tt, df, del);
    }
    double lower = reflected ? 1 - series : series;
    return Math.max(0, Math.min(1, lower));
  }

  /** {@code P(T > t)}. */
  public static double survival(double t, double df, double ncp) {
    return 1 - cdf(t, df, ncp);
  }

  /**
   * {@code P(T ≤ t) = ∫ Φ(t√(v/ν) − δ) f_ν(v) dv} with {@code f_ν} the χ²_ν density, integrated in
   * {@code s = log v} (smooth for every {@code ν}, unlike the density itself near 0 when {@code ν <
   * 2}) over the central {@code 1 − 2·10⁻¹⁴} of the χ² mass.
   */
  static double integrated(double t, double df, double ncp) {
    ChiSquaredDistribution chi2 = new ChiSquaredDistribution(null, df);
    // Lower end: for small v, P(V ≤ v) ≈ (v/2)^k / Γ(k + 1) with k = ν/2, so the 1e-14 quantile is
    // about 2·(1e-14·Γ(k + 1))^(1/k); the library's quantile can return 0 there when ν is small.
    double k = df / 2;
    double lo = Math.log(2) + (Math.log(1e-14) + Gamma.logGamma(k + 1)) / k;
    double libraryLo = chi2.inverseCumulativeProbability(1e-14);
    if (libraryLo > 0) {
      lo = Math.min(lo, Math.log(libraryLo));
    }
    double hi = Math.log(chi2.inverseCumulativeProbability(1 - 1e-14));
    double width = (hi - lo) / PIECES;
    double sum = 0;
    for (int i = 0; i < PIECES; i++) {
      GaussIntegrator rule = GAUSS.legendre(POINTS, lo + i * width, lo + (i + 1) * width);
      sum +=
          rule.integrate(
              s -> {
                double v = Math.exp(s);
                double phi =
                    Reference.standardNormal().cumulativeProbability(t * Math.sqrt(v / df) - ncp);
                return phi * chi2.density(v) * v;
              });
    }
    return sum;
  }

  /** {@code P(T ≤ t)} for {@code t ≥ 0} by the AS 243 series; NaN when it loses precision. */
  private static double upperSum(double t, double df, double del) {
    if (df > 4e5) {
      // Abramowitz and Stegun 26.7.10; accurate here because T is nearly normal.
      double s = 1 / (4 * df);
      return Reference.standardNormal()
          .cumulativeProbability((t * (1 - s) - del) / Math.sqrt(1 + t * t * 2 * s));
    }
    if (del > LARGE_NONCENTRALITY) {
      return integrated(t, df, del);
    }
    double sum = 0;
    double t2 = t * t;
    double x = t2 / (t2 + df);
    if (x > 0) {
      double lambda = del * del;
      double p = 0.5 * Math.exp(-0.5 * lambda); // p_0 / 2
      double q = Math.sqrt(2 / Math.PI) * p * del; // q_0 / 2
      double remaining = 0.5 - p; // ½ − Σ p_j/2: the Poisson mass not yet used, for the error bound
      if (remaining < 1e-7) {
        remaining = -0.5 * Math.expm1(-0.5 * lambda);
      }
      double a = 0.5;
      double b = 0.5 * df;
      // (1 − x)^b computed from ν/(t² + ν) directly, which is accurate when t² ≪ ν.
      double oneMinusXPowB = Math.pow(df / (t2 + df), b);
      double logBeta = 0.5 * Math.log(Math.PI) + Gamma.logGamma(b) - Gamma.logGamma(0.5 + b);
      double xOdd = Beta.regularizedBeta(x, a, b); // I_x(½, b)
      double gOdd = 2 * oneMinusXPowB * Math.exp(a * Math.log(x) - logBeta);
      double bx = b * x;
      double xEven = bx < Math.ulp(1.0) ? bx : 1 - oneMinusXPowB; // I_x(1, b)
      double gEven = bx * oneMinusXPowB;
      sum = p * xOdd + q * xEven;
      for (int j = 1; j <= MAX_TERMS; j++) {
        a += 1;
        xOdd -= gOdd; // I_x(a + 1, b) = I_x(a, b) − g(a, b)
        xEven -= gEven;
        gOdd *= x * (a + b - 1) / a;
        gEven *= x * (a + b - 0.5) / (a + 0.5);
        p *= lambda / (2 * j);
        q *= lambda / (2 * j + 1);
        sum += p * xOdd + q * xEven;
        remaining -= p;
        if (remaining < -1e-10) {
          return Double.NaN; // rounding has eaten the series: integrate instead
        }
        if (remaining <= 0 && j > 1) {
          break;
        }
        if (Math.abs(2 * remaining * (xOdd - gOdd)) < ERROR_BOUND) {
          break;
        }
      }
    }
    return sum + Reference.standardNormal().cumulativeProbability(-del);
  }
}
