package io.assay.stats;

/**
 * Whether a share exceeds a bound by more than chance allows: the one-sided score test of a
 * binomial proportion, {@code H0: π ≤ b} against {@code H1: π > b}, for {@code x} successes in
 * {@code n} trials.
 *
 * <pre>
 *   p̂ = x / n,   z = (p̂ − b) / √(b(1 − b) / n),   p = 1 − Φ(z)
 * </pre>
 *
 * <p>The variance is taken under the null value {@code b}, as R's {@code prop.test(x, n, p = b,
 * alternative = "greater", correct = FALSE)} (stats, R 4.x), whose p-value this equals. Balance
 * checks use it with {@code b = intended share + tolerance}, so a share is flagged only when it is
 * confidently above the tolerance band, not whenever a small day's share wobbles past it.
 *
 * @param share {@code p̂}
 * @param z the score statistic
 * @param pValue one-sided p-value
 */
public record ShareExcessTest(double share, double z, double pValue) {

  /**
   * The test of {@code x} of {@code n} against the bound {@code b}.
   *
   * @throws IllegalArgumentException unless {@code 0 ≤ x ≤ n}, {@code n ≥ 1} and {@code 0 < b < 1}
   */
  public static ShareExcessTest test(long x, long n, double bound) {
    Checks.atLeast("n", n, 1);
    if (x < 0 || x > n) {
      throw new IllegalArgumentException("x must be in [0, n], was " + x + " of " + n);
    }
    Checks.probability("bound", bound);
    double share = (double) x / n;
    double z = (share - bound) / Math.sqrt(bound * (1 - bound) / n);
    return new ShareExcessTest(share, z, Reference.normal().cdf(-z));
  }
}
