package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class QuantileSketchTest {
  static final QuantileBuckets B = QuantileBuckets.withDefaultAccuracy();

  /**
   * The bucket sums by hand. Units A {1, 2, 3}, B {2, 5}, C {}, D {3}, E {5, 5}: N = 3, 2, 0, 1, 2;
   * n = 5, T = ΣN = 8, ΣN² = 9 + 4 + 0 + 1 + 4 = 18. The values 1, 2, 3, 5 fall in four buckets
   * (they differ by more than the bucket width 1%). Per bucket, c = a unit's values in it, S⁻ its
   * values in earlier buckets; squares += c(2S⁻ + c), cross += c·N:
   *
   * <pre>
   *   bucket 1: A c=1 S⁻=0: sq 1, cross 3                            count 1, squares 1, cross 3
   *   bucket 2: A c=1 S⁻=1: sq 3, cross 3;  B c=1 S⁻=0: sq 1, cross 2  count 2, squares 4, cross 5
   *   bucket 3: A c=1 S⁻=2: sq 5, cross 3;  D c=1 S⁻=0: sq 1, cross 1  count 2, squares 6, cross 4
   *   bucket 5: B c=1 S⁻=1: sq 3, cross 2;  E c=2 S⁻=0: sq 4, cross 4  count 3, squares 7, cross 6
   * </pre>
   *
   * Running sums up to bucket 3 (the 5th value): S = A 3, B 1, C 0, D 1, E 0, so ΣS = 5 (= 1 + 2 +
   * 2), ΣS² = 9 + 1 + 1 = 11 (= 1 + 4 + 6), ΣSN = 9 + 2 + 1 = 12 (= 3 + 5 + 4). Up to the last
   * bucket S_i = N_i: ΣS = 8, ΣS² = ΣSN = ΣN² = 18 (1 + 4 + 6 + 7 and 3 + 5 + 4 + 6).
   */
  @Test
  void bucketSumsByHand() {
    QuantileSketch s =
        QuantileSketch.ofEvents(B, new double[][] {{1, 2, 3}, {2, 5}, {}, {3}, {5, 5}});
    assertEquals(5, s.units());
    assertEquals(8.0, s.sumEvents());
    assertEquals(18.0, s.sumEvents2());
    assertEquals(
        List.of(
            new QuantileSketch.Bucket(1, 1, 3),
            new QuantileSketch.Bucket(2, 4, 5),
            new QuantileSketch.Bucket(2, 6, 4),
            new QuantileSketch.Bucket(3, 7, 6)),
        new ArrayList<>(s.buckets().values()));
    assertEquals(
        List.of(B.key(1), B.key(2), B.key(3), B.key(5)), new ArrayList<>(s.buckets().keySet()));
    assertEquals(new QuantileSketch.Cumulative(5, 11, 12), s.cumulativeAtRank(5));
    assertEquals(new QuantileSketch.Cumulative(5, 11, 12), s.cumulativeAtRank(4));
    assertEquals(new QuantileSketch.Cumulative(8, 18, 18), s.cumulativeAtRank(8));
    assertEquals(new QuantileSketch.Cumulative(1, 1, 3), s.cumulativeAtRank(1));
  }

  /**
   * The estimate is R's {@code quantile(x, p, type = 1)}, the ⌈pT⌉-th smallest value, within a
   * relative α. 15 values sorted: 0.42, 1.7, 2.9, 3.1, 5.5, 7.6, 8.8, 10.4, 12.5, 15.0, 19.9, 27.3,
   * 33.3, 47.0, 63.2. p = 0.5: ⌈7.5⌉ = 8 → 10.4; 0.1: ⌈1.5⌉ = 2 → 1.7; 0.2: ⌈3⌉ = 3 → 2.9; 0.25:
   * ⌈3.75⌉ = 4 → 3.1; 0.6: ⌈9⌉ = 9 → 12.5; 0.9: ⌈13.5⌉ = 14 → 47.0; 0.99: ⌈14.85⌉ = 15 → 63.2;
   * 0.01: ⌈0.15⌉ = 1 → 0.42.
   */
  @Test
  void quantileIsTheType1QuantileWithinAccuracy() {
    double[] x = {
      12.5, 3.1, 47.0, 8.8, 0.42, 19.9, 5.5, 27.3, 1.7, 63.2, 10.4, 2.9, 15.0, 33.3, 7.6
    };
    double[][] expected = {
      {0.5, 10.4},
      {0.1, 1.7},
      {0.2, 2.9},
      {0.25, 3.1},
      {0.6, 12.5},
      {0.9, 47.0},
      {0.99, 63.2},
      {0.01, 0.42}
    };
    for (double accuracy : new double[] {1e-4, 0.005, 0.1}) {
      QuantileBuckets b = new QuantileBuckets(accuracy);
      QuantileSketch unit = QuantileSketch.ofUnitValues(b, x);
      // The same values as events of 3 units: the pooled values' quantile is the same.
      QuantileSketch events =
          QuantileSketch.ofEvents(
              b,
              new double[][] {
                Arrays.copyOfRange(x, 0, 4),
                Arrays.copyOfRange(x, 4, 5),
                Arrays.copyOfRange(x, 5, 15),
                new double[0]
              });
      for (double[] e : expected) {
        assertEquals(e[1], unit.quantile(e[0]), accuracy * e[1], "unit p = " + e[0]);
        assertEquals(e[1], events.quantile(e[0]), accuracy * e[1], "events p = " + e[0]);
      }
    }
    // Negative values and 0: sorted −5, −2, −1, 0, 0, 3; p = 0.5: ⌈3⌉ = 3 → −1; 0.6: ⌈3.6⌉ = 4 → 0;
    // 0.1: ⌈0.6⌉ = 1 → −5.
    QuantileSketch s = QuantileSketch.ofUnitValues(B, new double[] {0, -2, 3, -5, 0, -1});
    assertEquals(-1, s.quantile(0.5), 0.005);
    assertEquals(0.0, s.quantile(0.6));
    assertEquals(-5, s.quantile(0.1), 0.025);
  }

  /**
   * The values of a bucket are spread over its range, by hand at α = 0.01 (v(u) = 99/(101 − 2u) in
   * the bucket (99/101, 1] of 1, see {@code QuantileBucketsTest}). 1, 1, 1, 1, 2: the four 1s have
   * ranks 1–4 at u = (k − ½)/4 = 1/8, 3/8, 5/8, 7/8: 99/100.75, 99/100.25, 99/99.75, 99/99.25; the
   * lone 2 is its bucket's representative. The median is rank ⌈2.5⌉ = 3: 99/99.75. Positions:
   * 99/101 at 0, 1 at 4, 99/100.5 at 1. −1, −1, −1, −1 mirror: rank 1 is −99/99.25 … rank 4
   * −99/100.75.
   */
  @Test
  void valuesAreSpreadOverTheirBucket() {
    QuantileBuckets b = new QuantileBuckets(0.01);
    QuantileSketch s = QuantileSketch.ofUnitValues(b, new double[] {1, 2, 1, 1, 1});
    double[] expected = {99 / 100.75, 99 / 100.25, 99 / 99.75, 99 / 99.25};
    for (int k = 1; k <= 4; k++) {
      assertEquals(expected[k - 1], s.valueAtRank(k), 1e-15, "rank " + k);
    }
    assertEquals(b.value(b.key(2)), s.valueAtRank(5));
    assertEquals(99 / 99.75, s.quantile(0.5), 1e-15);
    assertEquals(99.0 / 101, s.valueAtPosition(0), 1e-15);
    assertEquals(1.0, s.valueAtPosition(4), 1e-15);
    assertEquals(99 / 100.5, s.valueAtPosition(1), 1e-15);
    QuantileSketch neg = QuantileSketch.ofUnitValues(b, new double[] {-1, -1, -1, -1});
    for (int k = 1; k <= 4; k++) {
      assertEquals(-expected[4 - k], neg.valueAtRank(k), 1e-15, "rank " + k);
    }
    assertMessage("position", () -> s.valueAtPosition(5.5));
  }

  /**
   * On random data with ties, zeros and negatives: the estimates are nondecreasing in the rank, and
   * every one is within a relative γ − 1 = 2α/(1 − α) of the exact order statistic (both lie in one
   * bucket); a bucket's lone value is within α.
   */
  @Test
  void everyRankIsWithinItsBucket() {
    Random rng = new Random(17);
    double[] x = new double[3000];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextInt(20) == 0 ? 0 : Math.round(Math.exp(2 * rng.nextGaussian()) * 100) / 100.0;
      x[i] *= rng.nextInt(4) == 0 ? -1 : 1;
    }
    QuantileSketch s = QuantileSketch.ofUnitValues(B, x);
    double[] sorted = x.clone();
    Arrays.sort(sorted);
    double g = 2 * B.accuracy() / (1 - B.accuracy());
    double previous = Double.NEGATIVE_INFINITY;
    for (int k = 1; k <= sorted.length; k++) {
      double v = s.valueAtRank(k);
      double exact = sorted[k - 1];
      assertTrue(v >= previous, "rank " + k);
      boolean alone = s.buckets().get(B.key(exact)).count() == 1;
      double bound = (alone ? B.accuracy() : g) * Math.abs(exact) * (1 + 1e-12);
      assertEquals(exact, v, bound, "rank " + k);
      previous = v;
    }
  }

  /**
   * The rank of a decimal level does not depend on floating-point rounding: 0.07·100 is
   * 7.000000000000001 in doubles, yet the 0.07-quantile of 1..100 is the 7th value; 0.35·180 is
   * 62.99999999999999 and its rank 63.
   */
  @Test
  void rankOfADecimalLevel() {
    assertEquals(7.000000000000001, 0.07 * 100); // the premise
    double[] v = new double[180];
    for (int i = 0; i < v.length; i++) {
      v[i] = i + 1;
    }
    QuantileSketch s100 = QuantileSketch.ofUnitValues(B, Arrays.copyOf(v, 100));
    assertEquals(7, s100.rank(0.07));
    assertEquals(7, s100.quantile(0.07), 7 * 0.005);
    QuantileSketch s180 = QuantileSketch.ofUnitValues(B, v);
    assertEquals(63, s180.rank(0.35));
    assertEquals(1, s180.rank(-0.3));
    assertEquals(1, s180.rank(0));
    assertEquals(180, s180.rank(1.2));
    assertEquals(2, s180.rank(1.0 / 180 + 1e-9));
  }

  /**
   * {@link QuantileSketch#ofEvents} against the definition computed literally: for each bucket b of
   * the sorted distinct keys, S_i(b) = unit i's values with key ≤ b, and count = Σ(S_i(b) −
   * S_i(b⁻)), squares = Σ(S_i(b)² − S_i(b⁻)²), cross = Σ(S_i(b) − S_i(b⁻))·N_i. Values from a
   * narrow range (keys indexed by offset) and from 1e-200 to 1e200 with signs and zeros (keys
   * indexed by rank).
   */
  @Test
  void ofEventsMatchesTheDefinition() {
    Random rng = new Random(11);
    for (boolean wide : new boolean[] {false, true}) {
      double[][] units = new double[60][];
      for (int i = 0; i < units.length; i++) {
        units[i] = new double[rng.nextInt(9)];
        for (int j = 0; j < units[i].length; j++) {
          double v =
              wide
                  ? Math.pow(10, 400 * rng.nextDouble() - 200) * (rng.nextBoolean() ? 1 : -1)
                  : Math.round(Math.exp(rng.nextGaussian()) * 10) / 10.0;
          units[i][j] = rng.nextInt(10) == 0 ? 0 : v;
        }
      }
      long[] keys =
          Arrays.stream(units)
              .flatMapToDouble(Arrays::stream)
              .mapToLong(B::key)
              .distinct()
              .sorted()
              .toArray();
      TreeMap<Long, QuantileSketch.Bucket> expected = new TreeMap<>();
      double n2 = 0;
      for (double[] u : units) {
        n2 += u.length * u.length;
      }
      for (int k = 0; k < keys.length; k++) {
        double count = 0;
        double squares = 0;
        double cross = 0;
        for (double[] u : units) {
          double s = countAtMost(u, keys[k]);
          double before = k == 0 ? 0 : countAtMost(u, keys[k - 1]);
          count += s - before;
          squares += s * s - before * before;
          cross += (s - before) * u.length;
        }
        expected.put(keys[k], new QuantileSketch.Bucket(count, squares, cross));
      }
      QuantileSketch s = QuantileSketch.ofEvents(B, units);
      assertEquals(expected, s.buckets(), wide ? "wide" : "narrow");
      assertEquals(n2, s.sumEvents2());
      assertEquals(units.length, s.units());
    }
  }

  private static double countAtMost(double[] values, long key) {
    return Arrays.stream(values).filter(v -> B.key(v) <= key).count();
  }

  /** Sketches of disjoint units add up to the sketch of their union, in any order. */
  @Test
  void plusIsTheSketchOfTheUnion() {
    Random rng = new Random(3);
    List<double[]> units = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      double[] v = new double[rng.nextInt(8)];
      double unitEffect = rng.nextGaussian();
      for (int j = 0; j < v.length; j++) {
        // Coarse values so that units share buckets; some negative, some 0.
        v[j] = Math.round(Math.exp(unitEffect + rng.nextGaussian()) * 4) / 4.0 - 0.5;
      }
      units.add(v);
    }
    QuantileSketch all = QuantileSketch.ofEvents(B, units.toArray(new double[0][]));
    QuantileSketch a = QuantileSketch.ofEvents(B, units.subList(0, 100).toArray(new double[0][]));
    QuantileSketch b = QuantileSketch.ofEvents(B, units.subList(100, 130).toArray(new double[0][]));
    QuantileSketch c = QuantileSketch.ofEvents(B, units.subList(130, 300).toArray(new double[0][]));
    assertEquals(all, a.plus(b).plus(c));
    assertEquals(all, c.plus(a).plus(b));
    assertEquals(all, b.plus(c.plus(a)));
    assertEquals(all, all.plus(QuantileSketch.empty(B.accuracy())));
    // Neither the order of the units nor that of a unit's values matters.
    Collections.shuffle(units, rng);
    double[][] reversed = units.stream().map(QuantileSketchTest::reverse).toArray(double[][]::new);
    assertEquals(all, QuantileSketch.ofEvents(B, reversed));
    assertTrue(all.buckets().size() > 20, "the data share buckets: " + all.buckets().size());
  }

  /** Unit-level data are event-level data with one value per unit. */
  @Test
  void unitValuesAreEventsOfOneValue() {
    double[] x = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, -8, 0};
    double[][] asEvents = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      asEvents[i] = new double[] {x[i]};
    }
    QuantileSketch unit = QuantileSketch.ofUnitValues(B, x);
    assertEquals(QuantileSketch.ofEvents(B, asEvents), unit);
    for (QuantileSketch.Bucket b : unit.buckets().values()) {
      assertEquals(b.count(), b.squares());
      assertEquals(b.count(), b.cross());
    }
  }

  @Test
  void emptySketchHasNoQuantile() {
    assertNull(QuantileSketch.empty(0.01).quantile(0.5));
    assertNull(QuantileSketch.ofEvents(B, new double[][] {{}, {}}).quantile(0.5));
    assertThrows(IllegalArgumentException.class, () -> QuantileSketch.empty(0.01).rank(0.5));
  }

  @Test
  void invalidInputIsRejectedNamingTheField() {
    TreeMap<Long, QuantileSketch.Bucket> one = new TreeMap<>(Map.of(1L, bucket(2, 2, 2)));
    assertMessage("count", () -> bucket(-1, 0, 0));
    assertMessage("squares", () -> bucket(1, Double.NaN, 1));
    assertMessage("cross", () -> bucket(1, 1, Double.POSITIVE_INFINITY));
    assertMessage("quantile_accuracy", () -> new QuantileSketch(0.5, 2, 2, 2, one));
    assertMessage("units", () -> new QuantileSketch(0.01, -1, 2, 2, one));
    assertMessage("units", () -> new QuantileSketch(0.01, 0, 2, 2, one));
    assertMessage("sumEvents", () -> new QuantileSketch(0.01, 2, 3, 3, one));
    assertMessage("sumEvents", () -> new QuantileSketch(0.01, 2, Double.NaN, 2, one));
    assertMessage("sumEvents2", () -> new QuantileSketch(0.01, 2, 2, 1, one));
    assertMessage("sumEvents2", () -> new QuantileSketch(0.01, 2, 2, -4, one));
    assertMessage("buckets", () -> new QuantileSketch(0.01, 2, 2, 2, null));
    assertMessage("accuracy", () -> QuantileSketch.empty(0.01).plus(QuantileSketch.empty(0.02)));
    QuantileSketch s = new QuantileSketch(0.01, 2, 2, 2, one);
    for (double p : new double[] {0, 1, -0.1, Double.NaN}) {
      assertMessage("quantile", () -> s.quantile(p));
    }
    assertMessage("rank", () -> s.valueAtRank(3));
    assertMessage("rank", () -> s.cumulativeAtRank(0));
    assertMessage("value", () -> QuantileSketch.ofUnitValues(B, new double[] {1, Double.NaN}));
    // The map is copied and cannot be changed through the sketch.
    one.put(2L, bucket(1, 1, 1));
    assertEquals(1, s.buckets().size());
    assertThrows(UnsupportedOperationException.class, () -> s.buckets().clear());
  }

  private static QuantileSketch.Bucket bucket(double count, double squares, double cross) {
    return new QuantileSketch.Bucket(count, squares, cross);
  }

  private static void assertMessage(String field, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().startsWith(field), e.getMessage());
  }

  private static double[] reverse(double[] v) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = v[v.length - 1 - i];
    }
    return r;
  }
}
