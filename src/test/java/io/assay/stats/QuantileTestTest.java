package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

public class QuantileTestTest {
  static final double Z975 = 1.959963984540054; // qnorm(0.975)

  /** Fine buckets for the hand examples: every value is reported within 0.01% of itself. */
  static final double ALPHA = 1e-4;

  static final QuantileBuckets FINE = new QuantileBuckets(ALPHA);

  // Sorted: 0.5 0.9 1.4 1.9 2.2 2.7 3.3 3.9 4.1 4.6 | 5.0 5.6 6.1 7.3 8.4 9.6 11.8 12.7 14.9 19.2
  public static final double[] CONTROL = {
    4.1, 0.9, 7.3, 2.2, 11.8, 5.0, 3.3, 9.6, 1.4, 6.1, 14.9, 2.7, 8.4, 0.5, 3.9, 19.2, 5.6, 1.9,
    12.7, 4.6
  };

  // Sorted: 0.8 1.2 2.0 2.5 3.0 3.6 4.4 5.2 6.0 6.3 | 7.1 7.7 8.3 9.9 10.7 12.2 15.5 16.1 18.6 24.0
  public static final double[] TREATMENT = {
    6.3, 1.2, 9.9, 3.0, 15.5, 7.1, 4.4, 12.2, 2.0, 8.3, 18.6, 3.6, 10.7, 0.8, 5.2, 24.0, 7.7, 2.5,
    16.1, 6.0
  };

  /**
   * Unit level, n = T = 20 per arm, p = 0.5, all by hand from the order statistics.
   *
   * <p>Control: Q̂ = x_(⌈10⌉) = x_(10) = 4.6; F̂ = 10/20 = p, D = 1, σ² = p(1 − p)/n = 0.25/20 =
   * 0.0125, σ = 0.1118034, zσ = 0.2191306. Levels 0.2808694 and 0.7191306, ranks ⌈5.617⌉ = 6 and
   * ⌈14.383⌉ = 15: L = x_(6) = 2.7, U = x_(15) = 8.4, se = 5.7/(2z).
   *
   * <p>Treatment: Q̂ = x_(10) = 6.3, L = x_(6) = 3.6, U = x_(15) = 10.7, se = 7.1/(2z).
   *
   * <p>δ = 6.3 − 4.6 = 1.7; se = √(5.7² + 7.1²)/(2z) = √82.9/(2z); the 95% interval δ ± z·se = 1.7
   * ± √82.9/2 = 1.7 ± 4.5524719. Lift 6.3/4.6 − 1 = 0.3695652.
   *
   * <p>Tolerances: every value the sketch reports is within a relative α = 10⁻⁴ of the order
   * statistic, so an effect or a bound is within α times the sum of the magnitudes involved.
   */
  @Test
  void unitLevelByHand() {
    QuantileSketch c = QuantileSketch.ofUnitValues(FINE, CONTROL);
    QuantileSketch t = QuantileSketch.ofUnitValues(FINE, TREATMENT);
    QuantileTest.Estimate ec = QuantileTest.estimate(c, 0.5);
    assertNear(4.6, ec.quantile());
    assertEquals(0.5, ec.cdf(), 1e-15);
    assertEquals(1.0, ec.designEffect(), 1e-15);
    assertEquals(0.0125, ec.rankSd() * ec.rankSd(), 1e-17);
    assertNear(2.7, ec.lower());
    assertNear(8.4, ec.upper());
    assertEquals(5.7 / (2 * Z975), ec.se(), ALPHA * 11.1 / (2 * Z975));
    QuantileTest.Estimate et = QuantileTest.estimate(t, 0.5);
    assertNear(6.3, et.quantile());
    assertNear(3.6, et.lower());
    assertNear(10.7, et.upper());

    Comparison r = QuantileTest.withDefaults().test(c, t, 0.5);
    assertNull(r.error());
    assertEquals(20, r.control().n());
    assertEquals(4.6, r.control().mean(), ALPHA * 4.6);
    assertEquals(ec.se() * ec.se(), r.control().varianceOfMean(), 1e-15);
    Inference a = r.absolute();
    double tol = ALPHA * (4.6 + 6.3 + 2.7 + 8.4 + 3.6 + 10.7);
    assertEquals(1.7, a.effect(), ALPHA * 10.9);
    assertEquals(Math.sqrt(82.9) / (2 * Z975), a.se(), tol);
    assertEquals(1.7 - 4.5524719, a.ciLower(), tol + 1e-7);
    assertEquals(1.7 + 4.5524719, a.ciUpper(), tol + 1e-7);
    assertNull(a.df());
    assertEquals(0.3695652, r.relative().effect(), 1e-6 + 3 * ALPHA);
  }

  /**
   * Unit level at p = 0.9: control Q̂ = x_(18) = 12.7; σ² = 0.09/20 = 0.0045, zσ = 0.1314784;
   * levels 0.7685216 and 1.0314784: ranks ⌈15.37⌉ = 16 and, clamped to T, 20: L = 9.6, U = 19.2.
   * Treatment Q̂ = x_(18) = 16.1, L = x_(16) = 12.2, U = x_(20) = 24.0.
   */
  @Test
  void unitLevelUpperQuantileClampsAtTheLargestValue() {
    QuantileTest.Estimate ec =
        QuantileTest.estimate(QuantileSketch.ofUnitValues(FINE, CONTROL), 0.9);
    assertNear(12.7, ec.quantile());
    assertEquals(0.0045, ec.rankSd() * ec.rankSd(), 1e-17 * 45);
    assertNear(9.6, ec.lower());
    assertNear(19.2, ec.upper());
    QuantileTest.Estimate et =
        QuantileTest.estimate(QuantileSketch.ofUnitValues(FINE, TREATMENT), 0.9);
    assertNear(16.1, et.quantile());
    assertNear(12.2, et.lower());
    assertNear(24.0, et.upper());
  }

  /**
   * With one value per unit the variance is the binomial p(1 − p)/n exactly, at the level p asked
   * for, even where ties make the CDF at Q̂'s bucket another number: for 1, 1, 1, 1, 1, 1, 2, 3, 4,
   * 5 and p = 0.5, Q̂ = x_(5) = 1 and F̂ = 6/10, yet σ² = 0.25/10 (not 0.24/10). Also on random
   * data at several levels.
   */
  @Test
  void unitLevelVarianceIsBinomial() {
    QuantileSketch ties =
        QuantileSketch.ofUnitValues(FINE, new double[] {1, 1, 1, 1, 1, 1, 2, 3, 4, 5});
    QuantileTest.Estimate e = QuantileTest.estimate(ties, 0.5);
    assertEquals(0.6, e.cdf(), 1e-15);
    assertEquals(1.0, e.designEffect(), 1e-15);
    assertEquals(0.025, e.rankSd() * e.rankSd(), 1e-17);
    Random rng = new Random(5);
    double[] x = new double[1000];
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.round(100 * Math.exp(rng.nextGaussian())) / 10.0; // with ties
    }
    QuantileSketch s = QuantileSketch.ofUnitValues(QuantileBuckets.withDefaultAccuracy(), x);
    for (double p : new double[] {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99}) {
      QuantileTest.Estimate r = QuantileTest.estimate(s, p);
      assertEquals(1.0, r.designEffect(), 1e-12, "p = " + p);
      assertEquals(p * (1 - p) / 1000, r.rankSd() * r.rankSd(), 1e-12 * p, "p = " + p);
    }
  }

  /**
   * Event level, by hand. Six units, the values 1..14 (each in its own bucket):
   *
   * <pre>
   *   U1 {1, 3, 8}  U2 {2}  U3 {4, 5, 6, 12}  U4 {}  U5 {7, 9}  U6 {10, 11, 13, 14}
   *   N = 3, 1, 4, 0, 2, 4;  n = 6, T = 14, ΣN² = 9 + 1 + 16 + 0 + 4 + 16 = 46
   * </pre>
   *
   * <p>p = 0.5: Q̂ = x_(⌈7⌉) = 7. Values ≤ 7 per unit: S = 2, 1, 3, 0, 1, 0; ΣS = 7, F̂ = 1/2. ΣS²
   * = 4 + 1 + 9 + 1 = 15, ΣSN = 6 + 1 + 12 + 2 = 21. Σ(S − F̂N)² = 15 − 21 + 46/4 = 5.5 (directly:
   * residuals 0.5, 0.5, 1, 0, 0, −2). Var_Δ(F̂) = 5.5/14² = 0.0280612; the i.i.d. variance would be
   * 0.25/14 = 0.0178571; D = 5.5/(14·0.25) = 11/7. σ² = 0.25·(11/7)/14 = 11/392, σ = 0.1675148, zσ
   * = 0.3283230: levels 0.1716770 and 0.8283230, ranks ⌈2.404⌉ = 3 and ⌈11.596⌉ = 12: L = 3, U =
   * 12, se = 9/(2z).
   *
   * <p>p = 0.4: Q̂ = x_(⌈5.6⌉) = x_(6) = 6; S = 2, 1, 3, 0, 0, 0; ΣS = 6, F̂ = 3/7 (not p). ΣS² =
   * 14, ΣSN = 19; residuals S − (3/7)N = 5/7, 4/7, 9/7, 0, −6/7, −12/7, squares summing to 302/49.
   * D = (302/49)/(14·(3/7)(4/7)) = 302/168 = 151/84; σ² = 0.4·0.6·(151/84)/14 = 151/4900, σ =
   * 0.1755424, zσ = 0.3440568: levels 0.0559432 and 0.7440568, ranks ⌈0.783⌉ = 1 and ⌈10.417⌉ = 11:
   * L = 1, U = 11.
   *
   * <p>Treated naively as 14 independent values (D = 1): σ² = 0.25/14, which understates the
   * variance by the factor 11/7.
   */
  @Test
  void eventLevelDeltaMethodByHand() {
    double[][] units = {{1, 3, 8}, {2}, {4, 5, 6, 12}, {}, {7, 9}, {10, 11, 13, 14}};
    QuantileSketch s = QuantileSketch.ofEvents(FINE, units);
    QuantileTest.Estimate e = QuantileTest.estimate(s, 0.5);
    assertEquals(6, e.units());
    assertEquals(14.0, e.values());
    assertNear(7, e.quantile());
    assertEquals(0.5, e.cdf(), 1e-15);
    assertEquals(11.0 / 7, e.designEffect(), 1e-15);
    assertEquals(11.0 / 392, e.rankSd() * e.rankSd(), 1e-16);
    assertNear(3, e.lower());
    assertNear(12, e.upper());
    assertEquals(9 / (2 * Z975), e.se(), ALPHA * 15 / (2 * Z975));

    QuantileTest.Estimate f = QuantileTest.estimate(s, 0.4);
    assertNear(6, f.quantile());
    assertEquals(3.0 / 7, f.cdf(), 1e-15);
    assertEquals(151.0 / 84, f.designEffect(), 1e-15);
    assertEquals(151.0 / 4900, f.rankSd() * f.rankSd(), 1e-16);
    assertNear(1, f.lower());
    assertNear(11, f.upper());

    QuantileSketch naive = QuantileSketch.ofUnitValues(FINE, flatten(units));
    QuantileTest.Estimate g = QuantileTest.estimate(naive, 0.5);
    assertEquals(1.0, g.designEffect(), 1e-15);
    assertEquals(0.25 / 14, g.rankSd() * g.rankSd(), 1e-16);
  }

  /**
   * GrowthBook's gbstats test vector (packages/stats/tests/bayesian/test_tests.py, {@code
   * TestEffectBayesianABTest}, p = 0.9): quantile estimates and 95% bounds from its SQL, n_c =
   * 11054, n_t = 10861, n_star = n. gbstats reports, under the improper flat prior, δ =
   * 0.5365124375579775 and the interval (0.4572559589115422, 0.6157689162044128); under a flat N(0,
   * 10⁶) prior the lift 0.07495297222736319 in (0.06341005842481906, 0.08649588602990732).
   *
   * <p>gbstats' per-unit variance is {@code (n_star/n)(n − 1)·((U − L)/(2z))²}, so its se² is
   * {@code (n − 1)/n} times assay's {@code ((U − L)/(2z))²}: with that factor assay's comparison
   * gives gbstats' numbers to the last digits; without it (assay's definition) the bounds move by
   * less than 4·10⁻⁶, the factor's effect at n ≈ 11,000.
   */
  @Test
  void growthBookQuantileVector() {
    long nc = 11054;
    long nt = 10861;
    double qc = 7.157987489967789;
    double qt = 7.694499927525767;
    double lc = 7.098780136176828;
    double lt = 7.64180598628119;
    double uc = 7.217194843758751;
    double ut = 7.747193868770344;
    QuantileTest test = QuantileTest.withDefaults();
    double sc = QuantileTest.standardError(lc, uc) * Math.sqrt((nc - 1.0) / nc);
    double st = QuantileTest.standardError(lt, ut) * Math.sqrt((nt - 1.0) / nt);
    Comparison gb = test.test(estimate(nc, qc, lc, uc, sc), estimate(nt, qt, lt, ut, st));
    assertNull(gb.error());
    assertEquals(0.5365124375579775, gb.absolute().effect(), 1e-15);
    assertEquals(0.4572559589115422, gb.absolute().ciLower(), 1e-13);
    assertEquals(0.6157689162044128, gb.absolute().ciUpper(), 1e-13);
    // gbstats' relative result carries its N(0, 10⁶) prior: ~2e-12 from the flat-prior answer.
    assertEquals(0.07495297222736319, gb.relative().effect(), 1e-11);
    assertEquals(0.06341005842481906, gb.relative().ciLower(), 1e-11);
    assertEquals(0.08649588602990732, gb.relative().ciUpper(), 1e-11);

    Comparison ours =
        test.test(
            estimate(nc, qc, lc, uc, QuantileTest.standardError(lc, uc)),
            estimate(nt, qt, lt, ut, QuantileTest.standardError(lt, ut)));
    assertEquals(0.4572559589115422, ours.absolute().ciLower(), 4e-6);
    assertEquals(0.6157689162044128, ours.absolute().ciUpper(), 4e-6);
    assertTrue(ours.absolute().ciLower() < gb.absolute().ciLower());
  }

  @Test
  void degenerateArmsGiveErrorCodes() {
    QuantileTest test = QuantileTest.withDefaults();
    QuantileSketch some = QuantileSketch.ofUnitValues(FINE, CONTROL);
    QuantileSketch noUnits = QuantileSketch.empty(ALPHA);
    QuantileSketch noValues = QuantileSketch.ofEvents(FINE, new double[][] {{}, {}, {}});
    assertEquals(ErrorCode.EMPTY_ARM, test.test(noUnits, some, 0.5).error());
    assertEquals(ErrorCode.EMPTY_ARM, test.test(some, noValues, 0.5).error());
    assertNull(test.test(some, noValues, 0.5).absolute().effect());

    QuantileSketch one = QuantileSketch.ofEvents(FINE, new double[][] {{1, 2, 3}});
    assertEquals(ErrorCode.TOO_FEW_UNITS, test.test(some, one, 0.5).error());
    QuantileTest strict = QuantileTest.with(TestOptions.defaults().withMinUnitsPerArm(100));
    assertEquals(ErrorCode.TOO_FEW_UNITS, strict.test(some, some, 0.5).error());

    // Every value 0 in both arms: the zero bucket has no width, U = L = 0, se 0 in both arms.
    QuantileSketch nothing = QuantileSketch.ofUnitValues(FINE, new double[] {0, 0, 0, 0, 0});
    Comparison z = test.test(nothing, nothing, 0.5);
    assertEquals(ErrorCode.ZERO_VARIANCE, z.error());
    assertEquals(0.0, z.absolute().effect());
    assertNull(z.absolute().pValue());
    assertNull(z.absolute().ciLower());

    // Every value 3: the sketch knows them only to their bucket (γ^(j−1), γ^j], 3 = γ^(j−0.23…),
    // so the ranks are spread over it. σ² = 0.25/5, zσ = 0.4382613: ranks ⌈0.309⌉ = 1 and
    // ⌈4.691⌉ = 5 at u = 0.1 and 0.9, Q̂ at u = 0.5: with g = γ − 1 = 2α/(1 − α), v(u) = γ^j/(1 +
    // g(1 − u)), U − L = γ^j·0.8g/((1 + 0.1g)(1 + 0.9g)), a se below the bucket's resolution.
    QuantileSketch flat = QuantileSketch.ofUnitValues(FINE, new double[] {3, 3, 3, 3, 3});
    double g = 2 * ALPHA / (1 - ALPHA);
    double top = Math.pow(1 + g, Math.ceil(Math.log(3) / Math.log(1 + g)));
    QuantileTest.Estimate f = QuantileTest.estimate(flat, 0.5);
    assertEquals(top / (1 + g / 2), f.quantile(), 1e-12);
    assertEquals(top / (1 + 0.9 * g), f.lower(), 1e-12);
    assertEquals(top / (1 + 0.1 * g), f.upper(), 1e-12);
    assertEquals(top * 0.8 * g / ((1 + 0.1 * g) * (1 + 0.9 * g)) / (2 * Z975), f.se(), 1e-12);
    Comparison flatArms = test.test(flat, flat, 0.5);
    assertNull(flatArms.error());
    assertEquals(0.0, flatArms.absolute().effect());
    assertEquals(1.0, flatArms.absolute().pValue(), 1e-12);

    // Control quantile 0: the difference is defined, the lift is not.
    QuantileSketch zeros = QuantileSketch.ofUnitValues(FINE, new double[] {0, 0, 0, 0, 0, 1, 2});
    Comparison b = test.test(zeros, some, 0.5);
    assertEquals(ErrorCode.ZERO_BASELINE, b.error());
    assertNotNull(b.absolute().ciLower());
    assertNull(b.relative().effect());

    // Values near ±1.8e308: U − L overflows.
    QuantileSketch huge =
        QuantileSketch.ofUnitValues(
            FINE, new double[] {-1.7e308, -1.6e308, -1e308, 1e308, 1.6e308, 1.7e308});
    assertEquals(ErrorCode.OUT_OF_RANGE, test.test(huge, huge, 0.5).error());

    for (double p : new double[] {0, 1, 1.5, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> test.test(some, some, p));
      assertTrue(e.getMessage().startsWith("quantile"), e.getMessage());
    }
  }

  /**
   * A value the sketch reports is within a relative α of the order statistic (the bound is attained
   * at a bucket's ends, up to rounding: 1 is reported as 0.9999).
   */
  private static void assertNear(double expected, double actual) {
    assertEquals(expected, actual, ALPHA * Math.abs(expected) * (1 + 1e-9));
  }

  private static QuantileTest.Estimate estimate(
      long n, double quantile, double lower, double upper, double se) {
    return new QuantileTest.Estimate(n, n, quantile, Double.NaN, 1, Double.NaN, lower, upper, se);
  }

  private static double[] flatten(double[][] units) {
    return java.util.Arrays.stream(units).flatMapToDouble(java.util.Arrays::stream).toArray();
  }
}
