package io.assay.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

/**
 * GrowthBook hashing v1 is {@code fnv1a32(unit + seed) mod 1000}: the seed is hashed last, so two
 * seeds act on the same intermediate state. This pins what docs/assignment.md §5 says about it and
 * why {@code validate} warns (issue 19, item 11), over 200,000 unit ids ("user-0" ...), judged by
 * commons-math3's chi-square test of independence on a 10 × 10 table of positions:
 *
 * <ul>
 *   <li>seeds of equal length give strongly dependent positions (the namespace seed {@code "__" +
 *       name} included);
 *   <li>seeds of different lengths show no dependence at this resolution;
 *   <li>for any two seeds the last three bits agree in lockstep: FNV-1a's XOR and multiplication by
 *       an odd prime never carry information from high bits to low ones, so {@code h mod 8} after
 *       the seed is a fixed function of {@code h mod 8} before it, and {@code position × 1000 mod
 *       8} ({@code 1000 = 8 × 125}) of one seed determines that of the other;
 *   <li>GrowthBook v2 positions and assay's native holdout positions are independent of the v1
 *       namespace position.
 * </ul>
 *
 * <p>The inputs are fixed, so each check is deterministic.
 */
class GrowthBookV1CorrelationTest {
  private static final int N = 200_000;
  private static final int K = 10;

  @Test
  void positionsOfEqualLengthSeedsAreStronglyDependent() {
    for (String[] seeds :
        new String[][] {
          {"__growth", "checkout"}, {"exp_a", "exp_b"}, {"recs_widget", "search_rank"}
        }) {
      double chi2 = chiSquare(table(seeds[0], 1, seeds[1], 1));
      // The 1e-12 upper quantile of chi-square with 81 degrees of freedom is about 170.
      double critical = new ChiSquaredDistribution(81).inverseCumulativeProbability(1 - 1e-12);
      assertTrue(chi2 > 20 * critical, seeds[0] + "/" + seeds[1] + ": chi2 = " + chi2);
    }
  }

  @Test
  void positionsOfSeedsOfDifferentLengthsShowNoDependenceOverRanges() {
    for (String[] seeds :
        new String[][] {
          {"__growth", "checkou"}, {"__growth", "checkout_button"}, {"seed", "seed2"}
        }) {
      double p = new ChiSquareTest().chiSquareTest(table(seeds[0], 1, seeds[1], 1));
      assertTrue(p >= 0.001, seeds[0] + "/" + seeds[1] + ": p = " + p);
    }
  }

  @Test
  void theLastThreeBitsAgreeForAnyTwoSeeds() {
    // k1 mod 8 determines k2 mod 8 (a function on 8 values) whatever the seeds' lengths.
    for (String[] seeds : new String[][] {{"__growth", "checkout_button"}, {"a", "abcdefghij"}}) {
      int[] image = new int[8];
      java.util.Arrays.fill(image, -1);
      for (int i = 0; i < 20_000; i++) {
        String unit = "user-" + i;
        int k1 = (int) Math.round(GrowthBookHash.hash(seeds[0], unit, 1) * 1000) % 8;
        int k2 = (int) Math.round(GrowthBookHash.hash(seeds[1], unit, 1) * 1000) % 8;
        if (image[k1] < 0) {
          image[k1] = k2;
        }
        assertEquals(image[k1], k2, seeds[0] + "/" + seeds[1] + " at " + unit);
      }
    }
  }

  @Test
  void equalLengthSeedsSkewTheArmsInsideANamespaceSlice() {
    // A 50/50 GrowthBook v1 experiment seeded "checkout" in slice [0, 0.5) of namespace "growth"
    // (seed "__growth"): its treatment share among the units of its slice, against 50%.
    long in = 0;
    long treated = 0;
    for (int i = 0; i < N; i++) {
      String unit = "user-" + i;
      if (GrowthBookHash.inNamespace(unit, "growth", 0.0, 0.5)) {
        in++;
        treated += GrowthBookHash.hash("checkout", unit, 1) >= 0.5 ? 1 : 0;
      }
    }
    double z = (treated - 0.5 * in) / Math.sqrt(0.25 * in);
    assertTrue(Math.abs(z) > 10, "treatment share " + (double) treated / in + ", z = " + z);
  }

  @Test
  void v2PositionsAndNativeHoldoutsAreIndependentOfTheV1NamespacePosition() {
    double p = new ChiSquareTest().chiSquareTest(table("__growth", 1, "checkout", 2));
    assertTrue(p >= 0.001, "v2 position vs v1 namespace position: p = " + p);
    long[][] t = new long[K][K];
    for (int i = 0; i < N; i++) {
      String unit = "user-" + i;
      t[(int) (NativeHash.position("holdout-2026h2", unit) * K)][
          (int) (GrowthBookHash.hash("checkout", unit, 1) * K)]++;
    }
    double q = new ChiSquareTest().chiSquareTest(t);
    assertTrue(q >= 0.001, "native holdout position vs v1 position: p = " + q);
  }

  private static long[][] table(String seedA, int versionA, String seedB, int versionB) {
    long[][] t = new long[K][K];
    for (int i = 0; i < N; i++) {
      String unit = "user-" + i;
      t[(int) (GrowthBookHash.hash(seedA, unit, versionA) * K)][
          (int) (GrowthBookHash.hash(seedB, unit, versionB) * K)]++;
    }
    return t;
  }

  private static double chiSquare(long[][] t) {
    double n = 0;
    double[] rows = new double[K];
    double[] cols = new double[K];
    for (int i = 0; i < K; i++) {
      for (int j = 0; j < K; j++) {
        rows[i] += t[i][j];
        cols[j] += t[i][j];
        n += t[i][j];
      }
    }
    double chi2 = 0;
    for (int i = 0; i < K; i++) {
      for (int j = 0; j < K; j++) {
        double e = rows[i] * cols[j] / n;
        chi2 += (t[i][j] - e) * (t[i][j] - e) / e;
      }
    }
    return chi2;
  }
}
