package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The covariate-balance test of independence, against R's {@code chisq.test} and by hand. */
class ChiSquareIndependenceTest {

  /**
   * {@code ?chisq.test} (Agresti 2007, p. 39): party identification by gender, {@code M <-
   * rbind(c(762, 327, 468), c(484, 239, 477)); chisq.test(M)} prints X-squared = 30.07, df = 2,
   * p-value = 2.954e-07. SciPy 1.17.1 {@code chi2_contingency(M, correction=False)}:
   * 30.070149095754672, 2.9535891832117595e-07.
   */
  @Test
  void rDocumentationExample() {
    ChiSquareIndependence r =
        ChiSquareIndependence.test(new long[][] {{762, 327, 468}, {484, 239, 477}}, 5);
    assertEquals(30.070149095754672, r.statistic(), 1e-10);
    assertEquals(2, r.df());
    assertEquals(2.9535891832117595e-07, r.pValue(), 1e-16);
    assertNull(r.skipped());
    assertTrue(r.pooled().isEmpty());
  }

  /**
   * 2 × 2 without continuity correction. By hand: {@code [[110, 90], [90, 110]]} has every E = 100,
   * X² = 4·10²/100 = 4 on 1 df, so p = P(|Z| ≥ 2) = 0.04550026389635839 (SciPy 1.17.1 {@code
   * 2*norm.sf(2)}).
   */
  @Test
  void twoByTwoWithoutContinuityCorrection() {
    ChiSquareIndependence r = ChiSquareIndependence.test(new long[][] {{110, 90}, {90, 110}}, 5);
    assertEquals(4.0, r.statistic(), 1e-12);
    assertEquals(1, r.df());
    assertEquals(0.04550026389635839, r.pValue(), 1e-15);
  }

  /**
   * Pooling, by hand. Levels A, B, C, D, E with counts control (60, 40, 20, 3, 2) and treatment
   * (40, 60, 20, 2, 3): row totals 125/125, so E = C_j/2: 50, 50, 20, 2.5, 2.5. D and E are sparse
   * (2.5 < 5) and pooled into "other" (5, 5) with E = 5, not sparse, so it stays. Table (60, 40,
   * 20, 5 | 40, 60, 20, 5): X² = 2·(100/50 + 100/50 + 0 + 0) = 8 on 3 df, p = P(χ²₃ ≥ 8) =
   * 0.04601170568923136 (SciPy 1.17.1 {@code chi2.sf(8, 3)}).
   */
  @Test
  void sparseLevelsArePooled() {
    ChiSquareIndependence r =
        ChiSquareIndependence.test(new long[][] {{60, 40, 20, 3, 2}, {40, 60, 20, 2, 3}}, 5);
    assertEquals(List.of(3, 4), r.pooled());
    assertFalse(r.pooledDropped());
    assertEquals(8.0, r.statistic(), 1e-12);
    assertEquals(3, r.df());
    assertEquals(0.04601170568923136, r.pValue(), 1e-14);
  }

  /**
   * A pooled column that is still sparse is dropped. Control (60, 40, 20, 3), treatment (40, 60,
   * 20, 3): the last column has E = 3 and is pooled alone, still sparse, dropped. What remains is
   * (60, 40, 20 | 40, 60, 20): E = 50, 50, 20, X² = 8 on 2 df, p = e^−4 exactly.
   */
  @Test
  void sparsePooledColumnIsDropped() {
    ChiSquareIndependence r =
        ChiSquareIndependence.test(new long[][] {{60, 40, 20, 3}, {40, 60, 20, 3}}, 5);
    assertEquals(List.of(3), r.pooled());
    assertTrue(r.pooledDropped());
    assertEquals(8.0, r.statistic(), 1e-12);
    assertEquals(2, r.df());
    assertEquals(Math.exp(-4), r.pValue(), 1e-15);
  }

  @Test
  void degenerateTablesAreSkippedWithAReason() {
    // One level only (empty columns are ignored).
    assertEquals(
        SkipReason.TOO_FEW_LEVELS,
        ChiSquareIndependence.test(new long[][] {{50, 0}, {40, 0}}, 5).skipped());
    // An arm without units.
    assertEquals(
        SkipReason.MIN_EXPECTED_COUNT,
        ChiSquareIndependence.test(new long[][] {{50, 10}, {0, 0}}, 5).skipped());
    // Everything sparse: the pooled column is all there is, and it is dropped.
    ChiSquareIndependence tiny = ChiSquareIndependence.test(new long[][] {{1, 2}, {2, 1}}, 5);
    assertEquals(SkipReason.TOO_FEW_LEVELS, tiny.skipped());
    assertNull(tiny.pValue());
  }
}
