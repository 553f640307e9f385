package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.assay.stats.SampleSizeCalculator.Design;
import io.assay.stats.SampleSizeCalculator.Metric;
import io.assay.stats.SampleSizeCalculator.Plan;
import org.junit.jupiter.api.Test;

class SampleSizeCalculatorTest {
  static Design mean(double sd, int arms, boolean bonferroni, double ratio, double power) {
    return new Design(
        Metric.MEAN, 10, sd, 0.05, power, arms, bonferroni, ratio, Alternative.TWO_SIDED);
  }

  /** R 4.x {@code power.t.test(power = .90, delta = 1)}: n = 22.02110 → 23 per arm, 46 in all. */
  @Test
  void meanAbsoluteMde() {
    Plan p = SampleSizeCalculator.sampleSize(mean(1, 2, false, 1, 0.9), 1, false);
    assertEquals(22.02110, p.nControl(), 1e-4);
    assertEquals(22.02110, p.nTreatment(), 1e-4);
    assertEquals(23L, p.nControlRoundedUp());
    assertEquals(46L, p.totalRoundedUp());
    assertEquals(0.1, p.mdeRelative(), 1e-15); // 1 / baseline 10
  }

  /**
   * Three arms, Bonferroni: each comparison at α = 0.025. SciPy 1.17.1 (brentq on nct.sf, the
   * formula of R's power.t.test(power = .9, delta = 1, sig.level = .025)): n = 26.124890611871795;
   * 27 per arm, 81 in all.
   */
  @Test
  void bonferroniAcrossTreatmentArms() {
    Plan p = SampleSizeCalculator.sampleSize(mean(1, 3, true, 1, 0.9), 0.1, true);
    assertEquals(0.025, p.alphaPerComparison(), 1e-15);
    assertEquals(26.124890611871795, p.nControl(), 1e-6);
    assertEquals(81L, p.totalRoundedUp());
  }

  /**
   * Allocation 1:2, δ = 0.5σ, power 0.8: noncentral t with ν = 3n − 2, λ = 0.5/√(1/n + 1/(2n)).
   * SciPy 1.17.1 brentq on nct.sf: n_c = 47.74203548759268, n_t = 2·n_c.
   */
  @Test
  void allocationRatio() {
    Plan p = SampleSizeCalculator.sampleSize(mean(1, 2, false, 2, 0.8), 0.5, false);
    assertEquals(47.74203548759268, p.nControl(), 1e-6);
    assertEquals(2 * 47.74203548759268, p.nTreatment(), 2e-6);
    assertEquals(48L + 96L, p.totalRoundedUp());
  }

  /**
   * Proportions: R's {@code power.prop.test(p1 = .5, p2 = .75, power = .9)} ("=> n = 76.7"; closed
   * form 76.7069, see PowerAnalysisTest), asked as an absolute (+0.25) and a relative (+50%) MDE.
   */
  @Test
  void proportionMde() {
    Design d = new Design(Metric.PROPORTION, 0.5, 0, 0.05, 0.9, 2, false, 1, Alternative.TWO_SIDED);
    Plan abs = SampleSizeCalculator.sampleSize(d, 0.25, false);
    Plan rel = SampleSizeCalculator.sampleSize(d, 0.5, true);
    assertEquals(76.7069, abs.nControl(), 1e-4);
    assertEquals(abs.nControl(), rel.nControl(), 1e-12);
    assertEquals(77L, abs.nControlRoundedUp());
  }

  /**
   * MDE for a given n: R's {@code power.prop.test(n = 50, p1 = .5, power = .90)} "=> p2 = 0.8026".
   */
  @Test
  void mdeForGivenN() {
    Design d = new Design(Metric.PROPORTION, 0.5, 0, 0.05, 0.9, 2, false, 1, Alternative.TWO_SIDED);
    assertEquals(0.3026, SampleSizeCalculator.mde(d, 50).mdeAbsolute(), 5e-5);
    // power.t.test(n = 20, delta = 1) has power 0.8689528, so the MDE at that power is 1.
    Plan m = SampleSizeCalculator.mde(mean(1, 2, false, 1, 0.8689528), 20);
    assertEquals(1.0, m.mdeAbsolute(), 1e-6);
  }
}
