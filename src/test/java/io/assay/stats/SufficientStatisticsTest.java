package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SufficientStatisticsTest {
  /** Days (or strata) roll up by adding: {1, 2} + {3, 4, 10} is {1, 2, 3, 4, 10}. */
  @Test
  void momentsAddUp() {
    SampleMoments whole = SampleMoments.of(1, 2).plus(SampleMoments.of(3, 4, 10));
    assertEquals(new SampleMoments(5, 20, 130), whole);
    // Mean 20/5 = 4; variance (130 − 20²/5)/4 = (130 − 80)/4 = 12.5.
    assertEquals(4.0, whole.mean(), 0);
    assertEquals(12.5, whole.variance(), 1e-15);

    BivariateMoments b =
        BivariateMoments.of(new double[] {1, 2}, new double[] {2, 0})
            .plus(BivariateMoments.of(new double[] {3}, new double[] {4}));
    assertEquals(new BivariateMoments(3, 6, 14, 6, 20, 14), b);
    // Cov = (14 − 6·6/3)/2 = 1.
    assertEquals(1.0, b.covariance(), 1e-15);
  }

  @Test
  void constructorsRejectImpossibleValues() {
    assertThrows(IllegalArgumentException.class, () -> new SampleMoments(-1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new SampleMoments(1, Double.NaN, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new SampleMoments(1, 0, Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> new SampleMoments(1, 0, -1));
    assertThrows(
        IllegalArgumentException.class, () -> new BivariateMoments(2, 1, 1, 1, 1, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new ArmSummary(0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new ArmSummary(2, 1, -1));
  }

  /** Rounding cannot make a variance negative: identical large values give exactly 0. */
  @Test
  void varianceIsClampedAtZero() {
    double v = 0.1 + 1e9;
    assertEquals(0.0, SampleMoments.of(v, v, v, v, v, v, v).variance(), 0);
  }
}
