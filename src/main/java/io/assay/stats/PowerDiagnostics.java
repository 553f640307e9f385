package io.assay.stats;

/**
 * Power diagnostics of one comparison at its current sample size, from the formulas of {@link
 * PowerAnalysis}: noncentral t for means (also ratio and CUPED-adjusted means, using their
 * linearized per-unit variances), the normal approximation for proportions. The per-unit standard
 * deviation for means is the pooled {@code σ = √(((n_c − 1)s_c² + (n_t − 1)s_t²)/(n_c + n_t − 2))};
 * the allocation ratio is the observed {@code n_t/n_c}.
 *
 * <ul>
 *   <li>{@code mdeAbsolute}: the smallest {@code |δ|} detected with the target power at the current
 *       {@code (n_c, n_t)}; {@code mdeRelative = mdeAbsolute / |m_c|}. For proportions the MDE is
 *       the increase {@code p_t − p_c}.
 *   <li>{@code achievedPower}: the power at the current n for the target relative MDE, {@code δ =
 *       mde·|m_c|} (a design quantity, not "observed power").
 *   <li>{@code requiredNControl}, {@code requiredNTreatment}: arm sizes giving the target power for
 *       the target MDE at the observed allocation ratio.
 *   <li>{@code daysLeft}: {@code max(0, (N_c − n_c)/r_c, (N_t − n_t)/r_t)} for enrollment rates
 *       {@code r} (units per day) per arm.
 * </ul>
 *
 * <p>Fields that need what was not given (a target MDE, rates), or that are undefined (zero
 * variance, zero baseline, a proportion of 0 or 1, an unreachable power), are null.
 */
public record PowerDiagnostics(
    Double mdeAbsolute,
    Double mdeRelative,
    Double achievedPower,
    Double requiredNControl,
    Double requiredNTreatment,
    Double daysLeft) {

  public static final PowerDiagnostics UNDEFINED =
      new PowerDiagnostics(null, null, null, null, null, null);

  /**
   * What the diagnostics aim for.
   *
   * @param alpha significance level
   * @param power target power, e.g. 0.8
   * @param alternative one- or two-sided
   * @param relativeMde target relative effect ({@code 0.02} = 2%), or null
   * @param controlUnitsPerDay enrollment rate of the control arm, or null
   * @param treatmentUnitsPerDay enrollment rate of the treatment arm, or null
   */
  public record Target(
      double alpha,
      double power,
      Alternative alternative,
      Double relativeMde,
      Double controlUnitsPerDay,
      Double treatmentUnitsPerDay) {
    public Target {
      Checks.probability("alpha", alpha);
      Checks.probability("power", power);
      if (relativeMde != null) {
        Checks.positive("relativeMde", relativeMde);
      }
    }
  }

  /** Diagnostics for a mean-like comparison (means, ratios, CUPED-adjusted means). */
  public static PowerDiagnostics forMeans(ArmSummary c, ArmSummary t, Target target) {
    // Weights first: (n − 1)·s² itself can overflow a double.
    double df = c.n() + t.n() - 2;
    double pooledVariance = (c.n() - 1) / df * c.variance() + (t.n() - 1) / df * t.variance();
    double sd = Math.sqrt(pooledVariance);
    if (!(sd > 0) || !Double.isFinite(sd)) {
      return UNDEFINED;
    }
    int sides = target.alternative().sides();
    double alpha = target.alpha();
    double power = target.power();
    double mde = PowerAnalysis.meansMde(c.n(), t.n(), sd, alpha, power, sides);
    double baseline = Math.abs(c.mean());
    Double achieved = null;
    Double requiredC = null;
    if (target.relativeMde() != null && baseline > 0) {
      double delta = target.relativeMde() * baseline;
      double ratio = (double) t.n() / c.n();
      achieved = PowerAnalysis.meansPower(c.n(), t.n(), delta, sd, alpha, sides);
      requiredC = PowerAnalysis.meansSampleSize(delta, sd, alpha, power, sides, ratio);
    }
    return assemble(c, t, target, mde, baseline, achieved, requiredC);
  }

  /** Diagnostics for a two-proportion comparison. */
  public static PowerDiagnostics forProportions(ArmSummary c, ArmSummary t, Target target) {
    double pc = c.mean();
    if (!(pc > 0 && pc < 1)) {
      return UNDEFINED;
    }
    int sides = target.alternative().sides();
    double alpha = target.alpha();
    double power = target.power();
    double mde = PowerAnalysis.proportionsMde(c.n(), t.n(), pc, alpha, power, sides);
    Double achieved = null;
    Double requiredC = null;
    if (target.relativeMde() != null) {
      double pt = pc * (1 + target.relativeMde());
      if (pt < 1) {
        double ratio = (double) t.n() / c.n();
        achieved = PowerAnalysis.proportionsPower(c.n(), t.n(), pc, pt, alpha, sides);
        requiredC = PowerAnalysis.proportionsSampleSize(pc, pt, alpha, power, sides, ratio);
      }
    }
    return assemble(c, t, target, mde, pc, achieved, requiredC);
  }

  private static PowerDiagnostics assemble(
      ArmSummary c,
      ArmSummary t,
      Target target,
      double mde,
      double baseline,
      Double achieved,
      Double requiredC) {
    double ratio = (double) t.n() / c.n();
    Double nc = requiredC == null ? null : Checks.finiteOrNull(requiredC);
    Double nt = nc == null ? null : nc * ratio;
    Double days = null;
    if (nc != null
        && target.controlUnitsPerDay() != null
        && target.treatmentUnitsPerDay() != null) {
      double rc = target.controlUnitsPerDay();
      double rt = target.treatmentUnitsPerDay();
      if (rc > 0 && rt > 0) {
        days = Math.max(0, Math.max((nc - c.n()) / rc, (nt - t.n()) / rt));
      }
    }
    Double mdeAbsolute = Checks.finiteOrNull(mde);
    Double mdeRelative =
        mdeAbsolute == null || baseline == 0 ? null : Checks.finiteOrNull(mdeAbsolute / baseline);
    return new PowerDiagnostics(
        mdeAbsolute,
        mdeRelative,
        achieved == null ? null : Checks.finiteOrNull(achieved),
        nc,
        nt,
        days == null ? null : Checks.finiteOrNull(days));
  }
}
