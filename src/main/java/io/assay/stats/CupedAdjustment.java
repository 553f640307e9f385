package io.assay.stats;

import java.util.Collection;

/**
 * CUPED (Deng, Xu, Kohavi and Walker 2013, "Improving the Sensitivity of Online Controlled
 * Experiments by Utilizing Pre-Experiment Data", WSDM 2013): the metric {@code y} adjusted by a
 * pre-period covariate {@code x} with one coefficient {@code θ} shared by every arm. Immutable.
 *
 * <pre>
 *   θ = Cov(x, y) / Var(x)            from the pooled moments of all arms (their sum)
 *   ȳ_adj   = ȳ − θ·(x̄ − x̄_pooled)     per arm
 *   s²_adj  = s_y² − 2θ·s_xy + θ²·s_x²  per arm, the per-unit variance of y − θx
 * </pre>
 *
 * <p>Using one pooled {@code θ} for every arm keeps the adjusted difference {@code (ȳ_t − ȳ_c) −
 * θ(x̄_t − x̄_c)} unbiased: {@code x} is measured before assignment, so {@code E[x̄_t − x̄_c] = 0}
 * whatever {@code θ} is. Centering on {@code x̄_pooled} leaves differences unchanged and keeps each
 * adjusted mean on the scale of {@code y}, so relative lifts stay meaningful. Inference treats
 * {@code θ} as known, which costs {@code O(1/n)} and is the usual practice. When the pooled {@code
 * Var(x)} is 0 the covariate carries no information and {@code θ = 0}: the adjustment is the
 * identity. When {@code θ} or an adjusted value is out of the range of a double (a covariate whose
 * variance is subnormal, below ~2.2e-308), the comparison is {@link ErrorCode#OUT_OF_RANGE}.
 *
 * @param theta the pooled regression coefficient {@code θ}
 * @param pooledMeanX {@code x̄} over all arms
 */
public record CupedAdjustment(double theta, double pooledMeanX) {
  public CupedAdjustment {
    Checks.finite("theta", theta);
    Checks.finite("pooledMeanX", pooledMeanX);
  }

  /**
   * {@code θ} from the sum of all arms' moments. With fewer than 2 units in all, or no variance in
   * {@code x}, {@code θ = 0}. Null when {@code θ} cannot be computed in range: the pooled sums
   * overflow, the pooled {@code Σx²} or {@code Var(x)} is subnormal (or {@code Σx²} underflowed to
   * 0), or {@code θ} overflows ({@link CupedTest} then reports {@link ErrorCode#OUT_OF_RANGE}).
   */
  public static CupedAdjustment fit(Collection<BivariateMoments> arms) {
    BivariateMoments pooled = BivariateMoments.EMPTY;
    try {
      for (BivariateMoments m : arms) {
        pooled = pooled.plus(m);
      }
    } catch (IllegalArgumentException e) {
      return null; // the pooled sums overflow a double
    }
    if (pooled.n() < 2) {
      return new CupedAdjustment(0, pooled.n() == 0 ? 0 : pooled.sumX() / pooled.n());
    }
    double varX = pooled.x().variance();
    double theta = varX > 0 ? pooled.covariance() / varX : 0;
    if (!pooled.x().squaresInRange() || !Checks.representable(varX) || !Double.isFinite(theta)) {
      return null;
    }
    return new CupedAdjustment(theta, pooled.sumX() / pooled.n());
  }

  /** The arm's adjusted mean {@code ȳ − θ(x̄ − x̄_pooled)}; requires {@code n ≥ 1}. */
  public double adjustedMean(BivariateMoments arm) {
    return arm.sumY() / arm.n() - theta * (arm.sumX() / arm.n() - pooledMeanX);
  }

  /**
   * The arm's adjusted mean and per-unit variance; requires {@code n ≥ 2}.
   *
   * @throws ArithmeticException when either overflows a double ({@link CupedTest} reports {@link
   *     ErrorCode#OUT_OF_RANGE})
   */
  public ArmSummary adjust(BivariateMoments arm) {
    double mean = Checks.inRange("adjusted mean", adjustedMean(arm));
    double v =
        Checks.inRange(
            "adjusted variance",
            arm.y().variance()
                - 2 * theta * arm.covariance()
                + theta * (theta * arm.x().variance()));
    return new ArmSummary(arm.n(), mean, Math.max(0.0, v));
  }
}
