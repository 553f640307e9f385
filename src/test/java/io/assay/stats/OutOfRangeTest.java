package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Finite sums at an extreme scale (issue 22, D1): the result is right, or it is {@link
 * ErrorCode#OUT_OF_RANGE} with nulls — never an exception, NaN or a silently wrong number.
 */
class OutOfRangeTest {
  /** R 4.x {@code qt(0.975, 18)} = 2.100922 (t table, 18 df). */
  static final double T_975_18 = 2.10092204024096;

  /** {@code qnorm(0.975)}. */
  static final double Z_975 = 1.959963984540054;

  static SampleMoments scaled(double[] values, int power) {
    return SampleMoments.of(Arrays.stream(values).map(v -> Math.scalb(v, power)).toArray());
  }

  /**
   * R's sleep data (WelchTTestTest) with every value multiplied by 2^500 (≈ 3.3e150) or 2^−500: the
   * scaling is exact, and t, df and p do not depend on the scale, so R's df = 17.776 and p =
   * 0.07939 hold. At 2^500, (s²/n)² overflows: the Welch df used to be ∞/∞ = NaN and the test
   * threw.
   */
  @Test
  void welchDfDoesNotDependOnTheScale() {
    for (int power : new int[] {500, -500}) {
      Comparison r =
          WelchTTest.withDefaults()
              .test(
                  scaled(WelchTTestTest.SLEEP_GROUP_2, power),
                  scaled(WelchTTestTest.SLEEP_GROUP_1, power));
      assertNull(r.error());
      assertEquals(17.776, r.absolute().df(), 5e-4);
      assertEquals(0.07939, r.absolute().pValue(), 5e-6);
      assertEquals(-3.3654832, Math.scalb(r.absolute().ciLower(), -power), 5e-8);
      assertEquals(0.75 / 2.33 - 1, r.relative().effect(), 1e-12);
    }
  }

  /**
   * The input: n = 10, Σy = 0, Σy² = 1e157 in both arms. By hand: s² = 1e157/9, se² =
   * 2·s²/10 = 1e157/45, se = √(1e157/45) = 4.714045207910317e77; equal variances and sizes give ν =
   * (2v)²/(2v²/9) = 18 exactly; δ = 0, so p = 1 and the interval is ±t_{.975,18}·se. The control
   * mean is 0: no relative lift.
   */
  @Test
  void hugeSumsOfSquaresGiveTheRightNumbers() {
    SampleMoments arm = new SampleMoments(10, 0, 1e157);
    double se = Math.sqrt(1e157 / 45);
    Comparison welch = WelchTTest.withDefaults().test(arm, arm);
    assertEquals(ErrorCode.ZERO_BASELINE, welch.error());
    assertEquals(18, welch.absolute().df(), 1e-12);
    assertEquals(se, welch.absolute().se(), se * 1e-15);
    assertEquals(1.0, welch.absolute().pValue(), 0);
    assertEquals(T_975_18 * se, welch.absolute().ciUpper(), se * 1e-12);

    // CUPED with a covariate that carries nothing (Σx = Σxy = 0): θ = 0, the same test.
    BivariateMoments withX = new BivariateMoments(10, 0, 1e157, 0, 1, 0);
    CupedTest.Result cuped = CupedTest.withDefaults().test(withX, withX);
    assertEquals(0, cuped.adjustment().theta(), 0);
    assertEquals(18, cuped.comparison().absolute().df(), 1e-12);
    assertEquals(se, cuped.comparison().absolute().se(), se * 1e-15);
    assertEquals(0, cuped.varianceReduction(), 0);

    // Ratio over a denominator of 1 per unit (Σx = Σx² = 10, Σxy = 0): R̂ = 0, the linearized
    // values are y itself, the reference normal.
    BivariateMoments ratio = new BivariateMoments(10, 0, 1e157, 10, 10, 0);
    Comparison r = RatioTest.withDefaults().test(ratio, ratio);
    assertEquals(ErrorCode.ZERO_BASELINE, r.error());
    assertEquals(se, r.absolute().se(), se * 1e-15);
    assertEquals(Z_975 * se, r.absolute().ciUpper(), se * 1e-12);
  }

  /**
   * The second input: Σy² = 1e-320, a subnormal (a double keeps about 11 bits there), so
   * s²/n ≈ 1.1e-322 holds 5 bits: no variance, standard error or df is trustworthy. Every path
   * reports OUT_OF_RANGE with nulls. So does Σy² that underflowed to 0 while Σy did not (values
   * about 1e-170: the data are not constant, they are out of range), which used to read as
   * zero_variance.
   */
  @Test
  void subnormalSumsOfSquaresAreOutOfRange() {
    SampleMoments tiny = new SampleMoments(10, 0, 1e-320);
    assertOutOfRange(WelchTTest.withDefaults().test(tiny, tiny));
    BivariateMoments ratio = new BivariateMoments(10, 0, 1e-320, 10, 10, 0);
    assertOutOfRange(RatioTest.withDefaults().test(ratio, ratio));
    BivariateMoments cuped = new BivariateMoments(10, 0, 1e-320, 0, 1, 0);
    assertOutOfRange(CupedTest.withDefaults().test(cuped, cuped).comparison());

    SampleMoments underflowed = new SampleMoments(2, 3e-170, 0);
    assertOutOfRange(WelchTTest.withDefaults().test(underflowed, SampleMoments.of(1, 2)));
    // Σy² = 0 with Σy = 0 is every value 0: in range, a genuine zero variance.
    assertEquals(
        ErrorCode.ZERO_VARIANCE,
        WelchTTest.withDefaults()
            .test(new SampleMoments(2, 0, 0), new SampleMoments(2, 0, 0))
            .error());
  }

  /**
   * R's sleep data at 2^−540: the squares (≈ 2^−1080·34 ≈ 1e-323) are subnormal: out of range,
   * where 2^−500 above is not.
   */
  @Test
  void theBoundaryIsTheNormalRange() {
    assertOutOfRange(
        WelchTTest.withDefaults()
            .test(
                scaled(WelchTTestTest.SLEEP_GROUP_2, -540),
                scaled(WelchTTestTest.SLEEP_GROUP_1, -540)));
  }

  /**
   * A ratio's denominator near 0 (Σx = 1e-160 over 10 units, x̄ = 1e-161, Σx² = 1e-300) overflows
   * the ratio's variance: R̂ = 1e161 and R̂²s_x²/x̄² ≈ 1e322·1.1e-301/1e-322 ≈ 1e343. It used to
   * throw from ArmSummary.
   */
  @Test
  void ratioOverATinyDenominatorIsOutOfRange() {
    BivariateMoments m = new BivariateMoments(10, 10, 20, 1e-160, 1e-300, 0);
    assertOutOfRange(RatioTest.withDefaults().test(m, m));
  }

  /**
   * CUPED whose covariate has a subnormal pooled variance (Σx² = 1e-320 per arm): θ = Cov/Var(x)
   * would rest on 5 bits. The fit is null, the comparison OUT_OF_RANGE; it used to throw.
   */
  @Test
  void cupedWithASubnormalCovariateIsOutOfRange() {
    BivariateMoments m = new BivariateMoments(10, 0, 1, 0, 1e-320, 1e-160);
    assertNull(CupedAdjustment.fit(List.of(m, m)));
    CupedTest.Result r = CupedTest.withDefaults().test(m, m);
    assertOutOfRange(r.comparison());
    assertNull(r.varianceReduction());
    // Pooled sums that overflow although each arm's are finite.
    BivariateMoments big = new BivariateMoments(10, 0, 1, 0, 1e308, 0);
    assertNull(CupedAdjustment.fit(List.of(big, big)));
  }

  /**
   * Only the relative lift out of range: the control mean 5e-311 is not 0 (no zero_baseline) but
   * m_t/m_c = 1/5e-311 overflows. By hand the absolute part is ordinary: control {−1, 1} plus
   * 1e-310 in Σy (Σy² = 2, s² = 2), treatment {0, 2} (mean 1, s² = 2): δ = 1, se² = 2/2 + 2/2 = 2.
   */
  @Test
  void onlyTheRelativeLiftOutOfRange() {
    Comparison r =
        WelchTTest.withDefaults().test(new SampleMoments(2, 1e-310, 2), SampleMoments.of(0, 2));
    assertEquals(ErrorCode.OUT_OF_RANGE, r.error());
    assertEquals(1.0, r.absolute().effect(), 1e-15);
    assertEquals(Math.sqrt(2), r.absolute().se(), 1e-15);
    assertNotNull(r.absolute().pValue());
    assertEquals(Inference.UNDEFINED, r.relative());
  }

  /**
   * Multiplying y by 2^a and x by 2^b is exact (unless a sum leaves the normal range) and changes
   * no p-value, df or relative lift of any test. Over random data sets and scalings from 2^−1100 to
   * 2^1000, every comparison gives the unscaled numbers (to 1e-9) or OUT_OF_RANGE — never another
   * number, an exception, or zero_variance where the data vary.
   */
  @Test
  void scalingByPowersOfTwoChangesNothingOrIsOutOfRange() {
    java.util.Random random = new java.util.Random(22);
    int same = 0;
    int outOfRange = 0;
    for (int i = 0; i < 3000; i++) {
      boolean ratio = random.nextBoolean();
      BivariateMoments c = data(random, ratio);
      BivariateMoments t = data(random, ratio);
      int a = random.nextInt(2100) - 1100;
      int b = random.nextBoolean() ? a : random.nextInt(2100) - 1100;
      BivariateMoments cs = scale(c, a, b);
      BivariateMoments ts = scale(t, a, b);
      if (cs == null || ts == null) {
        continue; // a sum left the normal range: not an exact copy of the data
      }
      List<Comparison[]> pairs =
          ratio
              ? List.<Comparison[]>of(
                  new Comparison[] {
                    RatioTest.withDefaults().test(c, t), RatioTest.withDefaults().test(cs, ts)
                  })
              : List.<Comparison[]>of(
                  new Comparison[] {
                    WelchTTest.withDefaults().test(c.y(), t.y()),
                    WelchTTest.withDefaults().test(cs.y(), ts.y())
                  },
                  new Comparison[] {
                    CupedTest.withDefaults().test(c, t).comparison(),
                    CupedTest.withDefaults().test(cs, ts).comparison()
                  });
      for (Comparison[] p : pairs) {
        if (p[1].error() == ErrorCode.OUT_OF_RANGE) {
          outOfRange++;
          continue;
        }
        String at = "case " + i + " (2^" + a + ", 2^" + b + ")";
        assertEquals(p[0].error(), p[1].error(), at);
        assertClose(p[0].absolute().pValue(), p[1].absolute().pValue(), at);
        assertClose(p[0].absolute().df(), p[1].absolute().df(), at);
        assertClose(p[0].relative().effect(), p[1].relative().effect(), at);
        assertClose(p[0].relative().pValue(), p[1].relative().pValue(), at);
        same++;
      }
    }
    // Both outcomes are exercised.
    assertTrue(same > 1000 && outOfRange > 30, same + " same, " + outOfRange + " out of range");
  }

  /** 2 to 30 units with values on a grid of 1/8 (exact sums); x > 0 for a ratio's denominator. */
  static BivariateMoments data(java.util.Random random, boolean positiveX) {
    int n = 2 + random.nextInt(29);
    double[] y = new double[n];
    double[] x = new double[n];
    double mu = random.nextGaussian() * 3;
    double sd = Math.abs(random.nextGaussian()) + 0.1;
    for (int i = 0; i < n; i++) {
      x[i] = Math.max(0.125, Math.rint(((positiveX ? 5 : 0) + random.nextGaussian()) * 8) / 8);
      y[i] = Math.rint((mu + sd * (0.5 * x[i] + random.nextGaussian())) * 8) / 8;
    }
    return BivariateMoments.of(y, x);
  }

  /** The moments of y·2^a and x·2^b, or null when a sum is not exactly representable. */
  static BivariateMoments scale(BivariateMoments m, int a, int b) {
    double[][] sums = {
      {m.sumY(), a},
      {m.sumYSquares(), 2 * a},
      {m.sumX(), b},
      {m.sumXSquares(), 2 * b},
      {m.sumXY(), a + b}
    };
    double[] out = new double[5];
    for (int k = 0; k < 5; k++) {
      out[k] = Math.scalb(sums[k][0], (int) sums[k][1]);
      if (Math.scalb(out[k], (int) -sums[k][1]) != sums[k][0]) {
        return null;
      }
    }
    return new BivariateMoments(m.n(), out[0], out[1], out[2], out[3], out[4]);
  }

  static void assertClose(Double expected, Double actual, String at) {
    if (expected == null || actual == null) {
      assertEquals(expected, actual, at);
    } else {
      assertEquals(expected, actual, 1e-9 * Math.max(1e-300, Math.abs(expected)) + 1e-14, at);
    }
  }

  static void assertOutOfRange(Comparison r) {
    assertEquals(ErrorCode.OUT_OF_RANGE, r.error());
    assertEquals(Inference.UNDEFINED, r.absolute());
    assertEquals(Inference.UNDEFINED, r.relative());
  }
}
