package io.assay.stats;

import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.solvers.BrentSolver;

/**
 * Power, sample size and minimum detectable effect of two-sample tests, matching R's {@code
 * power.t.test} (two-sample) and {@code power.prop.test} with their default {@code strict = FALSE}:
 * only the rejection region on the side of the true effect counts. Arms may differ in size: {@code
 * n_t = ratio·n_c}; with {@code ratio = 1} the formulas are R's exactly. {@code sides} is 2 for a
 * two-sided test, 1 for a one-sided one; effects are magnitudes in the tested direction.
 *
 * <p><b>Means</b> (noncentral t, as {@code power.t.test}):
 *
 * <pre>
 *   ν = n_c + n_t − 2,   λ = |δ| / (σ √(1/n_c + 1/n_t)),   power = P(T'_{ν,λ} > t_{ν, 1 − α/sides})
 * </pre>
 *
 * (for {@code n_c = n_t = n}: {@code ν = 2(n − 1)}, {@code λ = √(n/2)·δ/σ}, R's two-sample case).
 *
 * <p><b>Proportions</b> (normal approximation, as {@code power.prop.test}):
 *
 * <pre>
 *   p̄ = (n_c p_c + n_t p_t)/(n_c + n_t)
 *   power = Φ( (|p_t − p_c| − z_{1−α/sides} √(p̄(1 − p̄)(1/n_c + 1/n_t))) / √(p_c(1 − p_c)/n_c + p_t(1 − p_t)/n_t) )
 * </pre>
 *
 * (for equal arms {@code √(p̄(1−p̄)·2/n) = √((p_1 + p_2)(1 − (p_1 + p_2)/2)/n)}, R's form).
 *
 * <p>Sample sizes and MDEs are found by Brent's method to an absolute accuracy of {@code 10⁻⁹}; R's
 * {@code uniroot} stops at {@code tol = 1.2·10⁻⁴}, so R's printed n may differ from these in the
 * fifth decimal. Sample sizes are per arm and fractional, as R reports them: round up to plan.
 * Where no sample size below {@code 10¹⁵} reaches the power, or no proportion does, the result is
 * {@code NaN} here and null in the reports built on it.
 */
public final class PowerAnalysis {
  private static final double MIN_N = 2;
  private static final double MAX_N = 1e15;
  private static final double ACCURACY = 1e-9;

  private PowerAnalysis() {}

  // ---- means ------------------------------------------------------------------------------

  /**
   * Power of the two-sample t-test for a mean difference, planned with one per-unit σ for both arms
   * (as {@code power.t.test}); with such arms Welch's test has practically the same power.
   */
  public static double meansPower(
      double nControl, double nTreatment, double delta, double sd, double alpha, int sides) {
    checkDesign(alpha, sides);
    Checks.positive("sd", sd);
    double df = nControl + nTreatment - 2;
    Checks.positive("n_c + n_t − 2", df);
    double ncp = Math.abs(delta) / (sd * Math.sqrt(1 / nControl + 1 / nTreatment));
    double critical = Reference.studentT(df).quantile(1 - alpha / sides);
    return NoncentralT.survival(critical, df, ncp);
  }

  /** Control-arm n (treatment {@code ratio·n}) giving the power for a mean difference. */
  public static double meansSampleSize(
      double delta, double sd, double alpha, double power, int sides, double ratio) {
    Checks.probability("power", power);
    Checks.positive("ratio", ratio);
    return solveIncreasing(
        n -> meansPower(n, ratio * n, delta, sd, alpha, sides),
        power,
        Math.max(MIN_N, MIN_N / ratio),
        MIN_N,
        MAX_N);
  }

  /** The smallest mean difference detected with the power at the given arm sizes. */
  public static double meansMde(
      double nControl, double nTreatment, double sd, double alpha, double power, int sides) {
    Checks.probability("power", power);
    double se = sd * Math.sqrt(1 / nControl + 1 / nTreatment);
    return solveIncreasing(
        d -> meansPower(nControl, nTreatment, d, sd, alpha, sides), power, 0, se, 1e12 * se);
  }

  // ---- proportions ------------------------------------------------------------------------

  /** Power of the two-proportion z-test (normal approximation). */
  public static double proportionsPower(
      double nControl,
      double nTreatment,
      double pControl,
      double pTreatment,
      double alpha,
      int sides) {
    checkDesign(alpha, sides);
    double pooled = (nControl * pControl + nTreatment * pTreatment) / (nControl + nTreatment);
    double se0 = Math.sqrt(pooled * (1 - pooled) * (1 / nControl + 1 / nTreatment));
    double se1 =
        Math.sqrt(
            pControl * (1 - pControl) / nControl + pTreatment * (1 - pTreatment) / nTreatment);
    double z = Reference.normal().quantile(1 - alpha / sides);
    return Reference.normal().cdf((Math.abs(pTreatment - pControl) - z * se0) / se1);
  }

  /** Control-arm n (treatment {@code ratio·n}) giving the power to tell the proportions apart. */
  public static double proportionsSampleSize(
      double pControl, double pTreatment, double alpha, double power, int sides, double ratio) {
    Checks.probability("power", power);
    Checks.positive("ratio", ratio);
    return solveIncreasing(
        n -> proportionsPower(n, ratio * n, pControl, pTreatment, alpha, sides),
        power,
        Math.max(MIN_N, MIN_N / ratio),
        MIN_N,
        MAX_N);
  }

  /**
   * The smallest increase {@code p_t − p_c > 0} detected with the power at the given arm sizes, or
   * NaN when even {@code p_t → 1} is not enough.
   */
  public static double proportionsMde(
      double nControl, double nTreatment, double pControl, double alpha, double power, int sides) {
    Checks.probability("power", power);
    Checks.probability("pControl", pControl);
    double top = 1 - 1e-12;
    return solveIncreasing(
            p -> proportionsPower(nControl, nTreatment, pControl, p, alpha, sides),
            power,
            pControl,
            (1 - pControl) / 64,
            top)
        - pControl;
  }

  // ---- shared -----------------------------------------------------------------------------

  private static void checkDesign(double alpha, int sides) {
    Checks.probability("alpha", alpha);
    if (sides != 1 && sides != 2) {
      throw new IllegalArgumentException("sides must be 1 or 2, was " + sides);
    }
  }

  /**
   * The root of {@code f(x) = target} for an increasing {@code f} on {@code [lo, hi]}: {@code lo}
   * when {@code f(lo)} already reaches the target, NaN when {@code f(hi)} does not. The bracket is
   * found first by steps that double from {@code firstStep}, because Brent's method on {@code [2,
   * 10¹⁵]} would spend its iterations bisecting far from a root that is usually below {@code 10⁷}.
   */
  static double solveIncreasing(
      DoubleUnaryOperator f, double target, double lo, double firstStep, double hi) {
    if (f.applyAsDouble(lo) >= target) {
      return lo;
    }
    if (f.applyAsDouble(hi) < target) {
      return Double.NaN;
    }
    double step = firstStep;
    double upper = Math.min(hi, lo + step);
    while (f.applyAsDouble(upper) < target) {
      lo = upper;
      step *= 2;
      upper = Math.min(hi, lo + step);
    }
    BrentSolver solver = new BrentSolver(1e-14, ACCURACY);
    return solver.solve(10_000, x -> f.applyAsDouble(x) - target, lo, upper);
  }
}
