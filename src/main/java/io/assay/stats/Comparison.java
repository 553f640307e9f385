package io.assay.stats;

/**
 * One treatment arm against control for one metric.
 *
 * <ul>
 *   <li>{@code absolute}: {@code δ = m_t − m_c}, where {@code m} is each arm's estimate (a mean, a
 *       proportion, a ratio, or a CUPED-adjusted mean);
 *   <li>{@code relative}: the lift {@code m_t / m_c − 1} with the delta-method standard error
 *       {@code se² = v_t/m_c² + m_t²·v_c/m_c⁴}, where {@code v = Var(m)}, and the normal reference
 *       distribution (the delta method is a large-sample approximation).
 * </ul>
 *
 * @param control control arm's estimate, null when it cannot be computed (see {@code error})
 * @param treatment treatment arm's estimate, null when it cannot be computed
 * @param absolute inference on the difference; all fields null when undefined
 * @param relative inference on the relative lift; all fields null when undefined
 * @param error why part of the result is undefined, or null when all of it is defined
 */
public record Comparison(
    ArmSummary control,
    ArmSummary treatment,
    Inference absolute,
    Inference relative,
    ErrorCode error) {

  /** Nothing computable: an arm is empty, too small, or a ratio has no denominator. */
  public static Comparison undefined(ErrorCode error) {
    return new Comparison(null, null, Inference.UNDEFINED, Inference.UNDEFINED, error);
  }

  /**
   * The comparison of two arm estimates whose variances are independent.
   *
   * @param seTest standard error of {@code δ} under {@code H0}, for the p-value
   * @param seCi standard error of {@code δ} for the interval
   * @param df t degrees of freedom of the absolute test, or null for the normal
   */
  static Comparison of(
      ArmSummary c, ArmSummary t, double seTest, double seCi, Double df, TestOptions options) {
    Inference absolute = Inference.of(t.mean() - c.mean(), seTest, seCi, df, options);
    ErrorCode error = seTest > 0 && seCi > 0 ? null : ErrorCode.ZERO_VARIANCE;
    Inference relative;
    if (c.mean() == 0) {
      relative = Inference.UNDEFINED;
      error = error == null ? ErrorCode.ZERO_BASELINE : error;
    } else {
      relative = relativeLift(c, t, options);
    }
    return new Comparison(c, t, absolute, relative, error);
  }

  /** Lift {@code m_t/m_c − 1} with the delta-method standard error; requires {@code m_c ≠ 0}. */
  private static Inference relativeLift(ArmSummary c, ArmSummary t, TestOptions options) {
    double mc = c.mean();
    double mt = t.mean();
    double mc2 = mc * mc;
    double variance = t.varianceOfMean() / mc2 + mt * mt * c.varianceOfMean() / (mc2 * mc2);
    return Inference.of(mt / mc - 1, Math.sqrt(variance), null, options);
  }
}
