package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Against the examples of R's {@code ?power.t.test} and {@code ?power.prop.test} (stats package, R
 * 4.x; the functions are unchanged since R 3.3, {@code strict = FALSE}). R solves for n with {@code
 * uniroot(tol = .Machine$double.eps^0.25)}, about 1.2e-4, so printed sample sizes are compared to
 * 1e-4; powers are compared to the 7 printed digits.
 */
class PowerAnalysisTest {
  /** {@code power.t.test(n = 20, delta = 1)} prints power = 0.8689528. */
  @Test
  void tTestPower() {
    assertEquals(0.8689528, PowerAnalysis.meansPower(20, 20, 1, 1, 0.05, 2), 5e-8);
  }

  /**
   * {@code power.t.test(n = 4, delta = 1)} prints power = 0.2224633 (R session output published in
   * a tutorial on power analysis; SciPy 1.17.1 with the same formula via {@code nct.sf}:
   * 0.22246333835457308).
   */
  @Test
  void tTestPowerSmallSample() {
    assertEquals(0.2224633, PowerAnalysis.meansPower(4, 4, 1, 1, 0.05, 2), 5e-8);
  }

  /** {@code power.t.test(power = .90, delta = 1)} prints n = 22.02110. */
  @Test
  void tTestSampleSize() {
    assertEquals(22.02110, PowerAnalysis.meansSampleSize(1, 1, 0.05, 0.90, 2, 1), 1e-4);
  }

  /** {@code power.t.test(power = .80, delta = 1)} prints n = 16.71477 (same published session). */
  @Test
  void tTestSampleSizeForPower80() {
    assertEquals(16.71477, PowerAnalysis.meansSampleSize(1, 1, 0.05, 0.80, 2, 1), 1e-4);
  }

  /**
   * {@code power.t.test(power = .90, delta = 1, alternative = "one.sided")} prints n = 17.84713
   * (uniroot's stopping point; the exact root is 17.8471206, SciPy 1.17.1 brentq on nct.sf).
   */
  @Test
  void tTestSampleSizeOneSided() {
    assertEquals(17.84713, PowerAnalysis.meansSampleSize(1, 1, 0.05, 0.90, 1, 1), 1e-4);
  }

  /** Solving for δ inverts solving for power: power.t.test(n = 20, delta = 1) had 0.8689528. */
  @Test
  void tTestMdeInvertsPower() {
    assertEquals(1.0, PowerAnalysis.meansMde(20, 20, 1, 0.05, 0.8689528, 2), 1e-6);
  }

  /** {@code power.prop.test(n = 50, p1 = .50, p2 = .75)} prints power = 0.7401659. */
  @Test
  void propTestPower() {
    assertEquals(0.7401659, PowerAnalysis.proportionsPower(50, 50, 0.5, 0.75, 0.05, 2), 5e-8);
  }

  /**
   * {@code power.prop.test(p1 = .50, p2 = .75, power = .90)}: the help page's example comment says
   * "=> n = 76.7". For equal arms the normal approximation solves in closed form: n = ((z_0.975
   * √(2·p̄q̄) + z_0.9 √(p1q1 + p2q2)) / |p1 − p2|)² with p̄ = 0.625: (1.959964·√0.46875 + 1.281552
   * · √0.4375)² / 0.25² = ((1.341894 + 0.847666)/0.25)² = 8.758241² = 76.7069.
   */
  @Test
  void propTestSampleSize() {
    double n = PowerAnalysis.proportionsSampleSize(0.5, 0.75, 0.05, 0.90, 2, 1);
    assertEquals(76.7, n, 0.05);
    double z975 = 1.959963984540054;
    double z90 = 1.2815515655446004;
    double closedForm = Math.pow((z975 * Math.sqrt(0.46875) + z90 * Math.sqrt(0.4375)) / 0.25, 2);
    assertEquals(closedForm, n, 1e-6);
  }

  /** {@code power.prop.test(n = 50, p1 = .5, power = .90)}: "=> p2 = 0.8026". */
  @Test
  void propTestMde() {
    double mde = PowerAnalysis.proportionsMde(50, 50, 0.5, 0.05, 0.90, 2);
    assertEquals(0.8026, 0.5 + mde, 5e-5);
  }

  /**
   * Unequal arms reduce to the textbook normal formula n_c = (z_{1−α/2} + z_{1−β})² σ²(1 + 1/k)/δ²
   * as the t's degrees of freedom grow: for δ = 0.1σ, k = 2 that is (1.959964 + 0.841621)²·1.5/0.01
   * = 1177.3; the t version needs slightly more.
   */
  @Test
  void allocationRatio() {
    double n = PowerAnalysis.meansSampleSize(0.1, 1, 0.05, 0.8, 2, 2);
    double normal = Math.pow(1.959963984540054 + 0.8416212335729143, 2) * 1.5 / 0.01;
    assertTrue(n > normal && n < normal + 2, "n = " + n + ", normal approximation " + normal);
  }

  @Test
  void unreachablePowerIsNaNNotAThrow() {
    // p_c = 0.999999: even p_t → 1 cannot be told apart with 10 units per arm.
    assertTrue(Double.isNaN(PowerAnalysis.proportionsMde(10, 10, 0.999999, 0.05, 0.9, 2)));
  }
}
