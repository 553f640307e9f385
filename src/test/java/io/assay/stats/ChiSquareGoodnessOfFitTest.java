package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SRM test against R's {@code chisq.test(x, p = ...)} (R 4.x, stats; the values printed in its
 * documentation and in textbooks) and against closed forms of the chi-square tail.
 */
class ChiSquareGoodnessOfFitTest {

  /**
   * {@code ?chisq.test}: {@code x <- c(89,37,30,28,2); p <- c(0.40,0.20,0.20,0.19,0.01);
   * chisq.test(x, p = p)} prints X-squared = 5.7947, df = 4, p-value = 0.215 (with a warning that
   * the last expected count, 1.86, is small). SciPy 1.17.1 {@code chisquare} gives
   * 5.794708545557442 and 0.21501309592078602.
   */
  @Test
  void rDocumentationExample() {
    ChiSquareGoodnessOfFit r =
        ChiSquareGoodnessOfFit.test(
            new long[] {89, 37, 30, 28, 2}, new double[] {0.40, 0.20, 0.20, 0.19, 0.01}, 0);
    assertEquals(186, r.n());
    assertEquals(List.of(74.4, 37.2, 37.2, 35.34, 1.86), rounded(r.expected()));
    assertEquals(5.794708545557442, r.statistic(), 1e-12);
    assertEquals(4, r.df());
    assertEquals(0.21501309592078602, r.pValue(), 1e-12);
    assertNull(r.skipped());

    // With R's rule of thumb (expected counts of at least 5) the same slice is skipped, whole.
    ChiSquareGoodnessOfFit s =
        ChiSquareGoodnessOfFit.test(
            new long[] {89, 37, 30, 28, 2}, new double[] {0.40, 0.20, 0.20, 0.19, 0.01}, 5);
    assertEquals(SkipReason.MIN_EXPECTED_COUNT, s.skipped());
    assertNull(s.statistic());
    assertNull(s.df());
    assertNull(s.pValue());
    assertEquals(1.86, s.expected().get(4), 1e-12);
  }

  /**
   * Mendel's peas (round-yellow 315, round-green 108, wrinkled-yellow 101, wrinkled-green 32)
   * against 9:3:3:1 — {@code chisq.test(c(315,108,101,32), p = c(9,3,3,1)/16)} prints X-squared =
   * 0.47002, df = 3, p-value = 0.9254. Weights need not sum to 1: they are normalized.
   */
  @Test
  void mendelsPeas() {
    ChiSquareGoodnessOfFit r =
        ChiSquareGoodnessOfFit.test(new long[] {315, 108, 101, 32}, new double[] {9, 3, 3, 1}, 5);
    assertEquals(0.47002, r.statistic(), 5e-6);
    assertEquals(3, r.df());
    assertEquals(0.9254, r.pValue(), 5e-5);
  }

  /**
   * {@code chisq.test(c(A = 20, B = 15, C = 25))} (equal p): X-squared = 2.5, df = 2, p-value =
   * 0.2865. For df = 2 the tail is exactly {@code exp(−X²/2)} = exp(−1.25) = 0.28650479686019.
   */
  @Test
  void equalWeightsDefault() {
    ChiSquareGoodnessOfFit r =
        ChiSquareGoodnessOfFit.test(new long[] {20, 15, 25}, new double[] {1, 1, 1}, 5);
    assertEquals(2.5, r.statistic(), 1e-12);
    assertEquals(Math.exp(-1.25), r.pValue(), 1e-15);
  }

  /**
   * Far tails keep their relative precision (1 − CDF would give 0 below 1e-16). By hand: counts
   * 5500 / 4500 against 50/50 give X² = 2·500²/5000 = 100 on 1 df, and P(χ²₁ ≥ 100) = P(|Z| ≥ 10) =
   * 2·7.619853024160527e-24 (normal tail table; SciPy 1.17.1 {@code chi2.sf(100, 1)} =
   * 1.5239706048320995e-23). For even df the tail is a finite sum: P(χ²₂ ≥ 60) = e^−30, P(χ²₄ ≥ x)
   * = e^(−x/2)(1 + x/2).
   */
  @Test
  void farTailsByClosedForm() {
    ChiSquareGoodnessOfFit r =
        ChiSquareGoodnessOfFit.test(new long[] {5500, 4500}, new double[] {0.5, 0.5}, 5);
    assertEquals(100, r.statistic(), 1e-9);
    assertEquals(1, r.df());
    assertEquals(1.523970604832105e-23, r.pValue(), 1e-12 * 1.524e-23);
    assertEquals(Math.exp(-30), ChiSquaredTail.upper(60, 2), 1e-12 * Math.exp(-30));
    assertEquals(Math.exp(-100) * 101, ChiSquaredTail.upper(200, 4), 1e-11 * Math.exp(-100) * 101);
    assertEquals(1.0, ChiSquaredTail.upper(0, 3));
  }

  /** A zero-weight arm takes no degree of freedom; units in it are impossible and rejected. */
  @Test
  void zeroWeightCellsAndInvalidInput() {
    ChiSquareGoodnessOfFit r =
        ChiSquareGoodnessOfFit.test(new long[] {20, 0, 15, 25}, new double[] {1, 0, 1, 1}, 5);
    assertEquals(2, r.df());
    assertEquals(2.5, r.statistic(), 1e-12);
    assertEquals(0.0, r.expected().get(1));
    assertThrows(
        IllegalArgumentException.class,
        () -> ChiSquareGoodnessOfFit.test(new long[] {1, 2}, new double[] {1, 0}, 5));
    assertThrows(
        IllegalArgumentException.class,
        () -> ChiSquareGoodnessOfFit.test(new long[] {1, 2}, new double[] {1}, 5));
    assertThrows(
        IllegalArgumentException.class,
        () -> ChiSquareGoodnessOfFit.test(new long[] {-1, 2}, new double[] {1, 1}, 5));
    // No units: every expected count is 0, below any positive minimum.
    assertEquals(
        SkipReason.MIN_EXPECTED_COUNT,
        ChiSquareGoodnessOfFit.test(new long[] {0, 0}, new double[] {1, 1}, 5).skipped());
  }

  private static List<Double> rounded(List<Double> values) {
    return values.stream().map(v -> Math.round(v * 1e9) / 1e9).toList();
  }
}
