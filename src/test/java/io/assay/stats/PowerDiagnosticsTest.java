package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PowerDiagnosticsTest {
  /**
   * Means: 1000 units per arm, both with variance 4, so the pooled σ = 2; control mean 10. Values
   * from SciPy 1.17.1 with R's power.t.test formula (noncentral t, ν = 1998, λ = δ/(2√(2/1000))):
   * MDE at power 0.8 = 0.2507019248366895; power for δ = 2% of 10 = 0.608353059692762; n per arm
   * for that power 0.8 = 1570.7368880082836. At 100 units per arm per day: (1570.737 − 1000)/100 =
   * 5.707 days left.
   */
  @Test
  void meansByIndependentComputation() {
    ArmSummary c = new ArmSummary(1000, 10, 4);
    ArmSummary t = new ArmSummary(1000, 10.3, 4);
    PowerDiagnostics.Target target =
        new PowerDiagnostics.Target(0.05, 0.8, Alternative.TWO_SIDED, 0.02, 100.0, 100.0);
    PowerDiagnostics d = PowerDiagnostics.forMeans(c, t, target);
    assertEquals(0.2507019248366895, d.mdeAbsolute(), 1e-7);
    assertEquals(0.02507019248366895, d.mdeRelative(), 1e-8);
    assertEquals(0.608353059692762, d.achievedPower(), 1e-8);
    assertEquals(1570.7368880082836, d.requiredNControl(), 1e-5);
    assertEquals(1570.7368880082836, d.requiredNTreatment(), 1e-5);
    assertEquals((1570.7368880082836 - 1000) / 100, d.daysLeft(), 1e-7);
  }

  /**
   * Proportions at 50 per arm with p_c = 0.5 (R's power.prop.test examples): MDE p2 = 0.8026 at
   * power 0.9; for a +50% target (p_t = 0.75) power.prop.test(n = 50) gives 0.7401659 and n for 0.9
   * is 76.7069 (closed form, see PowerAnalysisTest).
   */
  @Test
  void proportionsAgainstR() {
    ArmSummary c = new ArmSummary(50, 0.5, 0.25);
    ArmSummary t = new ArmSummary(50, 0.6, 0.24);
    PowerDiagnostics d =
        PowerDiagnostics.forProportions(
            c, t, new PowerDiagnostics.Target(0.05, 0.9, Alternative.TWO_SIDED, 0.5, null, null));
    assertEquals(0.3026, d.mdeAbsolute(), 5e-5);
    assertEquals(0.7401659, d.achievedPower(), 5e-8);
    assertEquals(76.7069, d.requiredNControl(), 1e-4);
    assertNull(d.daysLeft()); // no enrollment rate given
  }

  @Test
  void undefinedWithoutVarianceOrBaseline() {
    PowerDiagnostics.Target target =
        new PowerDiagnostics.Target(0.05, 0.8, Alternative.TWO_SIDED, 0.02, 1.0, 1.0);
    assertEquals(
        PowerDiagnostics.UNDEFINED,
        PowerDiagnostics.forMeans(new ArmSummary(10, 3, 0), new ArmSummary(10, 4, 0), target));
    assertEquals(
        PowerDiagnostics.UNDEFINED,
        PowerDiagnostics.forProportions(
            new ArmSummary(10, 0, 0), new ArmSummary(10, 0.1, 0.09), target));
    PowerDiagnostics zeroBaseline =
        PowerDiagnostics.forMeans(new ArmSummary(10, 0, 1), new ArmSummary(10, 1, 1), target);
    assertNull(zeroBaseline.mdeRelative());
    assertNull(zeroBaseline.achievedPower());
  }
}
