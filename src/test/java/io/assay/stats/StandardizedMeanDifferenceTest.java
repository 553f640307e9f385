package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The SMD of covariate balance, by hand. */
class StandardizedMeanDifferenceTest {

  /**
   * Treatment (2, 4, 6): mean 4, s² = 4. Control (1, 2, 3, 4): mean 2.5, s² = 5/3. Pooled SD √((4 +
   * 5/3)/2) = √(17/6), so d = 1.5/√(17/6) = 0.8911327886790068 (the same arithmetic in NumPy
   * 2.4.6). Swapping the arms changes the sign only: the denominator does not weight by arm size.
   */
  @Test
  void byHand() {
    SampleMoments t = SampleMoments.of(2, 4, 6);
    SampleMoments c = SampleMoments.of(1, 2, 3, 4);
    assertEquals(1.5 / Math.sqrt(17.0 / 6), StandardizedMeanDifference.of(t, c).value(), 1e-15);
    assertEquals(0.8911327886790068, StandardizedMeanDifference.of(t, c).value(), 1e-15);
    assertEquals(-0.8911327886790068, StandardizedMeanDifference.of(c, t).value(), 1e-15);
    assertNull(StandardizedMeanDifference.of(t, c).error());
  }

  /** Summable moments give the same d as raw values: strata roll up by adding. */
  @Test
  void fromSummedMoments() {
    SampleMoments t = SampleMoments.of(2, 4).plus(SampleMoments.of(6));
    SampleMoments c = SampleMoments.of(1).plus(SampleMoments.of(2, 3, 4));
    assertEquals(0.8911327886790068, StandardizedMeanDifference.of(t, c).value(), 1e-15);
  }

  @Test
  void undefinedCasesCarryACode() {
    assertEquals(
        ErrorCode.EMPTY_ARM,
        StandardizedMeanDifference.of(SampleMoments.EMPTY, SampleMoments.of(1, 2)).error());
    assertEquals(
        ErrorCode.TOO_FEW_UNITS,
        StandardizedMeanDifference.of(SampleMoments.of(1), SampleMoments.of(1, 2)).error());
    StandardizedMeanDifference constant =
        StandardizedMeanDifference.of(SampleMoments.of(3, 3), SampleMoments.of(5, 5, 5));
    assertEquals(ErrorCode.ZERO_VARIANCE, constant.error());
    assertNull(constant.value());
  }
}
