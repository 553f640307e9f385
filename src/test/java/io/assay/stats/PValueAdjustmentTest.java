package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-verified values of R's {@code p.adjust} (R 4.x, stats). Each comment works the algorithm of
 * {@code p.adjust} by hand: Holm {@code pmin(1, cummax((n − i + 1)·p[o]))}, BH {@code pmin(1,
 * cummin(n/i·p[o]))} over decreasing p.
 */
class PValueAdjustmentTest {
  static final double EPS = 1e-15;

  /**
   * p = (0.01, 0.04, 0.03, 0.005). Ascending: 0.005, 0.01, 0.03, 0.04.
   *
   * <p>Holm: 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06, 1·0.04 = 0.04 → cummax 0.02, 0.03, 0.06,
   * 0.06 → in input order (0.03, 0.06, 0.06, 0.02).
   *
   * <p>BH, from the largest: 0.04·4/4 = 0.04, 0.03·4/3 = 0.04, 0.01·4/2 = 0.02, 0.005·4/1 = 0.02 →
   * cummin 0.04, 0.04, 0.02, 0.02 → in input order (0.02, 0.04, 0.04, 0.02).
   */
  @Test
  void holmAndBenjaminiHochbergByHand() {
    double[] p = {0.01, 0.04, 0.03, 0.005};
    assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02}, PValueAdjustment.HOLM.adjust(p), EPS);
    assertArrayEquals(
        new double[] {0.02, 0.04, 0.04, 0.02}, PValueAdjustment.BENJAMINI_HOCHBERG.adjust(p), EPS);
    assertArrayEquals(
        new double[] {0.04, 0.16, 0.12, 0.02}, PValueAdjustment.BONFERRONI.adjust(p), EPS);
  }

  /**
   * p = (0.01, 0.02, 0.03, 0.04, 0.05): Holm 5·0.01 = 0.05, 4·0.02 = 0.08, 3·0.03 = 0.09, 2·0.04 =
   * 0.08, 0.05 → cummax (0.05, 0.08, 0.09, 0.09, 0.09). BH: every (5/i)·p_(i) = 0.05 → all 0.05.
   */
  @Test
  void evenlySpaced() {
    double[] p = {0.01, 0.02, 0.03, 0.04, 0.05};
    assertArrayEquals(
        new double[] {0.05, 0.08, 0.09, 0.09, 0.09}, PValueAdjustment.HOLM.adjust(p), EPS);
    assertArrayEquals(
        new double[] {0.05, 0.05, 0.05, 0.05, 0.05},
        PValueAdjustment.BENJAMINI_HOCHBERG.adjust(p),
        EPS);
  }

  /**
   * Monotonicity and capping. p = (0.01, 0.011, 0.04): BH raw multiples 0.03, 0.0165, 0.04 are not
   * monotone; cummin from the top gives (0.0165, 0.0165, 0.04). p = (0.6, 0.9): Holm 2·0.6 = 1.2 →
   * cummax (1.2, 1.2) → capped (1, 1); BH 0.9·2/2 = 0.9, 0.6·2/1 = 1.2 → cummin (0.9, 0.9).
   */
  @Test
  void monotoneAndCappedAtOne() {
    assertArrayEquals(
        new double[] {0.0165, 0.0165, 0.04},
        PValueAdjustment.BENJAMINI_HOCHBERG.adjust(new double[] {0.01, 0.011, 0.04}),
        EPS);
    assertArrayEquals(
        new double[] {1, 1}, PValueAdjustment.HOLM.adjust(new double[] {0.6, 0.9}), EPS);
    assertArrayEquals(
        new double[] {0.9, 0.9},
        PValueAdjustment.BENJAMINI_HOCHBERG.adjust(new double[] {0.6, 0.9}),
        EPS);
    assertArrayEquals(
        new double[] {1, 1}, PValueAdjustment.BONFERRONI.adjust(new double[] {0.6, 0.9}), EPS);
  }

  /** Ties: p = (0.02, 0.02, 0.5). Holm 3·0.02 = 0.06, 2·0.02 = 0.04 → cummax 0.06, 0.06; 0.5. */
  @Test
  void ties() {
    assertArrayEquals(
        new double[] {0.06, 0.06, 0.5},
        PValueAdjustment.HOLM.adjust(new double[] {0.02, 0.02, 0.5}),
        EPS);
    // BH: 0.5·3/3 = 0.5, 0.02·3/2 = 0.03, 0.02·3/1 = 0.06 → cummin 0.5, 0.03, 0.03.
    assertArrayEquals(
        new double[] {0.03, 0.03, 0.5},
        PValueAdjustment.BENJAMINI_HOCHBERG.adjust(new double[] {0.02, 0.02, 0.5}),
        EPS);
  }

  /** R: NAs stay NA and are not counted in n; the others are adjusted as if NAs were absent. */
  @Test
  void nullsAreNotAvailable() {
    List<Double> adjusted =
        PValueAdjustment.HOLM.adjust(Arrays.asList(0.01, null, 0.04, 0.03, 0.005));
    assertEquals(Arrays.asList(0.03, null, 0.06, 0.06, 0.02), adjusted);
    assertEquals(List.of(0.2), PValueAdjustment.HOLM.adjust(List.of(0.2)));
  }
}
