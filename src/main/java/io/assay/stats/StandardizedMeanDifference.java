package io.assay.stats;

/**
 * The standardized mean difference of a pre-exposure covariate between a treatment arm and control,
 * the usual measure of covariate balance (Austin 2009, <i>Statistics in Medicine</i> 28:3083):
 *
 * <pre>
 *   d = (x̄_t − x̄_c) / √((s_t² + s_c²) / 2)
 * </pre>
 *
 * <p>with the sample variances {@code s²} of {@link SampleMoments#variance()}. The denominator
 * averages the two variances without weighting by arm size, so {@code d} does not depend on the
 * allocation ratio and, unlike a p-value, not on the sample size: it measures how far apart the
 * arms are, in units of the covariate's spread. Used for attributes at enrollment and for
 * pre-period metric values alike.
 *
 * @param value {@code d}, null when undefined
 * @param error why {@code d} is undefined ({@link ErrorCode#EMPTY_ARM}, {@link
 *     ErrorCode#TOO_FEW_UNITS} below two units in an arm, {@link ErrorCode#ZERO_VARIANCE} when both
 *     arms are constant), null when defined
 */
public record StandardizedMeanDifference(Double value, ErrorCode error) {

  /** {@code d} of {@code treatment} against {@code control}. */
  public static StandardizedMeanDifference of(SampleMoments treatment, SampleMoments control) {
    if (treatment.n() == 0 || control.n() == 0) {
      return new StandardizedMeanDifference(null, ErrorCode.EMPTY_ARM);
    }
    if (treatment.n() < 2 || control.n() < 2) {
      return new StandardizedMeanDifference(null, ErrorCode.TOO_FEW_UNITS);
    }
    double pooled = Math.sqrt((treatment.variance() + control.variance()) / 2);
    if (pooled == 0) {
      return new StandardizedMeanDifference(null, ErrorCode.ZERO_VARIANCE);
    }
    return new StandardizedMeanDifference(
        Checks.finiteOrNull((treatment.mean() - control.mean()) / pooled), null);
  }
}
