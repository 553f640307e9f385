package io.assay.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Pearson's chi-square goodness-of-fit test of counts against expected proportions — the
 * sample-ratio-mismatch (SRM) test of arm counts against the configured arm weights.
 *
 * <pre>
 *   n = Σ O_i,   E_i = n · w_i / Σw,   X² = Σ (O_i − E_i)² / E_i,   df = k − 1,
 *   p = P(χ²_df ≥ X²) = Q(df/2, X²/2)
 * </pre>
 *
 * <p>over the {@code k} cells with a positive weight: R's {@code chisq.test(x, p = w)} (stats, R
 * 4.x). A cell of weight 0 has no expected count and no degree of freedom; observing units in it is
 * impossible under the design and rejected as invalid input.
 *
 * <p><b>Sparse cells.</b> If any cell's expected count {@code E_i} is below {@code minExpected},
 * the whole test is skipped ({@link SkipReason#MIN_EXPECTED_COUNT}): statistic, df and p-value are
 * null. A sparse cell is not dropped or merged, because the expected counts are fixed by the
 * weights: {@code E_i < m} exactly when {@code n < m / w_i}, so a sparse cell means the slice as a
 * whole is too small for the chi-square approximation, and testing the remaining cells would test a
 * different hypothesis.
 *
 * @param n units in the slice
 * @param expected {@code E_i} per cell, in input order (0 for cells of weight 0)
 * @param statistic {@code X²}, null when skipped
 * @param df degrees of freedom, null when skipped
 * @param pValue upper-tail p-value, null when skipped
 * @param skipped why the test was not run, null when it was
 */
public record ChiSquareGoodnessOfFit(
    long n,
    List<Double> expected,
    Double statistic,
    Integer df,
    Double pValue,
    SkipReason skipped) {

  public ChiSquareGoodnessOfFit {
    expected = Collections.unmodifiableList(new ArrayList<>(expected));
  }

  /**
   * The test of {@code observed} counts against {@code weights} (any non-negative scale; they are
   * normalized by their sum).
   *
   * @param minExpected the smallest expected count for which the test is run
   * @throws IllegalArgumentException for mismatched lengths, fewer than two positive weights,
   *     negative counts or weights, or units observed in a cell of weight 0
   */
  public static ChiSquareGoodnessOfFit test(long[] observed, double[] weights, double minExpected) {
    if (observed.length != weights.length) {
      throw new IllegalArgumentException(
          observed.length + " observed counts but " + weights.length + " weights");
    }
    double weightSum = 0;
    int cells = 0;
    long n = 0;
    for (int i = 0; i < observed.length; i++) {
      Checks.finite("weights[" + i + "]", weights[i]);
      if (weights[i] < 0 || observed[i] < 0) {
        throw new IllegalArgumentException(
            "cell "
                + i
                + ": counts and weights must be >= 0, were "
                + observed[i]
                + ", "
                + weights[i]);
      }
      if (weights[i] == 0 && observed[i] > 0) {
        throw new IllegalArgumentException(
            "cell " + i + " has weight 0 but " + observed[i] + " observed units");
      }
      weightSum += weights[i];
      cells += weights[i] > 0 ? 1 : 0;
      n += observed[i];
    }
    if (cells < 2) {
      throw new IllegalArgumentException(
          "need at least two cells of positive weight, had " + cells);
    }
    List<Double> expected = new ArrayList<>();
    boolean sparse = false;
    double x2 = 0;
    for (int i = 0; i < observed.length; i++) {
      double e = n * weights[i] / weightSum;
      expected.add(e);
      if (weights[i] > 0) {
        sparse |= e < minExpected;
        double d = observed[i] - e;
        x2 += e > 0 ? d * d / e : 0;
      }
    }
    if (sparse || n == 0) {
      return new ChiSquareGoodnessOfFit(
          n, expected, null, null, null, SkipReason.MIN_EXPECTED_COUNT);
    }
    int df = cells - 1;
    return new ChiSquareGoodnessOfFit(n, expected, x2, df, ChiSquaredTail.upper(x2, df), null);
  }
}
