package io.assay.stats;

/**
 * One arm's estimate written as the mean of per-unit values: {@code n}, the estimate {@code mean}
 * and the per-unit {@code variance}, so that {@code Var(mean) ≈ variance / n}. For a plain mean the
 * values are the units' metric values; for a ratio metric or a CUPED-adjusted mean they are the
 * linearized (influence-function) values, which is what lets one comparison routine serve every
 * metric kind.
 *
 * @param n units, {@code ≥ 1}
 * @param mean the arm's estimate
 * @param variance per-unit variance, {@code ≥ 0}
 */
public record ArmSummary(long n, double mean, double variance) {
  public ArmSummary {
    Checks.atLeast("n", n, 1);
    Checks.finite("mean", mean);
    Checks.finite("variance", variance);
    if (variance < 0) {
      throw new IllegalArgumentException("variance must be >= 0, was " + variance);
    }
  }

  /** Mean and sample variance of the moments; requires {@code n ≥ 2}. */
  public static ArmSummary of(SampleMoments m) {
    return new ArmSummary(m.n(), m.mean(), m.variance());
  }

  /** {@code Var(mean) = variance / n}, the squared standard error of the arm's estimate. */
  public double varianceOfMean() {
    return variance / n;
  }
}
