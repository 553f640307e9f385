package io.assay.stats;

/**
 * The pre-launch calculator: the sample size per arm for a minimum detectable effect, or the MDE
 * for a sample size, for a mean or a proportion (formulas in {@link PowerAnalysis}). With several
 * treatment arms each is compared with control; the optional Bonferroni correction tests each at
 * {@code α/(arms − 1)}. The allocation ratio is {@code n_treatment / n_control} for every treatment
 * arm, so the total is {@code n_c + (arms − 1)·n_t}.
 */
public final class SampleSizeCalculator {
  private SampleSizeCalculator() {}

  /** What the metric is. */
  public enum Metric {
    MEAN,
    PROPORTION
  }

  /**
   * The design.
   *
   * @param metric mean or proportion
   * @param baseline the control mean, or the control proportion in {@code (0, 1)}
   * @param sd per-unit standard deviation (means only; ignored for proportions)
   * @param alpha family significance level
   * @param power target power
   * @param arms number of arms including control, {@code ≥ 2}
   * @param bonferroni divide alpha among the {@code arms − 1} comparisons
   * @param ratio allocation ratio {@code n_treatment / n_control}
   * @param alternative one- or two-sided
   */
  public record Design(
      Metric metric,
      double baseline,
      double sd,
      double alpha,
      double power,
      int arms,
      boolean bonferroni,
      double ratio,
      Alternative alternative) {
    public Design {
      Checks.probability("alpha", alpha);
      Checks.probability("power", power);
      Checks.positive("ratio", ratio);
      Checks.finite("baseline", baseline);
      if (arms < 2) {
        throw new IllegalArgumentException("arms must be >= 2, was " + arms);
      }
      if (metric == Metric.PROPORTION) {
        Checks.probability("baseline proportion", baseline);
      } else {
        Checks.positive("sd", sd);
      }
    }

    /** {@code α/(arms − 1)} with Bonferroni, else {@code α}. */
    public double alphaPerComparison() {
      return bonferroni ? alpha / (arms - 1) : alpha;
    }
  }

  /**
   * A solved design. Arm sizes are reported exactly (fractional, as R does) and rounded up.
   * Undefined values (an MDE that no sample size can detect, a relative MDE with a zero baseline)
   * are null.
   */
  public record Plan(
      Design design,
      double alphaPerComparison,
      Double mdeAbsolute,
      Double mdeRelative,
      Double nControl,
      Double nTreatment,
      Long nControlRoundedUp,
      Long nTreatmentRoundedUp,
      Long totalRoundedUp) {}

  /**
   * The arm sizes detecting {@code mde} with the design's power.
   *
   * @param mde the effect, {@code > 0}: absolute, or relative to the baseline when {@code relative}
   */
  public static Plan sampleSize(Design d, double mde, boolean relative) {
    Checks.positive("mde", mde);
    if (relative && d.baseline() == 0) {
      throw new IllegalArgumentException("a relative MDE needs a non-zero baseline");
    }
    double absolute = relative ? mde * Math.abs(d.baseline()) : mde;
    double a = d.alphaPerComparison();
    int sides = d.alternative().sides();
    double nc;
    if (d.metric() == Metric.MEAN) {
      nc = PowerAnalysis.meansSampleSize(absolute, d.sd(), a, d.power(), sides, d.ratio());
    } else {
      double pt = d.baseline() + absolute;
      if (!(pt < 1)) {
        throw new IllegalArgumentException(
            "baseline + mde must be below 1 for a proportion, was " + pt);
      }
      nc = PowerAnalysis.proportionsSampleSize(d.baseline(), pt, a, d.power(), sides, d.ratio());
    }
    return plan(d, absolute, nc);
  }

  /** The smallest effect (an increase) detected with the design's power by {@code nControl}. */
  public static Plan mde(Design d, double nControl) {
    if (!(nControl >= 2) || !Double.isFinite(nControl)) {
      throw new IllegalArgumentException("n per arm must be >= 2, was " + nControl);
    }
    double nt = d.ratio() * nControl;
    double a = d.alphaPerComparison();
    int sides = d.alternative().sides();
    double absolute =
        d.metric() == Metric.MEAN
            ? PowerAnalysis.meansMde(nControl, nt, d.sd(), a, d.power(), sides)
            : PowerAnalysis.proportionsMde(nControl, nt, d.baseline(), a, d.power(), sides);
    return plan(d, absolute, nControl);
  }

  private static Plan plan(Design d, double absoluteMde, double nControl) {
    Double mde = Checks.finiteOrNull(absoluteMde);
    Double rel =
        mde == null || d.baseline() == 0 ? null : Checks.finiteOrNull(mde / Math.abs(d.baseline()));
    Double nc = Checks.finiteOrNull(nControl);
    Double nt = nc == null ? null : nc * d.ratio();
    Long ncUp = nc == null ? null : (long) Math.ceil(nc - 1e-9);
    Long ntUp = nt == null ? null : (long) Math.ceil(nt - 1e-9);
    Long total = ncUp == null ? null : ncUp + (d.arms() - 1) * ntUp;
    return new Plan(d, d.alphaPerComparison(), mde, rel, nc, nt, ncUp, ntUp, total);
  }
}
