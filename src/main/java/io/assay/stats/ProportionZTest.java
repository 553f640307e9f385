package io.assay.stats;

/**
 * Two-proportion z-test for binomial metrics ({@code y ∈ {0,1}}, {@code Σy} = successes).
 * Immutable.
 *
 * <p>Two different variances, on purpose:
 *
 * <ul>
 *   <li><b>test</b> — pooled under {@code H0: p_t = p_c}: with {@code p̄ = (x_t + x_c)/(n_t +
 *       n_c)}, {@code Z = (p̂_t − p̂_c) / √(p̄(1 − p̄)(1/n_t + 1/n_c))}. {@code Z²} is Pearson's
 *       chi-square of the 2×2 table, so the two-sided p-value equals R's {@code prop.test(c(x_t,
 *       x_c), c(n_t, n_c), correct = FALSE)}, and the one-sided ones equal its {@code alternative =
 *       "greater"/"less"}.
 *   <li><b>interval</b> — unpooled (Wald): {@code (p̂_t − p̂_c) ± z_{1−α/2}·√(p̂_t(1 − p̂_t)/n_t +
 *       p̂_c(1 − p̂_c)/n_c)}, because under the alternative the arms' variances differ. This is R's
 *       {@code prop.test} interval when {@code correct = FALSE}, clamped like R's to {@code [−1,
 *       1]}.
 * </ul>
 *
 * <p>The relative lift uses the unpooled per-arm variances {@code p̂(1 − p̂)} (see {@link
 * Comparison}), for its p-value as well as its interval. Because the absolute test uses the pooled
 * variance and its interval the unpooled one, the two can disagree at the margin (p just above α
 * while the interval just excludes 0, or the reverse).
 */
public final class ProportionZTest {
  private final TestOptions options;

  private ProportionZTest(TestOptions options) {
    this.options = options;
  }

  public static ProportionZTest withDefaults() {
    return new ProportionZTest(TestOptions.defaults());
  }

  public static ProportionZTest with(TestOptions options) {
    return new ProportionZTest(options);
  }

  /**
   * The test on success counts ({@link SampleMoments#sum()}) out of {@link SampleMoments#n()}.
   *
   * @throws IllegalArgumentException if a count of successes is outside {@code [0, n]} (invalid
   *     data, not a degenerate case)
   */
  public Comparison test(SampleMoments control, SampleMoments treatment) {
    checkCounts("control", control);
    checkCounts("treatment", treatment);
    ErrorCode size = options.sizeProblem(control.n(), treatment.n());
    if (size != null) {
      return Comparison.undefined(size);
    }
    ArmSummary c = proportion(control);
    ArmSummary t = proportion(treatment);
    double pooled = (control.sum() + treatment.sum()) / (control.n() + treatment.n());
    double seTest = Math.sqrt(pooled * (1 - pooled) * (1.0 / control.n() + 1.0 / treatment.n()));
    double seCi = Math.sqrt(c.varianceOfMean() + t.varianceOfMean());
    Comparison r = Comparison.of(c, t, seTest, seCi, null, options);
    return new Comparison(c, t, r.absolute().clampedTo(-1, 1), r.relative(), r.error());
  }

  /** {@code p̂ = x/n} with the binomial per-unit variance {@code p̂(1 − p̂)}. */
  static ArmSummary proportion(SampleMoments m) {
    double p = m.sum() / m.n();
    return new ArmSummary(m.n(), p, p * (1 - p));
  }

  private static void checkCounts(String arm, SampleMoments m) {
    if (m.sum() < 0 || m.sum() > m.n()) {
      throw new IllegalArgumentException(
          arm + ": successes must be in [0, n], were " + m.sum() + " of " + m.n());
    }
  }
}
