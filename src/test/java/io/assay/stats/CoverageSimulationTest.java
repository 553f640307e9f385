package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Monte-Carlo checks against a known truth (seeded, deterministic). Coverage of 95% intervals must
 * lie in [0.94, 0.96]; with 10,000 simulations one standard error of the estimated coverage is
 * 0.0022, so the band is ±4.6 standard errors. False-positive rates must lie within {@link
 * Simulation#band} of α.
 */
class CoverageSimulationTest {
  static final int SIMS = 10_000;

  static void assertCoverage(String what, int covered) {
    double c = (double) covered / SIMS;
    assertTrue(c >= 0.94 && c <= 0.96, what + ": coverage " + c + " outside [0.94, 0.96]");
  }

  static void assertRate(String what, int hits, double expected) {
    double r = (double) hits / SIMS;
    double[] band = Simulation.band(expected, SIMS);
    assertTrue(
        r >= band[0] && r <= band[1],
        what + ": rate " + r + " outside " + List.of(band[0], band[1]));
  }

  /** A/A, means: N(5, 2²), 100 units per arm, Welch. */
  @Test
  void aaWelch() {
    Simulation sim = new Simulation(20240601L);
    int covered = 0;
    int rejected = 0;
    for (int i = 0; i < SIMS; i++) {
      Inference a =
          WelchTTest.withDefaults().test(sim.normal(100, 5, 2), sim.normal(100, 5, 2)).absolute();
      covered += Simulation.covers(a.ciLower(), a.ciUpper(), 0) ? 1 : 0;
      rejected += a.pValue() < 0.05 ? 1 : 0;
    }
    assertCoverage("A/A Welch interval", covered);
    assertRate("A/A Welch false positives", rejected, 0.05);
  }

  /** A/A, unequal variances and sizes (where Welch, not Student, keeps its level). */
  @Test
  void aaWelchUnequalVariances() {
    Simulation sim = new Simulation(7L);
    int rejected = 0;
    for (int i = 0; i < SIMS; i++) {
      Inference a =
          WelchTTest.withDefaults().test(sim.normal(20, 0, 1), sim.normal(60, 0, 4)).absolute();
      rejected += a.pValue() < 0.05 ? 1 : 0;
    }
    assertRate("A/A Welch (unequal) false positives", rejected, 0.05);
  }

  /** A/A, proportions: p = 0.1, 2000 per arm; pooled z-test level and Wald interval coverage. */
  @Test
  void aaProportions() {
    Simulation sim = new Simulation(99L);
    int covered = 0;
    int rejected = 0;
    for (int i = 0; i < SIMS; i++) {
      Inference a =
          ProportionZTest.withDefaults()
              .test(sim.bernoulli(2000, 0.1), sim.bernoulli(2000, 0.1))
              .absolute();
      covered += Simulation.covers(a.ciLower(), a.ciUpper(), 0) ? 1 : 0;
      rejected += a.pValue() < 0.05 ? 1 : 0;
    }
    assertCoverage("A/A Wald interval", covered);
    assertRate("A/A pooled z false positives", rejected, 0.05);
  }

  /** A/B with a known lift: μ_c = 10, μ_t = 10.5 (+5%), σ = 3, 500 per arm. */
  @Test
  void abKnownLiftMeans() {
    Simulation sim = new Simulation(3L);
    int absolute = 0;
    int relative = 0;
    for (int i = 0; i < SIMS; i++) {
      Comparison r =
          WelchTTest.withDefaults().test(sim.normal(500, 10, 3), sim.normal(500, 10.5, 3));
      absolute += Simulation.covers(r.absolute().ciLower(), r.absolute().ciUpper(), 0.5) ? 1 : 0;
      relative += Simulation.covers(r.relative().ciLower(), r.relative().ciUpper(), 0.05) ? 1 : 0;
    }
    assertCoverage("absolute lift", absolute);
    assertCoverage("relative lift (delta method)", relative);
  }

  /** A/B proportions with a known lift: 0.10 → 0.11 (+10%), 5000 per arm. */
  @Test
  void abKnownLiftProportions() {
    Simulation sim = new Simulation(11L);
    int absolute = 0;
    int relative = 0;
    for (int i = 0; i < SIMS; i++) {
      Comparison r =
          ProportionZTest.withDefaults().test(sim.bernoulli(5000, 0.10), sim.bernoulli(5000, 0.11));
      absolute += Simulation.covers(r.absolute().ciLower(), r.absolute().ciUpper(), 0.01) ? 1 : 0;
      relative += Simulation.covers(r.relative().ciLower(), r.relative().ciUpper(), 0.1) ? 1 : 0;
    }
    assertCoverage("absolute lift, proportions", absolute);
    assertCoverage("relative lift, proportions", relative);
  }

  /**
   * Ratio metric (value per session) with sessions correlated within a unit: control 2.0, treatment
   * 2.1 per session (+5%), 1000 units per arm. The delta method over per-unit sums must cover both
   * the absolute and the relative truth.
   */
  @Test
  void ratioDeltaMethod() {
    Simulation sim = new Simulation(5L);
    int absolute = 0;
    int relative = 0;
    for (int i = 0; i < SIMS; i++) {
      Comparison r = RatioTest.withDefaults().test(sim.ratio(1000, 2.0), sim.ratio(1000, 2.1));
      absolute += Simulation.covers(r.absolute().ciLower(), r.absolute().ciUpper(), 0.1) ? 1 : 0;
      relative += Simulation.covers(r.relative().ciLower(), r.relative().ciUpper(), 0.05) ? 1 : 0;
    }
    assertCoverage("ratio absolute", absolute);
    assertCoverage("ratio relative", relative);
  }

  /**
   * CUPED with y = 2 + 1.5x + ε, x, ε ~ N(0, 1), so ρ² = 2.25/3.25 = 0.6923 and the adjusted
   * variance is 1 − ρ² = 0.3077 of the raw one. Treatment adds δ = 0.1; 200 units per arm. The
   * adjusted estimate must be unbiased (mean within 4 Monte-Carlo standard errors of 0.1), its
   * spread must shrink by about 1 − ρ², the reported reduction must average about ρ², and the
   * intervals must still cover.
   */
  @Test
  void cupedUnbiasedWithReducedVariance() {
    Simulation sim = new Simulation(17L);
    double sumAdj = 0;
    double sumAdj2 = 0;
    double sumRaw = 0;
    double sumRaw2 = 0;
    double sumReduction = 0;
    int covered = 0;
    for (int i = 0; i < SIMS; i++) {
      BivariateMoments c = sim.linear(200, 2, 1.5);
      BivariateMoments t = sim.linear(200, 2.1, 1.5);
      CupedTest.Result r = CupedTest.withDefaults().test(c, t);
      double adj = r.comparison().absolute().effect();
      double raw = t.sumY() / t.n() - c.sumY() / c.n();
      sumAdj += adj;
      sumAdj2 += adj * adj;
      sumRaw += raw;
      sumRaw2 += raw * raw;
      sumReduction += r.varianceReduction();
      Inference a = r.comparison().absolute();
      covered += Simulation.covers(a.ciLower(), a.ciUpper(), 0.1) ? 1 : 0;
    }
    double meanAdj = sumAdj / SIMS;
    double varAdj = sumAdj2 / SIMS - meanAdj * meanAdj;
    double meanRaw = sumRaw / SIMS;
    double varRaw = sumRaw2 / SIMS - meanRaw * meanRaw;
    double mcError = Math.sqrt(varAdj / SIMS);
    assertTrue(Math.abs(meanAdj - 0.1) < 4 * mcError, "CUPED bias: mean " + meanAdj);
    // Theory: Var(δ̂_raw) = 2·3.25/200 = 0.0325, Var(δ̂_adj) ≈ 2·1/200 = 0.01 (ratio 0.3077).
    double ratio = varAdj / varRaw;
    assertTrue(ratio > 0.28 && ratio < 0.34, "variance ratio " + ratio);
    double meanReduction = sumReduction / SIMS;
    assertTrue(Math.abs(meanReduction - 0.6923) < 0.02, "reported reduction " + meanReduction);
    assertCoverage("CUPED interval", covered);
  }
}
