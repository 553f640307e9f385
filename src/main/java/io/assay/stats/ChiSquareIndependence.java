package io.assay.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Pearson's chi-square test of independence of an {@code r × c} table of counts — rows are arms,
 * columns the levels of a categorical covariate, so the test asks whether the covariate's
 * distribution differs between arms.
 *
 * <pre>
 *   R_i = Σ_j O_ij,   C_j = Σ_i O_ij,   N = Σ O_ij,   E_ij = R_i · C_j / N
 *   X² = Σ (O_ij − E_ij)² / E_ij,   df = (r − 1)(c − 1),   p = P(χ²_df ≥ X²)
 * </pre>
 *
 * <p>Without continuity correction: R's {@code chisq.test(m, correct = FALSE)} (stats, R 4.x; R
 * corrects only 2 × 2 tables by default).
 *
 * <p><b>Sparse levels</b>, in this order: columns with no units are ignored; a column is sparse
 * when any of its expected counts is below {@code minExpected}; all sparse columns are pooled into
 * one ("other"); if that pooled column is itself sparse it is dropped. The test is then run on what
 * is left, skipped with {@link SkipReason#TOO_FEW_LEVELS} when fewer than two columns remain, or
 * with {@link SkipReason#MIN_EXPECTED_COUNT} when a row has no units or (after dropping) a cell is
 * still sparse. Pooling keeps the units of rare levels in the test instead of discarding them, and
 * keeps the approximation honest.
 *
 * @param statistic {@code X²}, null when skipped
 * @param df degrees of freedom, null when skipped
 * @param pValue upper-tail p-value, null when skipped
 * @param skipped why the test was not run, null when it was
 * @param pooled indices of the input columns pooled into "other" (empty when none)
 * @param pooledDropped whether the pooled column was too sparse and left out
 */
public record ChiSquareIndependence(
    Double statistic,
    Integer df,
    Double pValue,
    SkipReason skipped,
    List<Integer> pooled,
    boolean pooledDropped) {

  public ChiSquareIndependence {
    pooled = Collections.unmodifiableList(new ArrayList<>(pooled));
  }

  /**
   * The test on {@code counts[row][column]}.
   *
   * @throws IllegalArgumentException for fewer than two rows, ragged rows or negative counts
   */
  public static ChiSquareIndependence test(long[][] counts, double minExpected) {
    if (counts.length < 2) {
      throw new IllegalArgumentException("need at least two rows, had " + counts.length);
    }
    int rows = counts.length;
    int cols = counts[0].length;
    for (long[] row : counts) {
      if (row.length != cols) {
        throw new IllegalArgumentException("rows have different lengths");
      }
      for (long v : row) {
        if (v < 0) {
          throw new IllegalArgumentException("counts must be >= 0, found " + v);
        }
      }
    }
    List<long[]> columns = new ArrayList<>();
    List<Integer> index = new ArrayList<>();
    for (int j = 0; j < cols; j++) {
      long[] column = new long[rows];
      long total = 0;
      for (int i = 0; i < rows; i++) {
        column[i] = counts[i][j];
        total += column[i];
      }
      if (total > 0) {
        columns.add(column);
        index.add(j);
      }
    }
    long[] rowTotals = rowTotals(columns, rows);
    for (long r : rowTotals) {
      if (r == 0) {
        return skipped(SkipReason.MIN_EXPECTED_COUNT, List.of(), false);
      }
    }
    List<long[]> kept = new ArrayList<>();
    List<Integer> pooled = new ArrayList<>();
    long[] other = new long[rows];
    for (int k = 0; k < columns.size(); k++) {
      if (minExpectedOf(columns.get(k), rowTotals) < minExpected) {
        pooled.add(index.get(k));
        for (int i = 0; i < rows; i++) {
          other[i] += columns.get(k)[i];
        }
      } else {
        kept.add(columns.get(k));
      }
    }
    boolean dropped = false;
    if (!pooled.isEmpty()) {
      dropped = minExpectedOf(other, rowTotals) < minExpected;
      if (!dropped) {
        kept.add(other);
      }
    }
    if (kept.size() < 2) {
      return skipped(SkipReason.TOO_FEW_LEVELS, pooled, dropped);
    }
    long[] r = rowTotals(kept, rows);
    long n = 0;
    for (long v : r) {
      if (v == 0) {
        return skipped(SkipReason.MIN_EXPECTED_COUNT, pooled, dropped);
      }
      n += v;
    }
    double x2 = 0;
    for (long[] column : kept) {
      long c = 0;
      for (long v : column) {
        c += v;
      }
      for (int i = 0; i < rows; i++) {
        double e = (double) r[i] * c / n;
        if (e < minExpected) {
          return skipped(SkipReason.MIN_EXPECTED_COUNT, pooled, dropped);
        }
        double d = column[i] - e;
        x2 += d * d / e;
      }
    }
    int df = (rows - 1) * (kept.size() - 1);
    return new ChiSquareIndependence(x2, df, ChiSquaredTail.upper(x2, df), null, pooled, dropped);
  }

  private static ChiSquareIndependence skipped(
      SkipReason reason, List<Integer> pooled, boolean dropped) {
    return new ChiSquareIndependence(null, null, null, reason, pooled, dropped);
  }

  private static long[] rowTotals(List<long[]> columns, int rows) {
    long[] out = new long[rows];
    for (long[] column : columns) {
      for (int i = 0; i < rows; i++) {
        out[i] += column[i];
      }
    }
    return out;
  }

  /** The smallest {@code R_i · C / N} of one column. */
  private static double minExpectedOf(long[] column, long[] rowTotals) {
    long c = 0;
    long n = 0;
    for (int i = 0; i < column.length; i++) {
      c += column[i];
      n += rowTotals[i];
    }
    double min = Double.POSITIVE_INFINITY;
    for (long r : rowTotals) {
      min = Math.min(min, (double) r * c / n);
    }
    return min;
  }
}
