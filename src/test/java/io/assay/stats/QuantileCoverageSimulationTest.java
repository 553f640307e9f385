package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * Monte-Carlo checks of {@link QuantileTest} against a known truth (seeded, deterministic: JDK 17's
 * {@code SplittableRandom}, whose normal draws are ten times as fast as {@code Well19937c}'s), at
 * the default accuracy α = 0.005. The 95% intervals must cover the true difference in [0.94, 0.96]
 * of the runs; with 4,000 runs one standard error of a coverage of 0.95 is 0.0034, so the band is
 * ±2.9 standard errors.
 *
 * <p>Each run draws a control and a treatment arm from one distribution (A/A, true difference 0)
 * and reuses the treatment's draws multiplied by 1.1 for the A/B check: every quantile of the
 * treatment is then 1.1 times the control's, a true relative lift of 10% and a true absolute
 * difference of 0.1·Q(p).
 */
class QuantileCoverageSimulationTest {
  static final int SIMS = 4_000;
  static final double[] LEVELS = {0.5, 0.9};
  static final double LIFT = 1.1;
  static final QuantileBuckets BUCKETS = QuantileBuckets.withDefaultAccuracy();
  static final QuantileTest TEST = QuantileTest.withDefaults();

  /** Φ⁻¹(0.5) and Φ⁻¹(0.9) (R: qnorm(0.9) = 1.281551565544601). */
  static final double[] NORMAL_QUANTILES = {0, 1.2815515655446004};

  /**
   * Unit level: 2,000 units per arm, one lognormal(0, 1) value each (skewed: mean 1.65, median 1,
   * p90 e^1.2816 = 3.602). Coverage of 0 (A/A) and of the true absolute and relative differences
   * (A/B) at p = 0.5 and 0.9.
   */
  @Test
  void unitLevelLognormal() {
    SplittableRandom rng = new SplittableRandom(20240901L);
    int n = 2_000;
    int[] aa = new int[2];
    int[] abAbsolute = new int[2];
    int[] abRelative = new int[2];
    for (int s = 0; s < SIMS; s++) {
      double[] c = new double[n];
      double[] t = new double[n];
      double[] shifted = new double[n];
      for (int i = 0; i < n; i++) {
        c[i] = Math.exp(rng.nextGaussian());
        t[i] = Math.exp(rng.nextGaussian());
        shifted[i] = LIFT * t[i];
      }
      QuantileSketch sc = QuantileSketch.ofUnitValues(BUCKETS, c);
      QuantileSketch st = QuantileSketch.ofUnitValues(BUCKETS, t);
      QuantileSketch sb = QuantileSketch.ofUnitValues(BUCKETS, shifted);
      for (int k = 0; k < LEVELS.length; k++) {
        double truth = Math.exp(NORMAL_QUANTILES[k]);
        aa[k] += covers(TEST.test(sc, st, LEVELS[k]).absolute(), 0);
        Comparison ab = TEST.test(sc, sb, LEVELS[k]);
        abAbsolute[k] += covers(ab.absolute(), (LIFT - 1) * truth);
        abRelative[k] += covers(ab.relative(), LIFT - 1);
      }
    }
    for (int k = 0; k < LEVELS.length; k++) {
      assertCoverage("unit level A/A, p = " + LEVELS[k], aa[k]);
      assertCoverage("unit level A/B absolute, p = " + LEVELS[k], abAbsolute[k]);
      assertCoverage("unit level A/B relative, p = " + LEVELS[k], abRelative[k]);
    }
  }

  /**
   * Event level with clustered values: 500 units per arm, each with 1–20 values (uniform), value =
   * exp(u + e) with a unit effect u ~ N(0, 0.5²) shared by the unit's values and e ~ N(0, 1): the
   * values of one unit are correlated (correlation 0.2 on the log scale). Because the number of
   * values does not depend on u, the pooled values are lognormal(0, 1.25): the true p-quantile is
   * exp(√1.25·Φ⁻¹(p)).
   *
   * <p>The cluster-adjusted intervals must cover; the naive ones, which treat the ~5,250 values of
   * an arm as independent (D = 1), must not: with ΣN²/ΣN ≈ 13.7 values per unit (size-biased) and
   * an intra-unit correlation of the indicators 1{value ≤ Q} near (2/π)·arcsin(0.2) = 0.13 at the
   * median, the design effect is about 1 + 0.13·12.7 = 2.6 and the naive 95% interval covers only
   * about 2Φ(1.96/√2.6) − 1 ≈ 78%; at p = 0.9 (indicator correlation ≈ 0.07, D ≈ 1.9) about 85%.
   */
  @Test
  void eventLevelClustered() {
    SplittableRandom rng = new SplittableRandom(20240902L);
    int n = 500;
    int[] aa = new int[2];
    int[] naive = new int[2];
    int[] abAbsolute = new int[2];
    int[] abRelative = new int[2];
    for (int s = 0; s < SIMS; s++) {
      double[][] c = clustered(rng, n);
      double[][] t = clustered(rng, n);
      double[][] shifted = scaled(t, LIFT);
      QuantileSketch sc = QuantileSketch.ofEvents(BUCKETS, c);
      QuantileSketch st = QuantileSketch.ofEvents(BUCKETS, t);
      QuantileSketch sb = QuantileSketch.ofEvents(BUCKETS, shifted);
      for (int k = 0; k < LEVELS.length; k++) {
        double truth = Math.exp(Math.sqrt(1.25) * NORMAL_QUANTILES[k]);
        aa[k] += covers(TEST.test(sc, st, LEVELS[k]).absolute(), 0);
        naive[k] += covers(TEST.test(independent(sc), independent(st), LEVELS[k]).absolute(), 0);
        Comparison ab = TEST.test(sc, sb, LEVELS[k]);
        abAbsolute[k] += covers(ab.absolute(), (LIFT - 1) * truth);
        abRelative[k] += covers(ab.relative(), LIFT - 1);
      }
    }
    for (int k = 0; k < LEVELS.length; k++) {
      assertCoverage("event level A/A, p = " + LEVELS[k], aa[k]);
      assertCoverage("event level A/B absolute, p = " + LEVELS[k], abAbsolute[k]);
      assertCoverage("event level A/B relative, p = " + LEVELS[k], abRelative[k]);
      double c = (double) naive[k] / SIMS;
      assertTrue(c < 0.9, "naive i.i.d. coverage at p = " + LEVELS[k] + " should be low: " + c);
    }
  }

  /** Runs of each large configuration: one standard error of a coverage of 0.95 is 0.0049. */
  static final int SIMS_LARGE = 2_000;

  /**
   * Unit level at scale: 100,000 units per arm, lognormal(0, 1), where a bucket (relative width 2α
   * = 1%) is about as wide as the rank interval's half-width (h/α ≈ 1.6 at the median, 1.7 at p90):
   * without interpolation within the buckets these intervals cover about 0.75 (A/A).
   *
   * <p>Drawn by {@link Windows}: only the values near the two quantiles are kept, the others are
   * counted into three lump buckets, which leaves every bucket sum at and around the rank intervals
   * exactly as for the full sample; each run checks that L and U fall inside the windows.
   */
  @Test
  void unitLevelAtScale() {
    SplittableRandom rng = new SplittableRandom(20240903L);
    int n = 100_000;
    Windows w = new Windows(0, 1, n, 1);
    int[] aa = new int[2];
    int[] abAbsolute = new int[2];
    int[] abRelative = new int[2];
    for (int s = 0; s < SIMS_LARGE; s++) {
      double[] c = w.unitValues(rng, n);
      double[] t = w.unitValues(rng, n);
      QuantileSketch sc = w.unitSketch(c, 1);
      QuantileSketch st = w.unitSketch(t, 1);
      QuantileSketch sb = w.unitSketch(t, LIFT);
      for (int k = 0; k < LEVELS.length; k++) {
        double truth = Math.exp(NORMAL_QUANTILES[k]);
        w.check(k, QuantileTest.estimate(sc, LEVELS[k]), 1);
        w.check(k, QuantileTest.estimate(st, LEVELS[k]), 1);
        w.check(k, QuantileTest.estimate(sb, LEVELS[k]), LIFT);
        aa[k] += covers(TEST.test(sc, st, LEVELS[k]).absolute(), 0);
        Comparison ab = TEST.test(sc, sb, LEVELS[k]);
        abAbsolute[k] += covers(ab.absolute(), (LIFT - 1) * truth);
        abRelative[k] += covers(ab.relative(), LIFT - 1);
      }
    }
    for (int k = 0; k < LEVELS.length; k++) {
      assertCoverage("unit level 100,000 A/A, p = " + LEVELS[k], aa[k], SIMS_LARGE);
      assertCoverage(
          "unit level 100,000 A/B absolute, p = " + LEVELS[k], abAbsolute[k], SIMS_LARGE);
      assertCoverage(
          "unit level 100,000 A/B relative, p = " + LEVELS[k], abRelative[k], SIMS_LARGE);
    }
  }

  /**
   * Event level at scale: 10,000 units per arm with 1–20 values each (about 105,000 values), the
   * clustered values of {@link #eventLevelClustered}; A/A at p = 0.5 and 0.9. Drawn by {@link
   * Windows} as {@link #unitLevelAtScale}: a unit's values outside the windows are kept as values
   * of the lump buckets, so that every {@code S_i(b)} and {@code N_i} at the buckets of the windows
   * is the full sample's.
   */
  @Test
  void eventLevelAtScale() {
    SplittableRandom rng = new SplittableRandom(20240904L);
    int n = 10_000;
    Windows w = new Windows(0, Math.sqrt(1.25), 10.5 * n, 3);
    int[] aa = new int[2];
    for (int s = 0; s < SIMS_LARGE; s++) {
      QuantileSketch sc = w.clusteredSketch(rng, n);
      QuantileSketch st = w.clusteredSketch(rng, n);
      for (int k = 0; k < LEVELS.length; k++) {
        w.check(k, QuantileTest.estimate(sc, LEVELS[k]), 1);
        w.check(k, QuantileTest.estimate(st, LEVELS[k]), 1);
        aa[k] += covers(TEST.test(sc, st, LEVELS[k]).absolute(), 0);
      }
    }
    for (int k = 0; k < LEVELS.length; k++) {
      assertCoverage("event level 105,000 A/A, p = " + LEVELS[k], aa[k], SIMS_LARGE);
    }
  }

  /**
   * Large lognormal samples at the cost of small ones. Values {@code exp(x)}, {@code x ~ N(μ, s²)},
   * are kept only in two windows of buckets around the quantiles at p = 0.5 and 0.9, each spanning
   * ±7 standard deviations of the empirical CDF there ({@code √(p(1 − p)·D/T)} with a generous
   * design effect {@code D}) and ending at bucket ends {@code γ^j}; a value below, between or above
   * the windows is replaced by one fixed value in a bucket far from them (the lump). This changes
   * no count, sum or key of a bucket inside a window and only merges buckets outside, so every
   * quantity {@link QuantileTest#estimate} reads at ranks inside the windows is the full sample's.
   * {@link #check} fails the test if L or U ever falls outside (probability below 10⁻⁷ per run);
   * what remains expensive is the normal draw per value.
   */
  static final class Windows {
    final double[] lower = new double[2]; // ln of the windows' lower ends
    final double[] upper = new double[2];
    final double[] lump = new double[3]; // below, between, above
    final double mu;
    final double s;

    Windows(double mu, double s, double values, double designEffect) {
      this.mu = mu;
      this.s = s;
      NormalDistribution x = new NormalDistribution(null, mu, s);
      double lnGamma = BUCKETS.logGamma();
      for (int k = 0; k < 2; k++) {
        double p = LEVELS[k];
        double sd = Math.sqrt(p * (1 - p) * designEffect / values);
        lower[k] = lnGamma * Math.floor(x.inverseCumulativeProbability(p - 7 * sd) / lnGamma);
        upper[k] = lnGamma * Math.ceil(x.inverseCumulativeProbability(p + 7 * sd) / lnGamma);
      }
      lump[0] = Math.exp(lower[0]) / 4;
      lump[1] = Math.exp((upper[0] + lower[1]) / 2);
      lump[2] = Math.exp(upper[1]) * 4;
      assertTrue(upper[0] + 0.5 < lower[1], "windows apart");
    }

    /** Where the log value x falls: 0, 2, 4 for the lumps below, between, above, else 1 or 3. */
    int region(double x) {
      return x <= lower[0] ? 0 : x <= upper[0] ? 1 : x <= lower[1] ? 2 : x <= upper[1] ? 3 : 4;
    }

    /**
     * n unit values exp(N(μ, s²)): the values inside the windows, then the three lump counts in the
     * last three places.
     */
    double[] unitValues(SplittableRandom rng, int n) {
      double[] r = new double[n + 3];
      int kept = 0;
      double[] lumps = new double[3];
      for (int i = 0; i < n; i++) {
        double x = mu + s * rng.nextGaussian();
        int region = region(x);
        if (region % 2 == 1) {
          r[kept++] = Math.exp(x);
        } else {
          lumps[region / 2]++;
        }
      }
      double[] out = Arrays.copyOf(r, kept + 3);
      System.arraycopy(lumps, 0, out, kept, 3);
      return out;
    }

    /**
     * The sketch of {@link #unitValues} with the kept values times factor: {@link
     * QuantileSketch#ofUnitValues} of them plus, for the lumps, the sketch of as many units with
     * one value each in the lump buckets (count = squares = cross, as for any unit-level bucket).
     */
    QuantileSketch unitSketch(double[] r, double factor) {
      int kept = r.length - 3;
      double[] v = new double[kept];
      for (int i = 0; i < kept; i++) {
        v[i] = factor * r[i];
      }
      TreeMap<Long, QuantileSketch.Bucket> b = new TreeMap<>();
      double total = 0;
      for (int g = 0; g < 3; g++) {
        double c = r[kept + g];
        if (c > 0) {
          b.put(BUCKETS.key(lump[g]), new QuantileSketch.Bucket(c, c, c));
          total += c;
        }
      }
      QuantileSketch lumps = new QuantileSketch(BUCKETS.accuracy(), (long) total, total, total, b);
      return QuantileSketch.ofUnitValues(BUCKETS, v).plus(lumps);
    }

    /**
     * The sketch of n units of {@link QuantileCoverageSimulationTest#clustered} values. A unit with
     * a value in a window goes through {@link QuantileSketch#ofEvents} with its other values
     * replaced by their lumps; the sums of a unit whose values are all lumps, c₀ ≤ c₁ ≤ c₂ in the
     * buckets of the three lumps, N = c₀ + c₁ + c₂, are added by the definition: count c_g, squares
     * c_g·(2·S⁻ + c_g) with S⁻ = the unit's values in lower lumps, cross c_g·N.
     */
    QuantileSketch clusteredSketch(SplittableRandom rng, int n) {
      double[][] kept = new double[n][];
      int keptUnits = 0;
      double[] count = new double[3];
      double[] squares = new double[3];
      double[] cross = new double[3];
      double lumpUnits = 0;
      double events = 0;
      double events2 = 0;
      double[] x = new double[20];
      int[] region = new int[20];
      for (int i = 0; i < n; i++) {
        double u = 0.5 * rng.nextGaussian();
        int m = 1 + rng.nextInt(20);
        boolean inWindow = false;
        for (int j = 0; j < m; j++) {
          x[j] = mu + u + rng.nextGaussian();
          region[j] = region(x[j]);
          inWindow |= region[j] % 2 == 1;
        }
        if (inWindow) {
          double[] v = new double[m];
          for (int j = 0; j < m; j++) {
            v[j] = region[j] % 2 == 1 ? Math.exp(x[j]) : lump[region[j] / 2];
          }
          kept[keptUnits++] = v;
        } else {
          double[] c = new double[3];
          for (int j = 0; j < m; j++) {
            c[region[j] / 2]++;
          }
          double below = 0;
          for (int g = 0; g < 3; g++) {
            count[g] += c[g];
            squares[g] += c[g] * (2 * below + c[g]);
            cross[g] += c[g] * m;
            below += c[g];
          }
          lumpUnits++;
          events += m;
          events2 += (double) m * m;
        }
      }
      TreeMap<Long, QuantileSketch.Bucket> b = new TreeMap<>();
      for (int g = 0; g < 3; g++) {
        if (count[g] > 0) {
          b.put(BUCKETS.key(lump[g]), new QuantileSketch.Bucket(count[g], squares[g], cross[g]));
        }
      }
      QuantileSketch lumps =
          new QuantileSketch(BUCKETS.accuracy(), (long) lumpUnits, events, events2, b);
      return QuantileSketch.ofEvents(BUCKETS, Arrays.copyOf(kept, keptUnits)).plus(lumps);
    }

    /** L and U of level k inside its window (scaled by factor). */
    void check(int k, QuantileTest.Estimate e, double factor) {
      double lo = factor * Math.exp(lower[k]);
      double hi = factor * Math.exp(upper[k]);
      assertTrue(
          e.lower() >= lo && e.upper() <= hi,
          "window [" + lo + ", " + hi + "] misses [" + e.lower() + ", " + e.upper() + "]");
    }
  }

  /** n units with 1–20 values each: exp(u + e), u ~ N(0, 0.5²) per unit, e ~ N(0, 1). */
  static double[][] clustered(SplittableRandom rng, int n) {
    double[][] units = new double[n][];
    for (int i = 0; i < n; i++) {
      double u = 0.5 * rng.nextGaussian();
      double[] v = new double[1 + rng.nextInt(20)];
      for (int j = 0; j < v.length; j++) {
        v[j] = Math.exp(u + rng.nextGaussian());
      }
      units[i] = v;
    }
    return units;
  }

  static double[][] scaled(double[][] units, double factor) {
    double[][] r = new double[units.length][];
    for (int i = 0; i < units.length; i++) {
      r[i] = new double[units[i].length];
      for (int j = 0; j < units[i].length; j++) {
        r[i][j] = factor * units[i][j];
      }
    }
    return r;
  }

  /**
   * The sketch of the same values with every value its own unit: what an analysis that ignores the
   * units would compute (count = squares = cross in every bucket, n = ΣN₁ = ΣN₁² = T).
   */
  static QuantileSketch independent(QuantileSketch s) {
    TreeMap<Long, QuantileSketch.Bucket> b = new TreeMap<>();
    s.buckets()
        .forEach((k, v) -> b.put(k, new QuantileSketch.Bucket(v.count(), v.count(), v.count())));
    double t = s.sumEvents();
    return new QuantileSketch(s.accuracy(), (long) t, t, t, b);
  }

  /** 1 when the two-sided interval holds the truth; an undefined interval does not. */
  static int covers(Inference i, double truth) {
    return i.ciLower() != null && i.ciLower() <= truth && truth <= i.ciUpper() ? 1 : 0;
  }

  static void assertCoverage(String what, int covered) {
    assertCoverage(what, covered, SIMS);
  }

  static void assertCoverage(String what, int covered, int sims) {
    double c = (double) covered / sims;
    assertTrue(c >= 0.94 && c <= 0.96, what + ": coverage " + c + " outside [0.94, 0.96]");
  }
}
