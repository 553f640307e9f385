package io.assay.stats;

/**
 * Ratio metrics {@code R = Σy / Σx} per arm (for example revenue per session, with {@code y} and
 * {@code x} summed per unit), analysed by the delta method over per-unit sums as in Deng, Knoblich
 * and Lu (2018), "Applying the Delta Method in Metric Analytics: A Practical Guide with Novel
 * Ideas", KDD 2018, §3. Immutable.
 *
 * <p>The unit of randomization is the unit, not the session, so the sessions of one unit are not
 * independent; the delta method treats {@code (x_i, y_i)} per unit as the i.i.d. observations:
 *
 * <pre>
 *   R̂ = ȳ / x̄
 *   Var(R̂) ≈ (1/n)·(s_y² − 2·R̂·s_xy + R̂²·s_x²) / x̄²
 * </pre>
 *
 * <p>(equivalently {@code (1/n)(s_y²/x̄² − 2ȳ s_xy/x̄³ + ȳ² s_x²/x̄⁴)}, Deng et al. eq. 3). The
 * arms are independent, so {@code Var(R̂_t − R̂_c) = Var(R̂_t) + Var(R̂_c)}, and the relative lift
 * {@code R̂_t/R̂_c − 1} applies the delta method once more (see {@link Comparison}). The reference
 * distribution is the standard normal.
 */
public final class RatioTest {
  private final TestOptions options;

  private RatioTest(TestOptions options) {
    this.options = options;
  }

  public static RatioTest withDefaults() {
    return new RatioTest(TestOptions.defaults());
  }

  public static RatioTest with(TestOptions options) {
    return new RatioTest(options);
  }

  /**
   * The test of {@code H0: R_t = R_c}, with {@code y} the numerator and {@code x} the denominator.
   */
  public Comparison test(BivariateMoments control, BivariateMoments treatment) {
    ErrorCode size = options.sizeProblem(control.n(), treatment.n());
    if (size != null) {
      return Comparison.undefined(size);
    }
    if (control.sumX() == 0 || treatment.sumX() == 0) {
      return Comparison.undefined(ErrorCode.ZERO_DENOMINATOR);
    }
    if (!control.squaresInRange() || !treatment.squaresInRange()) {
      return Comparison.undefined(ErrorCode.OUT_OF_RANGE);
    }
    ArmSummary c;
    ArmSummary t;
    try {
      c = linearize(control);
      t = linearize(treatment);
    } catch (ArithmeticException e) {
      return Comparison.undefined(ErrorCode.OUT_OF_RANGE);
    }
    double se = Math.sqrt(c.varianceOfMean() + t.varianceOfMean());
    return Comparison.of(c, t, se, se, null, options);
  }

  /**
   * The ratio {@code R̂ = ȳ/x̄} with the per-unit variance of its linearization {@code (y_i − R̂
   * x_i)/x̄}: {@code (s_y² − 2R̂ s_xy + R̂² s_x²)/x̄²}. Requires {@code n ≥ 2} and {@code Σx ≠ 0}.
   *
   * @throws ArithmeticException when the ratio or the variance overflows a double (a denominator
   *     near 0, or values near 1e154), or the variance underflows: {@link #test} reports {@link
   *     ErrorCode#OUT_OF_RANGE}
   */
  public static ArmSummary linearize(BivariateMoments m) {
    double xBar = m.sumX() / m.n();
    double ratio = Checks.inRange("ratio", m.sumY() / m.sumX());
    // R̂·(R̂·s_x²) and two divisions by x̄ keep the intermediate values in range longer.
    double spread =
        m.y().variance() - 2 * ratio * m.covariance() + ratio * (ratio * m.x().variance());
    // Each of the three sums is known to within its rounding bound, so their combination to within
    // the bound of (√Σy² + |R̂|·√Σx²)²: a constant per-unit ratio (y = R̂x) lands inside it, and
    // its variance is 0 rather than a residue of the roundings.
    double root = Math.sqrt(m.y().sumSquares()) + Math.abs(ratio) * Math.sqrt(m.x().sumSquares());
    if (m.n() > 1 && spread * (m.n() - 1) <= SampleMoments.roundingBound(m.n(), root * root)) {
      spread = 0;
    }
    double v = Checks.inRange("linearized variance", spread / xBar / xBar);
    if (spread > 0 && v < Double.MIN_NORMAL) {
      throw new ArithmeticException("linearized variance underflows: " + v);
    }
    // A variance of a linear combination cannot be negative; rounding can make it so.
    return new ArmSummary(m.n(), ratio, Math.max(0.0, v));
  }
}
