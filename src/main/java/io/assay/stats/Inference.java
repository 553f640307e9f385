package io.assay.stats;

/**
 * A point estimate with its standard error, p-value and confidence interval — the one place where
 * p-values and intervals are computed from an estimate.
 *
 * <p>With reference distribution {@code F} (Student's t with {@code df} degrees of freedom, or the
 * standard normal when {@code df} is null), statistic {@code T = effect / seTest} and null value 0:
 *
 * <ul>
 *   <li>two-sided: {@code p = 2·F(−|T|)}, interval {@code effect ± F⁻¹(1 − α/2)·seCi};
 *   <li>greater: {@code p = F(−T)}, interval {@code [effect − F⁻¹(1 − α)·seCi, +∞)};
 *   <li>less: {@code p = F(T)}, interval {@code (−∞, effect + F⁻¹(1 − α)·seCi]}.
 * </ul>
 *
 * <p>The standard error of the test and that of the interval are usually the same; the
 * two-proportion z-test is the exception (pooled variance under {@code H0} for the test, unpooled
 * for the interval). Infinite interval bounds are null, as are values that are undefined (a
 * standard error of 0 leaves the p-value and the interval undefined). No field is ever NaN or ±∞.
 *
 * @param effect point estimate
 * @param se standard error of the interval
 * @param ciLower lower confidence bound, null when it is −∞ or undefined
 * @param ciUpper upper confidence bound, null when it is +∞ or undefined
 * @param pValue p-value against {@code effect = 0}
 * @param df degrees of freedom of the t reference distribution; null for the normal
 */
public record Inference(
    Double effect, Double se, Double ciLower, Double ciUpper, Double pValue, Double df) {

  /** Nothing defined. */
  public static final Inference UNDEFINED = new Inference(null, null, null, null, null, null);

  /**
   * The inference for {@code effect} under the stated reference distribution.
   *
   * @param seTest standard error under the null hypothesis, for the p-value
   * @param seCi standard error for the interval
   * @param df t degrees of freedom, or null for the standard normal
   */
  public static Inference of(
      double effect, double seTest, double seCi, Double df, TestOptions options) {
    Reference ref = df == null ? Reference.normal() : Reference.studentT(df);
    Double p = null;
    if (seTest > 0) {
      double t = effect / seTest;
      p =
          switch (options.alternative()) {
            case TWO_SIDED -> Math.min(1.0, 2 * ref.cdf(-Math.abs(t)));
            case GREATER -> ref.cdf(-t);
            case LESS -> ref.cdf(t);
          };
    }
    Double lower = null;
    Double upper = null;
    if (seCi > 0) {
      double q = ref.quantile(1 - options.alpha() / options.alternative().sides());
      if (options.alternative() != Alternative.LESS) {
        lower = effect - q * seCi;
      }
      if (options.alternative() != Alternative.GREATER) {
        upper = effect + q * seCi;
      }
    }
    return new Inference(
        Checks.finiteOrNull(effect),
        Checks.finiteOrNull(seCi),
        nullable(lower),
        nullable(upper),
        nullable(p),
        df == null ? null : Checks.finiteOrNull(df));
  }

  /** Same standard error for test and interval. */
  public static Inference of(double effect, double se, Double df, TestOptions options) {
    return of(effect, se, se, df, options);
  }

  /**
   * This inference with its finite interval bounds clamped to {@code [min, max]}: a difference of
   * proportions lies in {@code [−1, 1]}, and R's {@code prop.test} clamps its interval the same
   * way. Open (null) bounds stay open.
   */
  public Inference clampedTo(double min, double max) {
    return new Inference(
        effect,
        se,
        ciLower == null ? null : Math.max(min, ciLower),
        ciUpper == null ? null : Math.min(max, ciUpper),
        pValue,
        df);
  }

  private static Double nullable(Double v) {
    return v == null ? null : Checks.finiteOrNull(v);
  }
}
