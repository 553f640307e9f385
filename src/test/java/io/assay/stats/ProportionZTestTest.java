package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * Counts chosen so that Pearson's X² (R's {@code prop.test(..., correct = FALSE)} statistic) is a
 * whole number, which makes the statistic exactly checkable by hand and the p-value a normal-table
 * value: 2·Φ(−2) = 0.04550026389635842, Φ(−3) = 0.0013498980316301 (Abramowitz and Stegun, table
 * 26.1; the same digits from R 4.x {@code 2*pnorm(-2)}, {@code pnorm(-3)}).
 */
class ProportionZTestTest {
  static final double Z975 = 1.959963984540054; // qnorm(0.975)

  /**
   * Treatment 12/18, control 6/18: p̂_t = 2/3, p̂_c = 1/3, pooled p̄ = 18/36 = 1/2. Test variance
   * p̄(1 − p̄)(1/18 + 1/18) = (1/4)(1/9) = 1/36, so se = 1/6 and Z = (1/3)/(1/6) = 2 exactly; R's
   * {@code prop.test(c(12, 6), c(18, 18), correct = FALSE)} gives X-squared = 4, p-value = 0.0455.
   * Wald variance (2/9)/18 + (2/9)/18 = 2/81, se = √2/9, interval 1/3 ± 1.959964·√2/9.
   */
  @Test
  void balancedCountsByHand() {
    Comparison r =
        ProportionZTest.withDefaults()
            .test(new SampleMoments(18, 6, 6), new SampleMoments(18, 12, 12));
    Inference a = r.absolute();
    assertNull(r.error());
    assertEquals(1.0 / 3, a.effect(), 1e-15);
    assertEquals(0.04550026389635842, a.pValue(), 1e-12);
    assertEquals(Math.sqrt(2) / 9, a.se(), 1e-15);
    assertEquals(1.0 / 3 - Z975 * Math.sqrt(2) / 9, a.ciLower(), 1e-12);
    assertEquals(1.0 / 3 + Z975 * Math.sqrt(2) / 9, a.ciUpper(), 1e-12);
    assertNull(a.df());
    // Relative: 2 − 1 = 1; delta-method variance (2/9)/18 /(1/3)² + (2/3)²·(2/9)/18 /(1/3)⁴
    // = 1/9 + 4/9 = 5/9.
    assertEquals(1.0, r.relative().effect(), 1e-12);
    assertEquals(Math.sqrt(5.0 / 9), r.relative().se(), 1e-12);
  }

  /**
   * Unequal arms. Treatment 16/24, control 20/48: p̂_t = 2/3, p̂_c = 5/12, p̄ = 36/72 = 1/2. Test
   * variance (1/4)(1/24 + 1/48) = 1/64, se = 1/8, δ = 1/4, Z = 2. Wald variance (2/9)/24 +
   * (35/144)/48 = 1/108 + 35/6912 = (64 + 35)/6912 = 99/6912.
   */
  @Test
  void unequalArmsByHand() {
    Inference a =
        ProportionZTest.withDefaults()
            .test(new SampleMoments(48, 20, 20), new SampleMoments(24, 16, 16))
            .absolute();
    assertEquals(0.25, a.effect(), 1e-15);
    assertEquals(0.04550026389635842, a.pValue(), 1e-12);
    assertEquals(Math.sqrt(99.0 / 6912), a.se(), 1e-15);
  }

  /**
   * Treatment 8/12, control 4/24: p̂_t = 2/3, p̂_c = 1/6, p̄ = 12/36 = 1/3. Test variance
   * (2/9)(1/12 + 1/24) = (2/9)(1/8) = 1/36, se = 1/6, δ = 1/2, Z = 3. One-sided p-values as R's
   * {@code prop.test(c(8, 4), c(12, 24), correct = FALSE, alternative = ...)}: greater Φ(−3), less
   * 1 − Φ(−3).
   */
  @Test
  void oneSidedByHand() {
    SampleMoments control = new SampleMoments(24, 4, 4);
    SampleMoments treatment = new SampleMoments(12, 8, 8);
    Inference g =
        ProportionZTest.with(TestOptions.defaults().withAlternative(Alternative.GREATER))
            .test(control, treatment)
            .absolute();
    assertEquals(0.0013498980316301, g.pValue(), 1e-14);
    assertNull(g.ciUpper());
    // Wald variance (2/9)/12 + (5/36)/24 = 1/54 + 5/864 = (16 + 5)/864 = 21/864; z_0.95 =
    // 1.6448536.
    assertEquals(0.5 - 1.6448536269514722 * Math.sqrt(21.0 / 864), g.ciLower(), 1e-12);
    Inference l =
        ProportionZTest.with(TestOptions.defaults().withAlternative(Alternative.LESS))
            .test(control, treatment)
            .absolute();
    assertEquals(1 - 0.0013498980316301, l.pValue(), 1e-14);
    assertNull(l.ciLower());
  }

  /**
   * R's {@code prop.test} clamps the interval to [−1, 1]; 0/3 vs 3/3 has Wald se 0 (both arms have
   * p̂(1 − p̂) = 0) but a pooled test variance (1/4)(2/3) = 1/6: Z = 1/√(1/6) = √6.
   */
  @Test
  void allOrNothingArms() {
    Comparison r =
        ProportionZTest.withDefaults().test(new SampleMoments(3, 0, 0), new SampleMoments(3, 3, 3));
    assertEquals(ErrorCode.ZERO_VARIANCE, r.error());
    assertEquals(1.0, r.absolute().effect(), 0);
    assertNull(r.absolute().ciLower());
    assertEquals(0.014305878435429648, r.absolute().pValue(), 1e-14);
    assertNull(r.relative().effect()); // control proportion 0: no relative lift
  }
}
