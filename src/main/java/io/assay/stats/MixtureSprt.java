package io.assay.stats;

/**
 * Always-valid inference for a difference {@code δ} by the mixture sequential probability ratio
 * test (mSPRT) of Johari, Koomen, Pekelis and Walsh ("Peeking at A/B Tests", KDD 2017; "Always
 * Valid Inference", Operations Research 70(3), 2022), with a normal mixture {@code δ ~ N(0, τ²)}.
 * Immutable.
 *
 * <p>For an estimate {@code δ̂} with variance {@code s²} (the unpooled {@code s_t²/n_t +
 * s_c²/n_c}), {@code z = δ̂/s} and {@code r = τ²/s²}, the mixture likelihood ratio against {@code
 * H0: δ = 0} is
 *
 * <pre>
 *   Λ = √(s²/(s² + τ²)) · exp( τ² δ̂² / (2 s² (s² + τ²)) ) = (1 + r)^(−½) · exp( r z² / (2(1 + r)) )
 * </pre>
 *
 * <p>and under {@code H0} it is a martingale, so by Ville's inequality {@code P(sup_n Λ_n ≥ 1/α) ≤
 * α}: the p-value {@code p_n = min(1, 1/Λ_n)} and the confidence sequence {@code {δ₀ : Λ_n(δ₀) <
 * 1/α}} stay valid however often one looks. The sequence is
 *
 * <pre>
 *   δ̂ ± s · √( (1 + r)/r · (2 ln(1/α) + ln(1 + r)) )
 * </pre>
 *
 * <p>(Howard, Ramdas, McAuliffe and Sekhon 2021, "Time-uniform, nonparametric, nonasymptotic
 * confidence sequences", normal mixture boundary). A caller that keeps results across looks takes
 * the running minimum of the p-values and the running intersection of the intervals ({@link
 * Result#since}); each look on its own is already valid.
 *
 * <p><b>Mixing variance.</b> {@code τ² = s²·n̄/ρ}, with {@code n̄ = 2/(1/n_c + 1/n_t)} the harmonic
 * mean of the arm sizes: for equal arms and per-unit variances {@code σ_t², σ_c²} that is {@code τ²
 * = (σ_t² + σ_c²)/ρ}, so {@code r = n̄/ρ}. The tuning constant {@code ρ} (in units per arm) fixes
 * where the sequence is tightest: near {@code n̄ = u·ρ} with {@code u = 2 ln(1/α) + ln(1 + u)} (8.2
 * for α = 0.05). {@link #tunedFor} picks {@code ρ} for a planned sample size; the default, {@value
 * #DEFAULT_RHO} units, is tightest near 41,000 units per arm at α = 0.05 and puts the prior scale
 * of the effect at {@code √((σ_t² + σ_c²)/5000) ≈ 0.02σ} — the size of effects online experiments
 * usually see. With variances estimated from the data this is the asymptotic confidence sequence of
 * Waudby-Smith, Arbour, Sinha, Kennedy and Ramdas (2023).
 *
 * <p><b>One-sided alternatives</b> report the relevant side of the two-sided sequence and the
 * two-sided p-value: valid, and conservative for a one-sided question.
 */
public final class MixtureSprt {
  /** The default tuning constant ρ, in units per arm. */
  public static final double DEFAULT_RHO = 5000;

  private final double alpha;
  private final double rho;

  private MixtureSprt(double alpha, double rho) {
    this.alpha = Checks.probability("alpha", alpha);
    this.rho = Checks.positive("rho", rho);
  }

  /** α = 0.05, ρ = {@value #DEFAULT_RHO}. */
  public static MixtureSprt withDefaults() {
    return new MixtureSprt(0.05, DEFAULT_RHO);
  }

  public MixtureSprt withAlpha(double a) {
    return new MixtureSprt(a, rho);
  }

  public MixtureSprt withRho(double r) {
    return new MixtureSprt(alpha, r);
  }

  /** ρ chosen so that the sequence is tightest at {@code plannedUnitsPerArm}. */
  public MixtureSprt tunedFor(double plannedUnitsPerArm) {
    Checks.positive("plannedUnitsPerArm", plannedUnitsPerArm);
    return new MixtureSprt(alpha, plannedUnitsPerArm / tightestAt(alpha));
  }

  public double alpha() {
    return alpha;
  }

  public double rho() {
    return rho;
  }

  /**
   * The {@code u = n̄/ρ} minimizing the width {@code (1 + u)/u² · ln((1 + u)/α²)} at fixed {@code
   * n̄}: the root of {@code u = 2 ln(1/α) + ln(1 + u)}, found by fixed-point iteration (a
   * contraction, slope {@code 1/(1 + u) < 1}).
   */
  static double tightestAt(double alpha) {
    double c = 2 * Math.log(1 / alpha);
    double u = c;
    for (int i = 0; i < 200; i++) {
      u = c + Math.log1p(u);
    }
    return u;
  }

  /**
   * An always-valid result at one look.
   *
   * @param pValue {@code min(1, 1/Λ)}
   * @param ciLower lower bound of the confidence sequence, null for {@code alternative = less}
   * @param ciUpper upper bound, null for {@code alternative = greater}
   * @param mixingVariance the {@code τ²} used
   */
  public record Result(Double pValue, Double ciLower, Double ciUpper, Double mixingVariance) {
    public static final Result UNDEFINED = new Result(null, null, null, null);

    /**
     * This look combined with an earlier one: the smaller p-value and the intersection of the
     * intervals. Null fields of either side are ignored.
     */
    public Result since(Result earlier) {
      return new Result(
          min(pValue, earlier.pValue),
          max(ciLower, earlier.ciLower),
          min(ciUpper, earlier.ciUpper),
          mixingVariance);
    }

    private static Double min(Double a, Double b) {
      return a == null ? b : b == null ? a : Math.min(a, b);
    }

    private static Double max(Double a, Double b) {
      return a == null ? b : b == null ? a : Math.max(a, b);
    }
  }

  /** The always-valid result for a comparison's absolute difference. */
  public Result test(Comparison c, Alternative alternative) {
    Inference a = c.absolute();
    if (c.control() == null || a.effect() == null || a.se() == null || !(a.se() > 0)) {
      return Result.UNDEFINED;
    }
    double harmonicN = 2.0 / (1.0 / c.control().n() + 1.0 / c.treatment().n());
    return test(a.effect(), a.se(), harmonicN, alternative);
  }

  /**
   * The always-valid result for an estimate {@code effect} with standard error {@code se} from arms
   * whose harmonic mean size is {@code harmonicN}.
   */
  public Result test(double effect, double se, double harmonicN, Alternative alternative) {
    Checks.finite("effect", effect);
    Checks.positive("se", se);
    Checks.positive("harmonicN", harmonicN);
    double r = harmonicN / rho;
    double z = effect / se;
    // log Λ, so that a huge z gives p = 0 rather than 1/∞.
    double logLambda = -0.5 * Math.log1p(r) + r * z * z / (2 * (1 + r));
    double p = logLambda <= 0 ? 1 : Math.exp(-logLambda);
    double halfWidth = se * Math.sqrt((1 + r) / r * (2 * Math.log(1 / alpha) + Math.log1p(r)));
    Double lower = alternative == Alternative.LESS ? null : effect - halfWidth;
    Double upper = alternative == Alternative.GREATER ? null : effect + halfWidth;
    return new Result(p, lower, upper, se * se * r);
  }
}
