package io.assay.stats;

/**
 * Bayesian summaries under the normal approximation with a flat prior: the posterior of the effect
 * is {@code δ ~ N(δ̂, se²)}, with {@code δ̂} and {@code se} the estimate and the (unpooled)
 * standard error of an {@link Inference}. Let {@code d = δ} when an increase is good and {@code d =
 * −δ} otherwise, so {@code d > 0} means "treatment is better", with mean {@code μ = ±δ̂}:
 *
 * <pre>
 *   chance to beat control   P(d > 0) = Φ(μ/se)
 *   expected loss (ship)     E[max(0, −d)] = se·φ(μ/se) − μ·Φ(−μ/se)
 *   expected loss (control)  E[max(0,  d)] = se·φ(μ/se) + μ·Φ( μ/se)
 * </pre>
 *
 * <p>The losses are in the units of the estimate (metric units for an absolute effect, a fraction
 * for a relative one): what one expects to give up by shipping treatment, or by keeping control, if
 * that choice is the wrong one.
 *
 * @param chanceToBeatControl {@code P(d > 0)}
 * @param expectedLoss expected loss of shipping treatment
 * @param expectedLossControl expected loss of keeping control
 */
public record NormalPosterior(
    Double chanceToBeatControl, Double expectedLoss, Double expectedLossControl) {
  public static final NormalPosterior UNDEFINED = new NormalPosterior(null, null, null);

  /** The summaries of {@code inference}; undefined unless it has an effect and a positive se. */
  public static NormalPosterior of(Inference inference, boolean increaseIsGood) {
    if (inference.effect() == null || inference.se() == null || !(inference.se() > 0)) {
      return UNDEFINED;
    }
    return of(inference.effect(), inference.se(), increaseIsGood);
  }

  public static NormalPosterior of(double effect, double se, boolean increaseIsGood) {
    Checks.finite("effect", effect);
    Checks.positive("se", se);
    double mu = increaseIsGood ? effect : -effect;
    double z = mu / se;
    var normal = Reference.standardNormal();
    double density = normal.density(z);
    double win = normal.cumulativeProbability(z);
    double lose = normal.cumulativeProbability(-z);
    return new NormalPosterior(
        win, Math.max(0, se * density - mu * lose), Math.max(0, se * density + mu * win));
  }
}
