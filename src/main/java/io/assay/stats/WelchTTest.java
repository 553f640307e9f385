package io.assay.stats;

/**
 * Welch's two-sample t-test of {@code H0: μ_t = μ_c} for mean and count metrics, without assuming
 * equal variances. Immutable.
 *
 * <pre>
 *   δ  = ȳ_t − ȳ_c
 *   se = √(s_t²/n_t + s_c²/n_c)
 *   T  = δ / se,   T ~ t(ν) under H0, with the Welch–Satterthwaite degrees of freedom
 *   ν  = (s_t²/n_t + s_c²/n_c)² / ( (s_t²/n_t)²/(n_t − 1) + (s_c²/n_c)²/(n_c − 1) )
 * </pre>
 *
 * <p>The same as R's {@code t.test(y_t, y_c, var.equal = FALSE)}. The interval is {@code δ ± t_{ν,
 * 1−α/2}·se} (one-sided variants in {@link Inference}); the relative lift is in {@link Comparison}.
 */
public final class WelchTTest {
  private final TestOptions options;

  private WelchTTest(TestOptions options) {
    this.options = options;
  }

  public static WelchTTest withDefaults() {
    return new WelchTTest(TestOptions.defaults());
  }

  public static WelchTTest with(TestOptions options) {
    return new WelchTTest(options);
  }

  public TestOptions options() {
    return options;
  }

  /** The test on raw sufficient statistics; degenerate inputs give an error code, not a throw. */
  public Comparison test(SampleMoments control, SampleMoments treatment) {
    ErrorCode size = options.sizeProblem(control.n(), treatment.n());
    if (size != null) {
      return Comparison.undefined(size);
    }
    if (!control.squaresInRange() || !treatment.squaresInRange()) {
      return Comparison.undefined(ErrorCode.OUT_OF_RANGE);
    }
    return test(ArmSummary.of(control), ArmSummary.of(treatment));
  }

  /**
   * The test on arm summaries (mean, per-unit variance, n) — also used for CUPED-adjusted means.
   */
  public Comparison test(ArmSummary control, ArmSummary treatment) {
    ErrorCode size = options.sizeProblem(control.n(), treatment.n());
    if (size != null) {
      return Comparison.undefined(size);
    }
    double se = Math.sqrt(control.varianceOfMean() + treatment.varianceOfMean());
    Double df = se > 0 ? degreesOfFreedom(control, treatment) : null;
    return Comparison.of(control, treatment, se, se, df, options);
  }

  /**
   * The Welch–Satterthwaite degrees of freedom {@code ν} above; requires {@code n ≥ 2} in both arms
   * and a positive variance in at least one. {@code ν} does not change when both variances are
   * multiplied by one factor, so they are divided by the larger first: squaring {@code s²/n} itself
   * would overflow to ∞ from about 1e154 and underflow to 0 below about 1e-162, leaving ∞/∞ or 0/0.
   */
  public static double degreesOfFreedom(ArmSummary control, ArmSummary treatment) {
    double scale = Math.max(control.varianceOfMean(), treatment.varianceOfMean());
    double vc = control.varianceOfMean() / scale;
    double vt = treatment.varianceOfMean() / scale;
    double sum = vc + vt;
    return sum * sum / (vc * vc / (control.n() - 1) + vt * vt / (treatment.n() - 1));
  }
}
