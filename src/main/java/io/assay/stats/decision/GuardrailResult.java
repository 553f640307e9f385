package io.assay.stats.decision;

import io.assay.stats.ErrorCode;

/**
 * A guardrail metric's result for a non-inferiority check. The margin is on the scale of the
 * interval (relative margins with relative intervals) and is a non-negative size of harm to
 * tolerate.
 *
 * @param metric name, for the reasons
 * @param ciLower lower confidence bound of the effect, null if open or undefined
 * @param ciUpper upper confidence bound, null if open or undefined
 * @param margin tolerated harm, {@code ≥ 0}
 * @param increaseIsGood whether a positive effect is an improvement
 * @param error the result's error code, or null
 */
public record GuardrailResult(
    String metric,
    Double ciLower,
    Double ciUpper,
    double margin,
    boolean increaseIsGood,
    ErrorCode error) {
  public GuardrailResult {
    if (!(margin >= 0) || !Double.isFinite(margin)) {
      throw new IllegalArgumentException("margin must be finite and >= 0, was " + margin);
    }
  }
}
