package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RatioTestTest {
  static final double Z975 = 1.959963984540054; // qnorm(0.975)

  /**
   * Exact hand computation of Deng et al. (2018), eq. for Var(ȳ/x̄).
   *
   * <p>Control units (y, x) = (2,1), (3,2), (7,3): ȳ = 4, x̄ = 2, R̂ = 2, s_y² = (4 + 1 + 9)/2 = 7,
   * s_x² = (1 + 0 + 1)/2 = 1, s_xy = (2 + 0 + 3)/2 = 5/2. Var(R̂) = (1/3)(7/4 − 2·4·(5/2)/8 +
   * 16·1/16) = (1/3)(1/4) = 1/12. (Check: the linearized values (y − R̂x)/x̄ are 0, −1/2, 1/2, with
   * variance 1/4.)
   *
   * <p>Treatment (4,1), (6,2), (5,1), (9,4): ȳ = 6, x̄ = 2, R̂ = 3; linearized values (y − 3x)/2 =
   * 1/2, 0, 1, −3/2, variance (1/4 + 0 + 1 + 9/4)/3 = 7/6, so Var(R̂) = 7/24.
   *
   * <p>δ = 1, se² = 1/12 + 7/24 = 3/8. Lift 3/2 − 1 = 1/2 with variance (7/24)/2² + 3²(1/12)/2⁴ =
   * 7/96 + 9/192 = 23/192.
   */
  @Test
  void deltaMethodByHand() {
    BivariateMoments control = BivariateMoments.of(new double[] {2, 3, 7}, new double[] {1, 2, 3});
    BivariateMoments treatment =
        BivariateMoments.of(new double[] {4, 6, 5, 9}, new double[] {1, 2, 1, 4});
    Comparison r = RatioTest.withDefaults().test(control, treatment);
    assertNull(r.error());
    assertEquals(2.0, r.control().mean(), 1e-15);
    assertEquals(3.0, r.treatment().mean(), 1e-15);
    assertEquals(1.0 / 12, r.control().varianceOfMean(), 1e-15);
    assertEquals(7.0 / 24, r.treatment().varianceOfMean(), 1e-15);
    Inference a = r.absolute();
    assertEquals(1.0, a.effect(), 1e-15);
    assertEquals(Math.sqrt(3.0 / 8), a.se(), 1e-15);
    assertEquals(1 - Z975 * Math.sqrt(3.0 / 8), a.ciLower(), 1e-12);
    assertEquals(1 + Z975 * Math.sqrt(3.0 / 8), a.ciUpper(), 1e-12);
    assertNull(a.df());
    assertEquals(0.5, r.relative().effect(), 1e-15);
    assertEquals(Math.sqrt(23.0 / 192), r.relative().se(), 1e-15);
  }

  @Test
  void zeroDenominatorIsAnErrorCodeNotAThrow() {
    BivariateMoments control = BivariateMoments.of(new double[] {0, 0, 0}, new double[] {0, 0, 0});
    BivariateMoments treatment =
        BivariateMoments.of(new double[] {4, 6, 5}, new double[] {1, 2, 1});
    Comparison r = RatioTest.withDefaults().test(control, treatment);
    assertEquals(ErrorCode.ZERO_DENOMINATOR, r.error());
    assertNull(r.absolute().effect());
    assertNull(r.relative().effect());
  }

  /**
   * Issue 22, D3: a ratio with a negative denominator. The units of {@link #deltaMethodByHand} with
   * every x negated: R̂_c = −2, R̂_t = −3, δ = −1. Negating x negates R̂ and each linearized value
   * (y − R̂x)/x̄, so the variances are those above: se² = 3/8, and the lift's variance 23/192. The
   * lift is δ/|R̂_c| = −1/2 (a decrease, like δ); R̂_t/R̂_c − 1 = +1/2 said the opposite.
   */
  @Test
  void negativeDenominatorLiftHasTheSignOfTheEffect() {
    BivariateMoments control =
        BivariateMoments.of(new double[] {2, 3, 7}, new double[] {-1, -2, -3});
    BivariateMoments treatment =
        BivariateMoments.of(new double[] {4, 6, 5, 9}, new double[] {-1, -2, -1, -4});
    Comparison r = RatioTest.withDefaults().test(control, treatment);
    assertNull(r.error());
    assertEquals(-1.0, r.absolute().effect(), 1e-15);
    assertEquals(Math.sqrt(3.0 / 8), r.absolute().se(), 1e-15);
    assertEquals(-0.5, r.relative().effect(), 1e-15);
    assertEquals(Math.sqrt(23.0 / 192), r.relative().se(), 1e-15);
    assertEquals(-0.5 + Z975 * Math.sqrt(23.0 / 192), r.relative().ciUpper(), 1e-12);
  }
}
