package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * CUPED for ratio metrics against a known truth (seeded, deterministic; 10,000 experiments per
 * test, so the coverage band [0.94, 0.96] is ±4.6 Monte-Carlo standard errors, as in {@link
 * CoverageSimulationTest}).
 *
 * <p>The model: each unit has an activity λ ~ Exponential(mean 2) and a value effect u ~ N(0, 1);
 * it has d = 1 + Poisson(λ) sessions in the experiment and q = 1 + Poisson(λ) before it
 * (independent given λ), each session worth v + u + N(0, 1) (v = 2 before and in control); y and p
 * are the sums of the sessions' values. Both ratios estimate v, and with L = y − v·d, M = p − v·q
 * per unit (the linearized values up to the factor 1/3 = 1/E[d] = 1/E[q]):
 *
 * <pre>
 *   Cov(L, M) = E[d·q]·Var(u) = E[(1 + λ)²] = 1 + 2·2 + 8 = 13
 *   Var(L) = Var(M) = E[d²]·Var(u) + E[d]·1 = (E[λ] + E[(1 + λ)²]) + 3 = 15 + 3 = 18
 * </pre>
 *
 * <p>so ρ = 13/18, the population θ = Cov/Var(M) = 13/18, the adjusted variance is (1 − ρ²) = 0.478
 * of the unadjusted one, and intervals narrow by √(1 − ρ²) = 0.692.
 */
class RatioCupedSimulationTest {
  static final int SIMS = 10_000;
  static final int UNITS = 500;
  static final double RHO = 13.0 / 18;

  // SplittableRandom: seeded and deterministic, and its ziggurat nextGaussian (Java 17) is several
  // times faster than Box–Muller, which keeps 2 × 10,000 experiments of 1,000 units brief. Each
  // test seeds its own (different) stream.
  private SplittableRandom rng;

  /** A Poisson(mean) draw by Knuth's multiplication method (means here are rarely above 15). */
  int poisson(double mean) {
    double limit = Math.exp(-mean);
    double product = rng.nextDouble();
    int k = 0;
    while (product > limit) {
      product *= rng.nextDouble();
      k++;
    }
    return k;
  }

  /** One arm of the model above, with experiment-period session value {@code v}. */
  RatioMoments arm(int n, double v) {
    double[] y = new double[n];
    double[] d = new double[n];
    double[] p = new double[n];
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      double lambda = -2 * Math.log(1 - rng.nextDouble());
      double u = rng.nextGaussian();
      d[i] = 1 + poisson(lambda);
      q[i] = 1 + poisson(lambda);
      for (int j = 0; j < d[i]; j++) {
        y[i] += v + u + rng.nextGaussian();
      }
      for (int j = 0; j < q[i]; j++) {
        p[i] += 2 + u + rng.nextGaussian();
      }
    }
    return RatioMoments.of(y, d, p, q);
  }

  static double width(Inference i) {
    return i.ciUpper() - i.ciLower();
  }

  static void assertWithin(String what, double actual, double expected, double tolerance) {
    assertTrue(
        Math.abs(actual - expected) <= tolerance,
        what + ": " + actual + ", expected " + expected + " ± " + tolerance);
  }

  /**
   * A/A, 500 units per arm: the 95% intervals of the absolute and relative difference cover the
   * truth (0) in [0.94, 0.96] of the experiments and the test rejects at α within 4 standard
   * errors; θ averages 13/18; the adjusted differences vary (1 − ρ²) = 0.478 as much as the
   * unadjusted ones, the reported standard errors match that spread, the reported variance
   * reduction averages ρ² = 0.522, and the intervals are √(1 − ρ²) = 0.692 as wide as {@link
   * RatioTest}'s on the same data.
   */
  @Test
  void aaCoverageAndNarrowerIntervals() {
    rng = new SplittableRandom(20240622L);
    int covered = 0;
    int coveredRelative = 0;
    int rejected = 0;
    double sumTheta = 0;
    double sumAdj = 0;
    double sumAdj2 = 0;
    double sumRaw = 0;
    double sumRaw2 = 0;
    double sumSe2 = 0;
    double sumReduction = 0;
    double widthAdj = 0;
    double widthRaw = 0;
    for (int s = 0; s < SIMS; s++) {
      RatioMoments c = arm(UNITS, 2);
      RatioMoments t = arm(UNITS, 2);
      RatioCupedAdjustment adj = RatioCupedAdjustment.fit(List.of(c, t));
      RatioCupedTest.Result r = RatioCupedTest.withDefaults().test(c, t, adj);
      Comparison raw = RatioTest.withDefaults().test(c.yd(), t.yd());
      Inference a = r.comparison().absolute();
      covered += Simulation.covers(a.ciLower(), a.ciUpper(), 0) ? 1 : 0;
      Inference rel = r.comparison().relative();
      coveredRelative += Simulation.covers(rel.ciLower(), rel.ciUpper(), 0) ? 1 : 0;
      rejected += a.pValue() < 0.05 ? 1 : 0;
      sumTheta += adj.theta();
      sumAdj += a.effect();
      sumAdj2 += a.effect() * a.effect();
      sumRaw += raw.absolute().effect();
      sumRaw2 += raw.absolute().effect() * raw.absolute().effect();
      sumSe2 += a.se() * a.se();
      sumReduction += r.varianceReduction();
      widthAdj += width(a);
      widthRaw += width(raw.absolute());
    }
    CoverageSimulationTest.assertCoverage("A/A ratio CUPED interval", covered);
    CoverageSimulationTest.assertCoverage("A/A ratio CUPED relative interval", coveredRelative);
    CoverageSimulationTest.assertRate("A/A ratio CUPED false positives", rejected, 0.05);
    assertWithin("mean θ", sumTheta / SIMS, RHO, 0.01);
    double varAdj = sumAdj2 / SIMS - (sumAdj / SIMS) * (sumAdj / SIMS);
    double varRaw = sumRaw2 / SIMS - (sumRaw / SIMS) * (sumRaw / SIMS);
    assertWithin("Var(δ_adj)/Var(δ_raw)", varAdj / varRaw, 1 - RHO * RHO, 0.03);
    assertWithin("mean se² / Var(δ_adj)", sumSe2 / SIMS / varAdj, 1, 0.05);
    assertWithin("mean reported reduction", sumReduction / SIMS, RHO * RHO, 0.02);
    double widthRatio = widthAdj / widthRaw;
    assertTrue(widthRatio < 1, "narrower: " + widthRatio);
    assertWithin("mean width ratio", widthRatio, Math.sqrt(1 - RHO * RHO), 0.02);
    System.out.printf(
        "ratio CUPED A/A: coverage %.4f, relative %.4f, FPR %.4f, mean θ %.4f, Var ratio %.4f,"
            + " se²/Var %.4f, reduction %.4f, width ratio %.4f%n",
        (double) covered / SIMS,
        (double) coveredRelative / SIMS,
        (double) rejected / SIMS,
        sumTheta / SIMS,
        varAdj / varRaw,
        sumSe2 / SIMS / varAdj,
        sumReduction / SIMS,
        widthRatio);
  }

  /**
   * A/B with a known effect: treatment sessions are worth 2.1 instead of 2 (+5%), so R_t − R_c =
   * 0.1 and the lift 0.05 (the adjusted control ratio estimates R_c = 2, because the pre-period
   * ratios of both arms estimate the same 2). The adjusted difference is unbiased (mean within 4
   * Monte-Carlo standard errors of 0.1) and both intervals cover the truth in [0.94, 0.96].
   */
  @Test
  void abKnownEffectIsCoveredWithoutBias() {
    rng = new SplittableRandom(20240623L);
    int covered = 0;
    int coveredRelative = 0;
    double sumAdj = 0;
    double sumAdj2 = 0;
    for (int s = 0; s < SIMS; s++) {
      RatioCupedTest.Result r = RatioCupedTest.withDefaults().test(arm(UNITS, 2), arm(UNITS, 2.1));
      Inference a = r.comparison().absolute();
      Inference rel = r.comparison().relative();
      covered += Simulation.covers(a.ciLower(), a.ciUpper(), 0.1) ? 1 : 0;
      coveredRelative += Simulation.covers(rel.ciLower(), rel.ciUpper(), 0.05) ? 1 : 0;
      sumAdj += a.effect();
      sumAdj2 += a.effect() * a.effect();
    }
    double mean = sumAdj / SIMS;
    double mcError = Math.sqrt((sumAdj2 / SIMS - mean * mean) / SIMS);
    assertTrue(Math.abs(mean - 0.1) < 4 * mcError, "bias: mean " + mean + " ± " + mcError);
    CoverageSimulationTest.assertCoverage("A/B ratio CUPED interval", covered);
    CoverageSimulationTest.assertCoverage("A/B ratio CUPED relative interval", coveredRelative);
    System.out.printf(
        "ratio CUPED A/B: mean δ %.5f (MC se %.5f), coverage %.4f, relative %.4f%n",
        mean, mcError, (double) covered / SIMS, (double) coveredRelative / SIMS);
  }
}
