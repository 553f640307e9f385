package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class WelchTTestTest {
  // R's built-in `sleep` data set (Student 1908): extra hours of sleep under two drugs.
  static final double[] SLEEP_GROUP_1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
  static final double[] SLEEP_GROUP_2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

  /**
   * R 4.x, {@code t.test(extra ~ group, data = sleep)} prints: t = -1.8608, df = 17.776, p-value =
   * 0.07939, 95 percent confidence interval -3.3654832 0.2054832, means 0.75 and 2.33. R reports
   * group 1 − group 2, so group 2 plays control here.
   */
  @Test
  void sleepDataMatchesRWelchTTest() {
    Comparison r =
        WelchTTest.withDefaults()
            .test(SampleMoments.of(SLEEP_GROUP_2), SampleMoments.of(SLEEP_GROUP_1));
    Inference a = r.absolute();
    assertNull(r.error());
    assertEquals(0.75 - 2.33, a.effect(), 1e-12);
    assertEquals(-1.8608, a.effect() / a.se(), 5e-5);
    assertEquals(17.776, a.df(), 5e-4);
    assertEquals(0.07939, a.pValue(), 5e-6);
    assertEquals(-3.3654832, a.ciLower(), 5e-8);
    assertEquals(0.2054832, a.ciUpper(), 5e-8);
  }

  /**
   * One-sided versions of the same test. The p-values follow from R's two-sided 0.07939 by the
   * symmetry of t (t < 0, so p_less = p/2 = 0.039697 and p_greater = 1 − p/2); the one-sided bounds
   * are from SciPy 1.17.1 {@code ttest_ind(g1, g2, equal_var=False,
   * alternative=...).confidence_interval()}: less → (−inf, −0.10661850266839323], greater →
   * [−3.053381497331606, inf).
   */
  @Test
  void sleepDataOneSided() {
    TestOptions less = TestOptions.defaults().withAlternative(Alternative.LESS);
    Inference l =
        WelchTTest.with(less)
            .test(SampleMoments.of(SLEEP_GROUP_2), SampleMoments.of(SLEEP_GROUP_1))
            .absolute();
    assertEquals(0.07939 / 2, l.pValue(), 5e-6);
    assertNull(l.ciLower());
    assertEquals(-0.10661850266839323, l.ciUpper(), 1e-8);

    TestOptions greater = TestOptions.defaults().withAlternative(Alternative.GREATER);
    Inference g =
        WelchTTest.with(greater)
            .test(SampleMoments.of(SLEEP_GROUP_2), SampleMoments.of(SLEEP_GROUP_1))
            .absolute();
    assertEquals(1 - 0.07939 / 2, g.pValue(), 5e-6);
    assertEquals(-3.053381497331606, g.ciLower(), 1e-8);
    assertNull(g.ciUpper());
  }

  /**
   * Exact hand computation. Control {1, 2, 3}: mean 2, s² = (1 + 0 + 1)/2 = 1. Treatment {2, 4, 6,
   * 8}: mean 5, s² = (9 + 1 + 1 + 9)/3 = 20/3. Var(mean): 1/3 and (20/3)/4 = 5/3, so se² = 2, se =
   * √2 and δ = 3. Welch df = 2² / ((1/3)²/2 + (5/3)²/3) = 4 / (1/18 + 25/27) = 4 / (53/54) =
   * 216/53. Relative lift 5/2 − 1 = 1.5 with delta-method variance (5/3)/2² + 5²·(1/3)/2⁴ = 5/12 +
   * 25/48 = 45/48. The two-sided p-value, 0.09991286431180087, is from SciPy 1.17.1 {@code
   * ttest_ind([2,4,6,8], [1,2,3], equal_var=False)}.
   */
  @Test
  void tinyDataByHand() {
    Comparison r =
        WelchTTest.withDefaults().test(SampleMoments.of(1, 2, 3), SampleMoments.of(2, 4, 6, 8));
    assertEquals(3.0, r.absolute().effect(), 1e-12);
    assertEquals(Math.sqrt(2), r.absolute().se(), 1e-12);
    assertEquals(216.0 / 53.0, r.absolute().df(), 1e-12);
    assertEquals(0.09991286431180087, r.absolute().pValue(), 1e-9);
    assertEquals(1.5, r.relative().effect(), 1e-12);
    assertEquals(Math.sqrt(45.0 / 48.0), r.relative().se(), 1e-12);
    // Normal reference for the lift: 1.5 ± z_0.975·se with z_0.975 = 1.959963984540054.
    assertEquals(1.5 - 1.959963984540054 * Math.sqrt(45.0 / 48.0), r.relative().ciLower(), 1e-9);
    assertEquals(1.5 + 1.959963984540054 * Math.sqrt(45.0 / 48.0), r.relative().ciUpper(), 1e-9);
    assertNull(r.relative().df());
  }

  /** Summaries (mean, variance, n) give the same test as the raw moments. */
  @Test
  void summaryOverloadAgreesWithMoments() {
    Comparison fromSummary =
        WelchTTest.withDefaults().test(new ArmSummary(3, 2, 1), new ArmSummary(4, 5, 20.0 / 3));
    assertEquals(Math.sqrt(2), fromSummary.absolute().se(), 1e-12);
    assertEquals(216.0 / 53.0, fromSummary.absolute().df(), 1e-12);
  }

  /**
   * Issue 22, D3: a negative baseline. Control {−3, −1} (mean −2, s² = 2), treatment {−2, 0} (mean
   * −1, s² = 2): δ = +1, se² = 2/2 + 2/2 = 2, ν = 2²/(1 + 1) = 2. The lift is δ/|m_c| = +1/2;
   * m_t/m_c − 1 = −1/2 gave an improvement the sign of a loss. Delta method, r = m_t/m_c = 1/2: se²
   * = (v_t + r²v_c)/m_c² = (1 + 1/4)/4 = 5/16, so the interval is 1/2 ± z_{.975}·√5/4 and the
   * two-sided p = 2Φ(−2/√5) = erfc(√0.4) = 0.37109336952269767. The one-sided "greater" tests of δ
   * and of the lift now agree: both p below 1/2 (p_rel = Φ(−2/√5) = 0.18554668476134883).
   */
  @Test
  void negativeBaselineLiftHasTheSignOfTheEffect() {
    SampleMoments control = SampleMoments.of(-3, -1);
    SampleMoments treatment = SampleMoments.of(-2, 0);
    Comparison r = WelchTTest.withDefaults().test(control, treatment);
    assertNull(r.error());
    assertEquals(1.0, r.absolute().effect(), 0);
    assertEquals(2.0, r.absolute().df(), 1e-12);
    Inference rel = r.relative();
    assertEquals(0.5, rel.effect(), 0);
    assertEquals(Math.sqrt(5) / 4, rel.se(), 1e-15);
    assertEquals(0.5 - 1.959963984540054 * Math.sqrt(5) / 4, rel.ciLower(), 1e-12);
    assertEquals(0.5 + 1.959963984540054 * Math.sqrt(5) / 4, rel.ciUpper(), 1e-12);
    assertEquals(0.37109336952269767, rel.pValue(), 1e-12);

    TestOptions greater = TestOptions.defaults().withAlternative(Alternative.GREATER);
    Comparison g = WelchTTest.with(greater).test(control, treatment);
    assertEquals(0.18554668476134883, g.relative().pValue(), 1e-12);
    assertEquals(true, g.absolute().pValue() < 0.5);
    // A positive baseline is unchanged: control {2, 4}, treatment {3, 5} → 4/3 − 1.
    assertEquals(
        1.0 / 3,
        WelchTTest.withDefaults()
            .test(SampleMoments.of(2, 4), SampleMoments.of(3, 5))
            .relative()
            .effect(),
        1e-15);
  }
}
