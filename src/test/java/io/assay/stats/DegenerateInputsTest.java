package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Degenerate inputs never throw and never give NaN or ±∞: they give an error code and nulls. */
class DegenerateInputsTest {
  static void assertNoNonFinite(Comparison r) {
    for (Inference i : new Inference[] {r.absolute(), r.relative()}) {
      Stream.of(i.effect(), i.se(), i.ciLower(), i.ciUpper(), i.pValue(), i.df())
          .filter(v -> v != null)
          .forEach(v -> assertTrue(Double.isFinite(v), "non-finite value in " + i));
    }
  }

  @Test
  void zeroVarianceInBothArms() {
    Comparison r =
        WelchTTest.withDefaults().test(SampleMoments.of(5, 5, 5), SampleMoments.of(7, 7, 7));
    assertEquals(ErrorCode.ZERO_VARIANCE, r.error());
    assertEquals(2.0, r.absolute().effect(), 0);
    assertEquals(0.0, r.absolute().se(), 0);
    assertNull(r.absolute().pValue());
    assertNull(r.absolute().ciLower());
    assertNull(r.absolute().ciUpper());
    assertNull(r.absolute().df());
    assertEquals(0.4, r.relative().effect(), 1e-15);
    assertNull(r.relative().pValue());
    assertNoNonFinite(r);
  }

  /**
   * Every unit the same value that a double cannot hold (0.1, 0.7): the sums do not cancel exactly,
   * and the residue of rounding used to count as a variance, making 0.1 against 0.1000000001 look
   * significant. It is 0 now, so the comparison is {@code zero_variance}; a ratio that is the same
   * for every unit (y = 3x) too. Values that differ only in the fifth decimal are still resolved:
   * for 1 and 1.00001 the sums give s² = (10⁻⁵)²/2 = 5·10⁻¹¹, to about 10⁻⁵ relative.
   */
  @Test
  void roundingResidueIsNotAVariance() {
    Comparison r =
        WelchTTest.withDefaults()
            .test(SampleMoments.of(0.1, 0.1, 0.1), SampleMoments.of(0.7, 0.7, 0.7, 0.7, 0.7));
    assertEquals(ErrorCode.ZERO_VARIANCE, r.error());
    assertEquals(0.0, SampleMoments.of(0.1, 0.1, 0.1).variance());
    assertEquals(5e-11, SampleMoments.of(1, 1.00001).variance(), 5e-11 * 1e-4);

    double[] x = {0.1, 0.2, 0.3, 0.7};
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = 3 * x[i];
    }
    double[] x2 = {0.3, 0.9, 1.1};
    double[] y2 = new double[x2.length];
    for (int i = 0; i < x2.length; i++) {
      y2[i] = 3.0000001 * x2[i];
    }
    Comparison ratio =
        RatioTest.withDefaults().test(BivariateMoments.of(y, x), BivariateMoments.of(y2, x2));
    assertEquals(0.0, RatioTest.linearize(BivariateMoments.of(y, x)).variance());
    assertEquals(ErrorCode.ZERO_VARIANCE, ratio.error());
    assertNoNonFinite(ratio);
  }

  @Test
  void zeroVarianceInOneArmIsFine() {
    Comparison r =
        WelchTTest.withDefaults().test(SampleMoments.of(5, 5, 5), SampleMoments.of(6, 7, 8));
    assertNull(r.error());
    // Welch df with one zero variance: (1/3)² / ((1/3)²/2) = 2.
    assertEquals(2.0, r.absolute().df(), 1e-12);
    assertNotNull(r.absolute().pValue());
  }

  @Test
  void zeroBaselineLeavesRelativeUndefined() {
    Comparison r =
        WelchTTest.withDefaults().test(SampleMoments.of(-1, 0, 1), SampleMoments.of(1, 2, 3));
    assertEquals(ErrorCode.ZERO_BASELINE, r.error());
    assertEquals(2.0, r.absolute().effect(), 0);
    assertNotNull(r.absolute().pValue());
    assertEquals(Inference.UNDEFINED, r.relative());
  }

  @Test
  void allZeroMetric() {
    Comparison r =
        WelchTTest.withDefaults().test(SampleMoments.of(0, 0, 0), SampleMoments.of(0, 0, 0, 0));
    assertEquals(ErrorCode.ZERO_VARIANCE, r.error());
    assertEquals(0.0, r.absolute().effect(), 0);
    assertEquals(Inference.UNDEFINED, r.relative());
    assertNoNonFinite(r);

    Comparison p =
        ProportionZTest.withDefaults()
            .test(new SampleMoments(10, 0, 0), new SampleMoments(10, 0, 0));
    assertEquals(ErrorCode.ZERO_VARIANCE, p.error());
    assertNoNonFinite(p);
  }

  @Test
  void tooFewUnits() {
    Comparison r = WelchTTest.withDefaults().test(SampleMoments.of(1), SampleMoments.of(1, 2));
    assertEquals(ErrorCode.TOO_FEW_UNITS, r.error());
    assertEquals(Inference.UNDEFINED, r.absolute());

    TestOptions atLeast100 = TestOptions.defaults().withMinUnitsPerArm(100);
    Comparison m =
        WelchTTest.with(atLeast100).test(SampleMoments.of(1, 2, 3), SampleMoments.of(1, 2, 4));
    assertEquals(ErrorCode.TOO_FEW_UNITS, m.error());
  }

  @Test
  void emptyArm() {
    for (Comparison r :
        new Comparison[] {
          WelchTTest.withDefaults().test(SampleMoments.EMPTY, SampleMoments.of(1, 2)),
          ProportionZTest.withDefaults()
              .test(new SampleMoments(10, 3, 3), new SampleMoments(0, 0, 0)),
          RatioTest.withDefaults()
              .test(BivariateMoments.EMPTY, BivariateMoments.of(new double[] {1}, new double[] {1}))
        }) {
      assertEquals(ErrorCode.EMPTY_ARM, r.error());
      assertEquals(Inference.UNDEFINED, r.absolute());
      assertEquals(Inference.UNDEFINED, r.relative());
      assertNull(r.control());
    }
  }
}
