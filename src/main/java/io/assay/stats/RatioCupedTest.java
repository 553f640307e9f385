package io.assay.stats;

import java.util.List;

/**
 * The delta-method test of a ratio metric on CUPED-adjusted ratios (see {@link
 * RatioCupedAdjustment} for the estimator and its variance). Each arm becomes {@code ArmSummary(n,
 * R_adj, V_L − 2θC + θ²V_M)}; the arms are independent, so {@code se² = Var(R_adj,t) +
 * Var(R_adj,c)}, and the relative lift {@code δ/|R_adj,c|} applies the delta method once more
 * ({@link Comparison}). The reference distribution is the standard normal, as for {@link
 * RatioTest}. Immutable.
 *
 * <p>Also reports the variance reduction of the difference, {@code 1 − Var_adj(δ)/Var_raw(δ)},
 * where {@code Var_raw(δ)} is {@link RatioTest}'s for the same arms. It is about {@code ρ²}, the
 * squared correlation of the linearized ratios {@code L} and {@code M}, when the arms are alike; it
 * can be slightly negative when the pre-period carries nothing.
 *
 * <p>Error codes, in this order: {@link ErrorCode#EMPTY_ARM}, {@link ErrorCode#TOO_FEW_UNITS};
 * {@link ErrorCode#ZERO_DENOMINATOR} when {@code Σd = 0} in an arm, or {@code Σq = 0} in an arm
 * while the adjustment uses the pre-period ({@code θ ≠ 0}, or the fit is null); {@link
 * ErrorCode#OUT_OF_RANGE} when the fit is null (out of range) or a ratio, variance or the
 * difference is outside the range of a double; then {@link Comparison}'s {@link
 * ErrorCode#ZERO_VARIANCE} and {@link ErrorCode#ZERO_BASELINE}.
 *
 * <p>When {@code θ = 0} (no arm's pre-period ratio varies, including no pre-period data at all) the
 * test is exactly {@link RatioTest} on {@code (y, d)} — pre-period sums are then not looked at, so
 * an arm with {@code Σq = 0} is not an error — and the variance reduction is 0.
 */
public final class RatioCupedTest {
  private final TestOptions options;

  private RatioCupedTest(TestOptions options) {
    this.options = options;
  }

  public static RatioCupedTest withDefaults() {
    return new RatioCupedTest(TestOptions.defaults());
  }

  public static RatioCupedTest with(TestOptions options) {
    return new RatioCupedTest(options);
  }

  /**
   * The adjusted comparison.
   *
   * @param comparison the delta-method test on adjusted ratios
   * @param varianceReduction {@code 1 − Var_adj(δ)/Var_raw(δ)}; null when the comparison is
   *     undefined or the unadjusted variance is 0 or out of range
   */
  public record Result(Comparison comparison, Double varianceReduction) {}

  /** Fits {@code θ} on control and treatment only and tests. */
  public Result test(RatioMoments control, RatioMoments treatment) {
    return test(control, treatment, RatioCupedAdjustment.fit(List.of(control, treatment)));
  }

  /**
   * Tests with a given adjustment — fit it once on all arms of the experiment ({@link
   * RatioCupedAdjustment#fit}) so every comparison uses the same {@code θ}. A null adjustment (the
   * fit was out of range) gives {@link ErrorCode#OUT_OF_RANGE}.
   */
  public Result test(
      RatioMoments control, RatioMoments treatment, RatioCupedAdjustment adjustment) {
    ErrorCode size = options.sizeProblem(control.n(), treatment.n());
    if (size != null) {
      return undefined(size);
    }
    boolean identity = adjustment != null && adjustment.theta() == 0;
    if (control.sumD() == 0
        || treatment.sumD() == 0
        || (!identity && (control.sumQ() == 0 || treatment.sumQ() == 0))) {
      return undefined(ErrorCode.ZERO_DENOMINATOR);
    }
    boolean inRange =
        identity
            ? control.yd().squaresInRange() && treatment.yd().squaresInRange()
            : control.squaresInRange() && treatment.squaresInRange();
    if (adjustment == null || !inRange) {
      return undefined(ErrorCode.OUT_OF_RANGE);
    }
    ArmSummary c;
    ArmSummary t;
    try {
      c = adjustment.adjust(control);
      t = adjustment.adjust(treatment);
    } catch (ArithmeticException e) {
      return undefined(ErrorCode.OUT_OF_RANGE);
    }
    double se = Math.sqrt(c.varianceOfMean() + t.varianceOfMean());
    Comparison comparison = Comparison.of(c, t, se, se, null, options);
    Double reduction = null;
    if (comparison.control() != null) {
      try {
        double raw =
            RatioTest.linearize(control.yd()).varianceOfMean()
                + RatioTest.linearize(treatment.yd()).varianceOfMean();
        if (raw > 0 && Checks.representable(raw)) {
          reduction = 1 - (c.varianceOfMean() + t.varianceOfMean()) / raw;
        }
      } catch (ArithmeticException e) {
        // The unadjusted variance is out of range: no reduction to report.
      }
    }
    return new Result(comparison, reduction);
  }

  private static Result undefined(ErrorCode error) {
    return new Result(Comparison.undefined(error), null);
  }
}
