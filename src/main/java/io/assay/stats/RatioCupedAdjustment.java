package io.assay.stats;

import java.util.List;

/**
 * CUPED for a ratio metric {@code R = Σy/Σd}: regression adjustment of the arm's ratio on the same
 * metric's pre-period ratio {@code R_pre = Σp/Σq}, with one coefficient {@code θ} shared by every
 * arm. The estimator is GrowthBook's {@code RegressionAdjustedRatioStatistic} (gbstats, {@code
 * packages/stats/gbstats/models/statistics.py}) with {@code θ} pooled over all arms of the
 * experiment instead of over the two arms of one comparison. Immutable.
 *
 * <p>Per arm, with {@code ȳ, d̄, p̄, q̄} the per-unit means, {@code R = ȳ/d̄}, {@code R_pre =
 * p̄/q̄} and the sample covariances {@code s} (denominator {@code n − 1}), the delta method
 * linearizes both ratios into per-unit values,
 *
 * <pre>
 *   L_i = (y_i − R·d_i)/d̄        M_i = (p_i − R_pre·q_i)/q̄
 *   V_L = Var(L) = (s_y² − 2R·s_yd + R²·s_d²)/d̄²
 *   V_M = Var(M) = (s_p² − 2R_pre·s_pq + R_pre²·s_q²)/q̄²
 *   C   = Cov(L, M) = (s_yp − R_pre·s_yq − R·s_dp + R·R_pre·s_dq)/(d̄·q̄)
 * </pre>
 *
 * <p>which is the gradient {@code ∇ = (1/d̄, −R/d̄, −θ/q̄, θR_pre/q̄)} of {@code R − θR_pre}
 * applied to the 4×4 covariance matrix of {@code (y, d, p, q)}: the 4-variate delta method. Then
 *
 * <pre>
 *   θ = Σ_a (n_a − 1)·C_a / Σ_a (n_a − 1)·V_M,a          over all arms a
 *   R_adj = R − θ·(R_pre − R̄_pre),  R̄_pre = Σ_all p / Σ_all q
 *   per-unit variance of R_adj: V_L − 2θ·C + θ²·V_M      (the variance of L − θM), Var(R_adj) ≈ it/n
 * </pre>
 *
 * <p>{@code θ} is the pooled within-arm regression slope of {@code L} on {@code M} (each arm
 * linearized about its own ratios, the sums of centred products weighted by {@code n_a − 1}). For
 * two arms of equal size it is GrowthBook's {@code compute_theta_regression_adjusted_ratio}
 * exactly, whose unweighted sum {@code (C_a + C_b)/(V_M,a + V_M,b)} gives a tiny arm as much weight
 * as a large one. Unlike {@link CupedAdjustment}, which takes {@code θ} from the sums of all arms,
 * the ratio's {@code θ} is fitted within arms: linearizing every arm about the pooled ratio would
 * add {@code (R_a − R̄)·Cov(d, M)} to an arm's covariance, a term of the order of the treatment
 * effect itself. Any {@code θ} fixed before the outcomes leaves the adjusted difference consistent,
 * because {@code p} and {@code q} predate assignment ({@code E[R_pre,t − R_pre,c] → 0}); inference
 * treats {@code θ} as known, an {@code O(1/n)} approximation, the usual practice (GrowthBook and
 * {@link CupedAdjustment} alike). Centering on the pooled pre-period ratio {@code R̄_pre} leaves
 * differences unchanged and keeps each adjusted ratio on the metric's scale.
 *
 * <p>When no arm's pre-period ratio varies ({@code Σ (n_a − 1)V_M,a = 0}: a constant pre-period
 * ratio, or no pre-period data at all) the pre-period carries no information and {@code θ = 0}: the
 * adjustment is the identity and {@link RatioCupedTest} is exactly {@link RatioTest}. "Does not
 * vary" allows for the rounding of one-pass sums: {@code V_M} is a difference of terms of size
 * {@code (Σp² + R_pre²·Σq²)/((n − 1)·q̄²)}, and a pooled {@code V_M} within 1e-9 of the pooled size
 * (the rounding the JSON parser allows in sums) is taken as 0 — otherwise a constant ratio such as
 * {@code p = 0.3·q} leaves {@code V_M ≈ 10⁻¹⁷} of rounding and {@code θ} is the ratio of two
 * rounding errors (14.4 in one such case). A pre-period ratio whose per-unit values vary by less
 * than about 5·10⁻⁵ of their size is therefore treated as constant. Arms with fewer than 2 units or
 * a zero denominator sum ({@code Σd = 0} or {@code Σq = 0}) do not enter {@code θ}.
 *
 * @param theta the pooled regression coefficient {@code θ}
 * @param pooledPreRatio {@code R̄_pre = Σp/Σq} over all arms; 0 when {@code θ = 0} and that ratio
 *     is undefined (it is not used then)
 */
public record RatioCupedAdjustment(double theta, double pooledPreRatio) {
  /** Relative rounding allowed in one-pass sums, as in {@link RatioMoments}. */
  private static final double ROUNDING = 1e-9;

  public RatioCupedAdjustment {
    Checks.finite("theta", theta);
    Checks.finite("pooledPreRatio", pooledPreRatio);
  }

  /**
   * {@code θ} pooled over all arms. Null when it cannot be computed in range ({@link
   * RatioCupedTest} then reports {@link ErrorCode#OUT_OF_RANGE}): the pooled sums overflow, an
   * arm's sums of squares are subnormal, an arm's ratio or linearized (co)variance overflows, the
   * pooled pre-period variance {@code Σ (n_a − 1)V_M,a} is subnormal, {@code θ} overflows — or
   * {@code θ ≠ 0} while the pooled pre-period denominator {@code Σ_all q} is 0 (opposite-signed
   * arms' sums cancelling: {@code R̄_pre} undefined).
   */
  public static RatioCupedAdjustment fit(List<RatioMoments> arms) {
    RatioMoments pooled = RatioMoments.EMPTY;
    double weights = 0;
    try {
      for (RatioMoments m : arms) {
        pooled = pooled.plus(m);
        if (fits(m)) {
          weights += m.n() - 1;
        }
      }
    } catch (IllegalArgumentException e) {
      return null; // the pooled sums overflow a double
    }
    double covariance = 0;
    double preVariance = 0;
    double preScale = 0;
    try {
      for (RatioMoments m : arms) {
        if (!fits(m)) {
          continue;
        }
        if (!m.squaresInRange()) {
          return null;
        }
        Linearized l = Linearized.of(m);
        double w = (m.n() - 1) / weights;
        covariance += w * l.covariance();
        preVariance += w * l.preVariance();
        preScale += w * l.preScale();
      }
    } catch (ArithmeticException e) {
      return null;
    }
    if (!Double.isFinite(covariance) || !Double.isFinite(preScale)) {
      return null;
    }
    if (preVariance <= ROUNDING * preScale) {
      preVariance = 0; // no variance beyond the rounding of one-pass sums
    } else if (!Checks.representable(preVariance)) {
      return null;
    }
    double theta = preVariance > 0 ? covariance / preVariance : 0;
    if (!Double.isFinite(theta)) {
      return null;
    }
    double centre = pooled.sumQ() == 0 ? Double.NaN : pooled.sumP() / pooled.sumQ();
    if (theta == 0) {
      return new RatioCupedAdjustment(0, Double.isFinite(centre) ? centre : 0);
    }
    return Double.isFinite(centre) ? new RatioCupedAdjustment(theta, centre) : null;
  }

  /** Whether an arm enters {@code θ}: 2 units or more and both denominators' sums nonzero. */
  private static boolean fits(RatioMoments m) {
    return m.n() >= 2 && m.sumD() != 0 && m.sumQ() != 0;
  }

  /**
   * The arm's adjusted ratio {@code R − θ(R_pre − R̄_pre)}; {@code R = Σy/Σd} itself when {@code θ
   * = 0}.
   *
   * @throws IllegalArgumentException when {@code Σd = 0}, or {@code Σq = 0} while {@code θ ≠ 0}
   *     (the ratio is undefined; {@link RatioCupedTest} reports {@link ErrorCode#ZERO_DENOMINATOR})
   * @throws ArithmeticException when a ratio or the result overflows a double ({@link
   *     RatioCupedTest} reports {@link ErrorCode#OUT_OF_RANGE})
   */
  public double adjustedRatio(RatioMoments arm) {
    if (arm.sumD() == 0) {
      throw new IllegalArgumentException("sumD must not be 0: the ratio is undefined");
    }
    double ratio = Checks.inRange("ratio", arm.sumY() / arm.sumD());
    if (theta == 0) {
      return ratio;
    }
    if (arm.sumQ() == 0) {
      throw new IllegalArgumentException(
          "sumQ must not be 0 when theta != 0: the pre-period ratio is undefined");
    }
    double preRatio = Checks.inRange("pre-period ratio", arm.sumP() / arm.sumQ());
    return Checks.inRange("adjusted ratio", ratio - theta * (preRatio - pooledPreRatio));
  }

  /**
   * The arm's adjusted ratio with the per-unit variance of its linearization {@code L − θM}, {@code
   * V_L − 2θC + θ²V_M}; with {@code θ = 0} exactly {@link RatioTest#linearize} of {@link
   * RatioMoments#yd}. Requires {@code n ≥ 2}, {@code Σd ≠ 0}, and {@code Σq ≠ 0} when {@code θ ≠
   * 0}.
   *
   * @throws ArithmeticException when a ratio or the variance overflows a double, or the variance is
   *     subnormal ({@link RatioCupedTest} reports {@link ErrorCode#OUT_OF_RANGE})
   */
  public ArmSummary adjust(RatioMoments arm) {
    if (theta == 0) {
      return RatioTest.linearize(arm.yd());
    }
    double mean = adjustedRatio(arm);
    Linearized l = Linearized.of(arm);
    double v =
        Checks.inRange(
            "adjusted variance",
            l.postVariance() - 2 * theta * l.covariance() + theta * (theta * l.preVariance()));
    if (v > 0 && v < Double.MIN_NORMAL) {
      throw new ArithmeticException("adjusted variance underflows: " + v);
    }
    // A variance of a linear combination cannot be negative; rounding can make it so.
    return new ArmSummary(arm.n(), mean, Math.max(0.0, v));
  }

  /**
   * One arm's linearized ratios: {@code V_L}, {@code V_M} (both clamped at 0) and {@code C}, per
   * unit, and the scale {@code (Σp² + R_pre²·Σq²)/((n − 1)·q̄²)} of the terms that cancel in {@code
   * V_M}, against which its rounding is judged. Divisions by {@code d̄} and {@code q̄} one at a
   * time, and {@code R·(R·s²)}, keep intermediate values in range longer (as {@link
   * RatioTest#linearize}).
   */
  private record Linearized(
      double postVariance, double preVariance, double covariance, double preScale) {
    /**
     * Requires {@code n ≥ 2}, {@code Σd ≠ 0} and {@code Σq ≠ 0}.
     *
     * @throws ArithmeticException when a ratio or a (co)variance overflows a double
     */
    static Linearized of(RatioMoments m) {
      long n = m.n();
      double dBar = m.sumD() / n;
      double qBar = m.sumQ() / n;
      double r = Checks.inRange("ratio", m.sumY() / m.sumD());
      double rPre = Checks.inRange("pre-period ratio", m.sumP() / m.sumQ());
      BivariateMoments yd = m.yd();
      BivariateMoments pq = m.pq();
      double postSpread = yd.y().variance() - 2 * r * yd.covariance() + r * (r * yd.x().variance());
      double post = inRange("linearized variance", postSpread, postSpread / dBar / dBar);
      double preSpread =
          pq.y().variance() - 2 * rPre * pq.covariance() + rPre * (rPre * pq.x().variance());
      double pre = inRange("linearized pre-period variance", preSpread, preSpread / qBar / qBar);
      double syp = covariance(m.sumYP(), m.sumY(), m.sumP(), n);
      double syq = covariance(m.sumYQ(), m.sumY(), m.sumQ(), n);
      double sdp = covariance(m.sumDP(), m.sumD(), m.sumP(), n);
      double sdq = covariance(m.sumDQ(), m.sumD(), m.sumQ(), n);
      double covSpread = syp - rPre * syq - r * sdp + r * (rPre * sdq);
      double cov = inRange("linearized covariance", covSpread, covSpread / dBar / qBar);
      // The size of V_M's terms before they cancel: (Σp² + R_pre²·Σq²)/(n − 1)/q̄².
      double scale =
          m.sumP2() / (n - 1) / qBar / qBar + rPre * (rPre * (m.sumQ2() / (n - 1) / qBar / qBar));
      return new Linearized(Math.max(0.0, post), Math.max(0.0, pre), cov, scale);
    }

    /**
     * {@code scaled}, the {@code spread} divided by means, when it is finite and, unless {@code
     * spread} is 0, at least {@link Double#MIN_NORMAL} in magnitude: a nonzero spread that
     * underflows to a subnormal or to 0 is out of range, not a zero variance.
     *
     * @throws ArithmeticException otherwise
     */
    private static double inRange(String name, double spread, double scaled) {
      Checks.inRange(name, scaled);
      if (spread != 0 && Math.abs(scaled) < Double.MIN_NORMAL) {
        throw new ArithmeticException(name + " underflows: " + scaled);
      }
      return scaled;
    }

    /** {@code (Σab − Σa·Σb/n)/(n − 1)}, not clamped. */
    private static double covariance(double products, double sumA, double sumB, long n) {
      return (products - sumA * (sumB / n)) / (n - 1);
    }
  }
}
