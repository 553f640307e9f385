package io.assay.balance;

import io.assay.stats.SampleMoments;
import java.util.Map;

/**
 * What Spark hands the driver for one experiment version as of a date — aggregates only, never
 * units.
 *
 * @param slices units per SRM slice and arm (days included; cumulative days are derived)
 * @param numeric per numeric attribute and arm: units with a value, Σx and Σx²
 * @param levels per categorical attribute (with at most {@code balance.max_levels} values), per
 *     level and arm: units
 * @param tooManyLevels per categorical attribute with more values: the number of distinct values
 *     and the units with a value per arm
 */
record BalanceCounts(
    Map<Slice, Map<String, Long>> slices,
    Map<String, Map<String, Sums>> numeric,
    Map<String, Map<String, Map<String, Long>>> levels,
    Map<String, Wide> tooManyLevels) {

  /** Sums of a numeric attribute in one arm, as aggregated (possibly overflowed to ±∞). */
  record Sums(long n, double sum, double sumSquares) {
    boolean finite() {
      return Double.isFinite(sum) && Double.isFinite(sumSquares);
    }

    SampleMoments moments() {
      return new SampleMoments(n, sum, sumSquares);
    }
  }

  /** A categorical attribute over the level cap. */
  record Wide(long levels, Map<String, Long> unitsByArm) {}
}
