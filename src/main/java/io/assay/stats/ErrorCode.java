package io.assay.stats;

/**
 * Why a result is (partly) undefined. Degenerate data never throw and never produce NaN or ±∞: the
 * fields that cannot be computed are null and the result carries one of these codes. When several
 * apply, the first in declaration order is reported.
 */
public enum ErrorCode {
  /**
   * An arm has no units (for a quantile metric: no values): nothing about the comparison is
   * defined.
   */
  EMPTY_ARM,
  /**
   * An arm has fewer units than the minimum ({@code max(2, minUnitsPerArm)}): no variance (or not
   * enough data to trust one), so no standard error, test or interval.
   */
  TOO_FEW_UNITS,
  /** A ratio metric's denominator sums to 0 in an arm: the ratio itself is undefined. */
  ZERO_DENOMINATOR,
  /**
   * A quantity computed from finite sums is outside the range a double holds at full precision: a
   * difference, ratio, variance or standard error overflows (beyond ~1.8e308), or a variance falls
   * among the subnormal numbers (nonzero but below ~2.2e-308, where a double keeps fewer digits).
   * The sums are valid but the metric's scale is extreme (per-unit values around 1e-155 or 1e154,
   * or a ratio's denominator near 0): rescale the metric. Nothing is reported but the unit counts,
   * or, when only the relative lift is affected, everything but the relative lift.
   */
  OUT_OF_RANGE,
  /**
   * A standard error is 0 (for example every unit in both arms has the same value): the effect is
   * reported; the p-value and the interval are null wherever they rest on that standard error (the
   * pooled two-proportion test can still have a p-value when its Wald interval has none).
   */
  ZERO_VARIANCE,
  /** The control mean is 0: the absolute effect is reported, the relative lift is null. */
  ZERO_BASELINE,
  /**
   * The sufficient statistics are not finite: the values are so large (|value| around 1e154 or
   * more) that their sums or sums of squares overflow a double. Nothing but the unit counts is
   * reported; check the metric's value expression and cap.
   */
  OVERFLOW;

  /** The spelling in JSON reports and output tables: lower snake case, like every code word. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
