package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.TreeMap;
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
    double c = (double) covered / SIMS;
    assertTrue(c >= 0.94 && c <= 0.96, what + ": coverage " + c + " outside [0.94, 0.96]");
  }
}
