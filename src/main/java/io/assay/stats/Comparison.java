package io.assay.stats;

/**
 * One treatment arm against control for one metric.
 *
 * <ul>
 *   <li>{@code absolute}: {@code δ = m_t − m_c}, where {@code m} is each arm's estimate (a mean, a
 *       proportion, a ratio, or a CUPED-adjusted mean);
 *   <li>{@code relative}: the lift {@code (m_t − m_c)/|m_c|} — {@code m_t/m_c − 1} for a positive
 *       baseline; dividing by {@code |m_c|} keeps the sign of {@code δ} when the baseline is
 *       negative (control −2, treatment −1: +50%, not −50%) — with the delta-method standard error
 *       {@code se² = v_t/m_c² + m_t²·v_c/m_c⁴}, where {@code v = Var(m)} (the sign does not change
 *       it), and the normal reference distribution (the delta method is a large-sample
 *       approximation).
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
   * The comparison of two arm estimates whose variances are independent. {@link
   * ErrorCode#OUT_OF_RANGE} when {@code δ} overflows or a variance {@code se²} is not a normal
   * double (then nothing is computed), or when only the relative lift's is not (then only it is
   * null). A variance of 0 is {@link ErrorCode#ZERO_VARIANCE} only when both arms' are 0.
   *
   * @param seTest standard error of {@code δ} under {@code H0}, for the p-value
   * @param seCi standard error of {@code δ} for the interval
   * @param df t degrees of freedom of the absolute test, or null for the normal
   */
  static Comparison of(
      ArmSummary c, ArmSummary t, double seTest, double seCi, Double df, TestOptions options) {
    double effect = t.mean() - c.mean();
    if (!Double.isFinite(effect)
        || !inRange(seTest * seTest, c, t)
        || !inRange(seCi * seCi, c, t)) {
      return undefined(ErrorCode.OUT_OF_RANGE);
    }
    Inference absolute = Inference.of(effect, seTest, seCi, df, options);
    ErrorCode error = seTest > 0 && seCi > 0 ? null : ErrorCode.ZERO_VARIANCE;
    Inference relative = Inference.UNDEFINED;
    if (c.mean() == 0) {
      error = error == null ? ErrorCode.ZERO_BASELINE : error;
    } else {
      relative = relativeLift(c, t, options);
      if (relative == null) {
        relative = Inference.UNDEFINED;
        error = error == null ? ErrorCode.OUT_OF_RANGE : error;
      }
    }
    return new Comparison(c, t, absolute, relative, error);
  }

  /**
   * Lift {@code (m_t − m_c)/|m_c|} with the delta-method standard error, {@code se² = (v_t +
   * (m_t/m_c)² v_c)/m_c²}; requires {@code m_c ≠ 0}. Null when the lift or {@code se²} is out of
   * range.
   */
  private static Inference relativeLift(ArmSummary c, ArmSummary t, TestOptions options) {
    double mc = c.mean();
    double ratio = t.mean() / mc;
    double lift = mc > 0 ? ratio - 1 : 1 - ratio; // (m_t − m_c)/|m_c|
    double variance = (t.varianceOfMean() + ratio * ratio * c.varianceOfMean()) / mc / mc;
    if (!Double.isFinite(lift) || !inRange(variance, c, t)) {
      return null;
    }
    return Inference.of(lift, Math.sqrt(variance), null, options);
  }

  /**
   * Whether a variance computed from the arms' variances is held at full precision: finite, and
   * normal, or 0 because both arms' variances are 0 (not because it underflowed).
   */
  private static boolean inRange(double variance, ArmSummary c, ArmSummary t) {
    return Double.isFinite(variance)
        && (variance >= Double.MIN_NORMAL
            || (variance == 0 && c.variance() == 0 && t.variance() == 0));
  }
}
