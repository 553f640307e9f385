package io.assay.stats;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One arm's mergeable state for a quantile metric, at the unit level (one value per unit) or the
 * event level (any number of values per unit): the values' {@link QuantileBuckets} counts plus the
 * per-unit sums the delta method needs, so that no unit's data leave the executors. Immutable and
 * summable with {@link #plus}.
 *
 * <p>Unit {@code i} has {@code N_i ≥ 0} values; {@code S_i(b)} is the number of them in buckets
 * {@code ≤ b} and {@code c_ib} the number in bucket {@code b}. Per bucket (keys in value order,
 * {@code b⁻} the bucket before {@code b}):
 *
 * <pre>
 *   count   = Σ_i c_ib
 *   squares = Σ_i [S_i(b)² − S_i(b⁻)²] = Σ_i c_ib·(2·S_i(b⁻) + c_ib)
 *   cross   = Σ_i c_ib·N_i
 * </pre>
 *
 * so the running sums of the buckets up to {@code b} are exactly {@code Σ_i S_i(b)}, {@code Σ_i
 * S_i(b)²} and {@code Σ_i S_i(b)·N_i}: the per-unit sums of a ratio metric {@code ΣS/ΣN} (the
 * empirical CDF at {@code b}) for every {@code b} at once. Each term belongs to one unit, so arms,
 * strata or partitions with disjoint units add bucket by bucket. Spark computes the three sums per
 * (arm, key) from a window over each unit's values, and {@code units}, {@code ΣN}, {@code ΣN²} per
 * arm; {@link #ofEvents} is the reference computation. Sums are doubles: they hold whole numbers
 * exactly up to 2⁵³ and do not overflow where a long would ({@code ΣS²} grows with the square of
 * the values per unit).
 *
 * @param accuracy the relative accuracy {@code α} of the buckets
 * @param units randomized units in the arm, {@code ≥ 0}, including units without values
 * @param sumEvents {@code ΣN_i}, the number of values
 * @param sumEvents2 {@code ΣN_i²}
 * @param buckets bucket key ({@link QuantileBuckets#key}) to its sums, in key order; unmodifiable
 */
public record QuantileSketch(
    double accuracy,
    long units,
    double sumEvents,
    double sumEvents2,
    SortedMap<Long, QuantileSketch.Bucket> buckets) {

  /**
   * The sums of one bucket over the units of an arm (see {@link QuantileSketch}).
   *
   * @param count {@code Σ_i c_ib}, values in the bucket
   * @param squares {@code Σ_i c_ib·(2·S_i(b⁻) + c_ib)}
   * @param cross {@code Σ_i c_ib·N_i}
   */
  public record Bucket(double count, double squares, double cross) {
    public Bucket {
      nonNegative("count", count);
      nonNegative("squares", squares);
      nonNegative("cross", cross);
    }

    /** The sums of the union of two disjoint sets of units. */
    public Bucket plus(Bucket o) {
      return new Bucket(count + o.count, squares + o.squares, cross + o.cross);
    }
  }

  /**
   * The running sums of the buckets up to and including one bucket {@code b}.
   *
   * @param sum {@code Σ_i S_i(b)}, the values in buckets {@code ≤ b}
   * @param sumSquares {@code Σ_i S_i(b)²}
   * @param sumCross {@code Σ_i S_i(b)·N_i}
   */
  public record Cumulative(double sum, double sumSquares, double sumCross) {}

  public QuantileSketch {
    new QuantileBuckets(accuracy); // validates quantile_accuracy
    Checks.atLeast("units", units, 0);
    nonNegative("sumEvents", sumEvents);
    nonNegative("sumEvents2", sumEvents2);
    if (buckets == null) {
      throw new IllegalArgumentException("buckets must not be null");
    }
    TreeMap<Long, Bucket> copy = new TreeMap<>();
    double total = 0;
    for (Map.Entry<Long, Bucket> e : buckets.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException("buckets must not hold null keys or sums");
      }
      copy.put(e.getKey(), e.getValue());
      total += e.getValue().count();
    }
    if (Math.abs(total - sumEvents) > 1e-9 * sumEvents) {
      throw new IllegalArgumentException(
          "sumEvents must equal the buckets' total count " + total + ", was " + sumEvents);
    }
    if (units == 0 && sumEvents > 0) {
      throw new IllegalArgumentException("units must be >= 1 when there are values, was 0");
    }
    // N_i² ≥ N_i for whole N_i ≥ 0.
    if (sumEvents2 < sumEvents * (1 - 1e-9)) {
      throw new IllegalArgumentException(
          "sumEvents2 must be >= sumEvents = " + sumEvents + ", was " + sumEvents2);
    }
    buckets = Collections.unmodifiableSortedMap(copy);
  }

  /** No units, at the given accuracy. */
  public static QuantileSketch empty(double accuracy) {
    return new QuantileSketch(accuracy, 0, 0, 0, new TreeMap<>());
  }

  /**
   * The sketch of unit-level values: unit {@code i} has exactly the one value {@code
   * valuePerUnit[i]} ({@code N_i = 1}, so {@code count = squares = cross} in every bucket).
   */
  public static QuantileSketch ofUnitValues(QuantileBuckets b, double[] valuePerUnit) {
    long[] keys = new long[valuePerUnit.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = b.key(valuePerUnit[i]);
    }
    Arrays.sort(keys);
    TreeMap<Long, Bucket> buckets = new TreeMap<>();
    for (int i = 0; i < keys.length; ) {
      int end = runEnd(keys, i);
      double c = end - i;
      buckets.put(keys[i], new Bucket(c, c, c));
      i = end;
    }
    double n = valuePerUnit.length;
    return new QuantileSketch(b.accuracy(), valuePerUnit.length, n, n, buckets);
  }

  /**
   * The sketch of event-level values: unit {@code i} has the values {@code valuesPerUnit[i]},
   * possibly none. The reference computation of the sums Spark aggregates: per unit, its values'
   * keys in ascending order give {@code c_ib} and {@code S_i(b⁻)}.
   */
  public static QuantileSketch ofEvents(QuantileBuckets b, double[][] valuesPerUnit) {
    long[][] unitKeys = new long[valuesPerUnit.length][];
    int total = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < valuesPerUnit.length; i++) {
      double[] values = valuesPerUnit[i];
      long[] keys = new long[values.length];
      for (int j = 0; j < keys.length; j++) {
        keys[j] = b.key(values[j]);
      }
      Arrays.sort(keys);
      if (keys.length > 0) {
        min = Math.min(min, keys[0]);
        max = Math.max(max, keys[keys.length - 1]);
      }
      unitKeys[i] = keys;
      total += keys.length;
    }
    BucketIndex index = BucketIndex.of(unitKeys, total, min, max);
    double[] count = new double[index.size()];
    double[] squares = new double[index.size()];
    double[] cross = new double[index.size()];
    double events2 = 0;
    for (long[] keys : unitKeys) {
      double n = keys.length; // N_i
      events2 += n * n;
      double below = 0; // S_i(b⁻)
      for (int j = 0; j < keys.length; ) {
        int end = runEnd(keys, j);
        double c = end - j; // c_ib
        int k = index.of(keys[j]);
        count[k] += c;
        squares[k] += c * (2 * below + c);
        cross[k] += c * n;
        below += c;
        j = end;
      }
    }
    TreeMap<Long, Bucket> buckets = new TreeMap<>();
    for (int k = 0; k < index.size(); k++) {
      if (count[k] > 0) {
        buckets.put(index.key(k), new Bucket(count[k], squares[k], cross[k]));
      }
    }
    return new QuantileSketch(b.accuracy(), valuesPerUnit.length, total, events2, buckets);
  }

  /**
   * Positions for the keys of {@link #ofEvents}: {@code key − min} when the keys span a range not
   * much wider than their number (the usual case: about 230 buckets per factor 10 at α = 0.005),
   * else the rank among the sorted distinct keys.
   */
  private record BucketIndex(long min, long[] distinct, int size) {
    static BucketIndex of(long[][] unitKeys, int total, long min, long max) {
      if (total == 0) {
        return new BucketIndex(0, null, 0);
      }
      if (max - min < 4L * total + 1024) {
        return new BucketIndex(min, null, (int) (max - min + 1));
      }
      long[] all = new long[total];
      int at = 0;
      for (long[] keys : unitKeys) {
        System.arraycopy(keys, 0, all, at, keys.length);
        at += keys.length;
      }
      Arrays.sort(all);
      int size = 0;
      for (int i = 0; i < total; i = runEnd(all, i)) {
        all[size++] = all[i];
      }
      return new BucketIndex(min, all, size);
    }

    int of(long key) {
      return distinct == null ? (int) (key - min) : Arrays.binarySearch(distinct, 0, size, key);
    }

    long key(int k) {
      return distinct == null ? min + k : distinct[k];
    }
  }

  /** The end (exclusive) of the run of equal keys starting at {@code from}. */
  private static int runEnd(long[] sorted, int from) {
    int end = from + 1;
    while (end < sorted.length && sorted[end] == sorted[from]) {
      end++;
    }
    return end;
  }

  /**
   * The sketch of the union of two disjoint sets of units (strata, partitions). Each unit's values
   * must all be on one side: {@code S_i} and {@code N_i} are sums over all of a unit's values, so
   * sketches of different days of the same units do not add.
   *
   * @throws IllegalArgumentException if the accuracies differ (the buckets would not line up)
   */
  public QuantileSketch plus(QuantileSketch other) {
    if (Double.compare(accuracy, other.accuracy) != 0) {
      throw new IllegalArgumentException(
          "accuracy must be the same to merge sketches, was "
              + accuracy
              + " and "
              + other.accuracy);
    }
    TreeMap<Long, Bucket> merged = new TreeMap<>(buckets);
    other.buckets.forEach((k, v) -> merged.merge(k, v, Bucket::plus));
    return new QuantileSketch(
        accuracy,
        Math.addExact(units, other.units),
        sumEvents + other.sumEvents,
        sumEvents2 + other.sumEvents2,
        merged);
  }

  /** The buckets of this sketch's accuracy. */
  public QuantileBuckets bucketing() {
    return new QuantileBuckets(accuracy);
  }

  /**
   * The estimate of the {@code p}-quantile: {@link #valueAtRank} at {@code k = ⌈p·T⌉}, {@code T =
   * ΣN_i}, the rank of the lower empirical quantile, R's {@code quantile(x, p, type = 1)} (the
   * smallest value with empirical CDF {@code ≥ p}), with the value interpolated within its bucket
   * ({@code u = (k − C⁻ − ½)/c}). Both it and the exact order statistic lie in one bucket, so it is
   * within a factor {@code γ} of it: a relative error below {@code γ − 1 = 2α/(1 − α)}, and below
   * {@code α} when the bucket holds only that value (it is then the representative). For
   * event-level data every value counts once (the quantile of the pooled values, not of per-unit
   * quantiles). Null when the sketch has no values.
   *
   * @throws IllegalArgumentException if {@code p} is not in {@code (0, 1)}
   */
  public Double quantile(double p) {
    Checks.probability("quantile", p);
    return sumEvents == 0 ? null : valueAtRank(rank(p));
  }

  /**
   * The rank {@code ⌈r·T⌉} of the {@code r}-quantile, clamped to {@code [1, T]} (so any {@code r ≤
   * 0} gives the smallest value and any {@code r ≥ 1} the largest). A product {@code r·T} within 4
   * ulps of a whole number is taken as that number: {@code 0.35·180} is {@code 62.99999999999999}
   * and {@code 0.1·30} could as well have been {@code 3.0000000000000004} in floating point, and
   * the rank of a decimal level must not depend on that.
   *
   * @throws IllegalArgumentException if the sketch has no values
   */
  public long rank(double r) {
    if (sumEvents == 0) {
      throw new IllegalArgumentException("sumEvents must be > 0 for a rank, was 0");
    }
    double x = r * sumEvents;
    double k = Math.ceil(x - 4 * Math.ulp(x));
    return (long) Math.max(1, Math.min(sumEvents, k));
  }

  /**
   * The estimate of the {@code k}-th smallest value: {@link #valueAtPosition} at {@code k − ½}. In
   * the bucket holding ranks {@code C⁻ + 1 … C⁻ + c} it is {@link QuantileBuckets#value(long,
   * double)} at {@code u = (k − C⁻ − ½)/c}: the bucket's {@code c} values are spread evenly (in
   * {@code 1/|v|}) over its range, each at the middle of its own {@code 1/c}-th. A bucket holding
   * one value reports its representative.
   *
   * @throws IllegalArgumentException if {@code k} is not in {@code [1, T]}
   */
  public double valueAtRank(long k) {
    checkRank(k);
    return valueAtPosition(k - 0.5);
  }

  /**
   * The sketch's continuous quantile function at position {@code r ∈ [0, T]} on the rank scale: in
   * the bucket {@code b} with {@code C⁻ ≤ r ≤ C⁻ + c} ({@code C⁻} values in earlier buckets, {@code
   * c} in {@code b}), {@code value(b, (r − C⁻)/c)} of {@link QuantileBuckets#value(long, double)}:
   * the inverse of the empirical CDF interpolated across each bucket's range. Continuous and
   * nondecreasing within a bucket and across adjacent buckets; it jumps over empty buckets. At a
   * boundary {@code r = C⁻ + c} the lower bucket is used.
   *
   * @throws IllegalArgumentException if {@code r} is not in {@code [0, T]} or there are no values
   */
  public double valueAtPosition(double r) {
    if (!(r >= 0 && r <= sumEvents) || sumEvents == 0) {
      throw new IllegalArgumentException("position must be in [0, " + sumEvents + "], was " + r);
    }
    double before = 0; // C⁻
    long last = 0;
    for (Map.Entry<Long, Bucket> e : buckets.entrySet()) {
      double c = e.getValue().count();
      if (c == 0) {
        continue;
      }
      last = e.getKey();
      if (r <= before + c) {
        return bucketing().value(last, Math.max(0, Math.min(1, (r - before) / c)));
      }
      before += c;
    }
    return bucketing().value(last, 1); // rounding in a sum beyond 2⁵³
  }

  /**
   * The running sums {@code Σ S_i(b)}, {@code Σ S_i(b)²}, {@code Σ S_i(b)·N_i} at the bucket {@code
   * b} holding the {@code k}-th smallest value.
   *
   * @throws IllegalArgumentException if {@code k} is not in {@code [1, T]}
   */
  public Cumulative cumulativeAtRank(long k) {
    checkRank(k);
    double sum = 0;
    double squares = 0;
    double cross = 0;
    for (Bucket b : buckets.values()) {
      sum += b.count();
      squares += b.squares();
      cross += b.cross();
      if (sum >= k) {
        return new Cumulative(sum, squares, cross);
      }
    }
    return new Cumulative(sum, squares, cross); // rounding in a sum beyond 2⁵³
  }

  private void checkRank(long k) {
    if (k < 1 || k > sumEvents) {
      throw new IllegalArgumentException("rank must be in [1, " + sumEvents + "], was " + k);
    }
  }

  private static void nonNegative(String name, double v) {
    Checks.finite(name, v);
    if (v < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + v);
    }
  }
}
