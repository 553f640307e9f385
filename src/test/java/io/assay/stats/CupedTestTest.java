package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class CupedTestTest {
  /**
   * Exact hand computation. Control (y, x) = (2,1), (4,2), (6,3); treatment (5,1), (6,2), (10,3),
   * (11,4).
   *
   * <p>Pooled (all 7 units): Σx = 16, Σx² = 44, Σy = 44, Σxy = 119. Var(x) = (44 − 16²/7)/6 =
   * (52/7)/6 = 26/21; Cov(x, y) = (119 − 16·44/7)/6 = (129/7)/6 = 43/14; θ = (43/14)/(26/21) =
   * 129/52; x̄_pooled = 16/7.
   *
   * <p>Control: ȳ = 4, x̄ = 2, s_y² = 4, s_x² = 1, s_xy = 2. Treatment: ȳ = 8, x̄ = 5/2, s_y² =
   * 26/3, s_x² = 5/3, s_xy = 11/3.
   *
   * <p>Adjusted difference (8 − 4) − θ(5/2 − 2) = 4 − 129/104 = 287/104. Adjusted control variance
   * 4 − 4θ + θ² = (2 − θ)² = (−25/52)² = 625/2704; treatment 26/3 − (22/3)θ + (5/3)θ².
   */
  @Test
  void pooledThetaAndAdjustmentByHand() {
    BivariateMoments control = BivariateMoments.of(new double[] {2, 4, 6}, new double[] {1, 2, 3});
    BivariateMoments treatment =
        BivariateMoments.of(new double[] {5, 6, 10, 11}, new double[] {1, 2, 3, 4});
    CupedAdjustment adj = CupedAdjustment.fit(List.of(control, treatment));
    double theta = 129.0 / 52;
    assertEquals(theta, adj.theta(), 1e-14);
    assertEquals(16.0 / 7, adj.pooledMeanX(), 1e-15);

    CupedTest.Result r = CupedTest.withDefaults().test(control, treatment, adj);
    assertEquals(287.0 / 104, r.comparison().absolute().effect(), 1e-13);
    double vc = 625.0 / 2704;
    double vt = 26.0 / 3 - 22.0 / 3 * theta + 5.0 / 3 * theta * theta;
    assertEquals(vc, r.comparison().control().variance(), 1e-13);
    assertEquals(vt, r.comparison().treatment().variance(), 1e-13);
    assertEquals(Math.sqrt(vc / 3 + vt / 4), r.comparison().absolute().se(), 1e-13);
    // Raw Var(δ) = 4/3 + (26/3)/4 = 4/3 + 13/6 = 7/2.
    assertEquals(1 - (vc / 3 + vt / 4) / 3.5, r.varianceReduction(), 1e-13);
    // Welch df on the adjusted variances, as in WelchTTest.
    double a = vc / 3;
    double b = vt / 4;
    assertEquals((a + b) * (a + b) / (a * a / 2 + b * b / 3), r.comparison().absolute().df(), 1e-9);
  }

  /** A covariate with no variance carries no information: θ = 0 and the test is the raw test. */
  @Test
  void constantCovariateMeansNoAdjustment() {
    BivariateMoments control = BivariateMoments.of(new double[] {1, 2, 3}, new double[] {7, 7, 7});
    BivariateMoments treatment =
        BivariateMoments.of(new double[] {2, 4, 6, 8}, new double[] {7, 7, 7, 7});
    CupedTest.Result r = CupedTest.withDefaults().test(control, treatment);
    assertEquals(0.0, r.adjustment().theta(), 0);
    assertEquals(3.0, r.comparison().absolute().effect(), 1e-15);
    assertEquals(Math.sqrt(2), r.comparison().absolute().se(), 1e-15); // as in WelchTTestTest
    assertEquals(0.0, r.varianceReduction(), 1e-15);
  }

  @Test
  void emptyArmIsAnErrorCode() {
    CupedTest.Result r =
        CupedTest.withDefaults()
            .test(
                BivariateMoments.EMPTY,
                BivariateMoments.of(new double[] {1, 2}, new double[] {3, 4}));
    assertEquals(ErrorCode.EMPTY_ARM, r.comparison().error());
    assertNull(r.varianceReduction());
  }
}
