package io.assay.stats;

import java.util.List;

/**
 * Welch's t-test on CUPED-adjusted means (see {@link CupedAdjustment} for the adjustment and {@link
 * WelchTTest} for the test; the Welch–Satterthwaite degrees of freedom use the adjusted variances).
 * Immutable.
 *
 * <p>Also reports the variance reduction of the difference, {@code 1 − Var_adj(δ)/Var_raw(δ)} with
 * {@code Var(δ) = s_t²/n_t + s_c²/n_c} computed from adjusted and raw per-unit variances. It is
 * {@code ≈ ρ²}, the squared correlation of {@code x} and {@code y}, when the arms are alike.
 */
public final class CupedTest {
  private final TestOptions options;

  private CupedTest(TestOptions options) {
    this.options = options;
  }

  public static CupedTest withDefaults() {
    return new CupedTest(TestOptions.defaults());
  }

  public static CupedTest with(TestOptions options) {
    return new CupedTest(options);
  }

  /**
   * The adjusted comparison.
   *
   * @param comparison the Welch test on adjusted means
   * @param adjustment {@code θ} and the pooled covariate mean used; null when they are out of range
   * @param varianceReduction {@code 1 − Var_adj(δ)/Var_raw(δ)}, null when the raw variance is 0 or
   *     the comparison is undefined
   */
  public record Result(
      Comparison comparison, CupedAdjustment adjustment, Double varianceReduction) {}

  /** Fits {@code θ} on control and treatment only and tests. */
  public Result test(BivariateMoments control, BivariateMoments treatment) {
    return test(control, treatment, CupedAdjustment.fit(List.of(control, treatment)));
  }

  /**
   * Tests with a given adjustment — fit it once on all arms of the experiment ({@link
   * CupedAdjustment#fit}) so every comparison uses the same {@code θ}. A null adjustment (the fit
   * was out of range) gives {@link ErrorCode#OUT_OF_RANGE}.
   */
  public Result test(
      BivariateMoments control, BivariateMoments treatment, CupedAdjustment adjustment) {
    ErrorCode size = options.sizeProblem(control.n(), treatment.n());
    if (size != null) {
      return new Result(Comparison.undefined(size), adjustment, null);
    }
    Comparison adjusted;
    try {
      adjusted =
          adjustment == null || !control.squaresInRange() || !treatment.squaresInRange()
              ? Comparison.undefined(ErrorCode.OUT_OF_RANGE)
              : WelchTTest.with(options)
                  .test(adjustment.adjust(control), adjustment.adjust(treatment));
    } catch (ArithmeticException e) {
      adjusted = Comparison.undefined(ErrorCode.OUT_OF_RANGE);
    }
    double raw = control.y().variance() / control.n() + treatment.y().variance() / treatment.n();
    Double reduction = null;
    if (adjusted.control() != null && raw > 0 && Checks.representable(raw)) {
      double adj = adjusted.control().varianceOfMean() + adjusted.treatment().varianceOfMean();
      reduction = 1 - adj / raw;
    }
    return new Result(adjusted, adjustment, reduction);
  }
}
