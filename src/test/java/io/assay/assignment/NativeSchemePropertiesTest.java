package io.assay.assignment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

/**
 * Statistical properties of the native scheme over a million unit ids ("user-0" ... ), judged by
 * commons-math3's chi-square tests at a 0.001 level. The inputs are fixed, so each test is
 * deterministic: it either holds for these units or exposes a defect (a bias, a stuck bit, a
 * dependence between salts).
 */
class NativeSchemePropertiesTest {
  private static final int N = 1_000_000;
  private static final double ALPHA = 0.001;

  @Test
  void positionsAreUniformOverAThousandBuckets() {
    int buckets = 1000;
    long[] observed = new long[buckets];
    for (int i = 0; i < N; i++) {
      double p = NativeHash.position("uniformity-check", "user-" + i);
      assertTrue(p >= 0.0 && p < 1.0, "position out of [0, 1): " + p);
      observed[(int) (p * buckets)]++;
    }
    double[] expected = new double[buckets];
    java.util.Arrays.fill(expected, (double) N / buckets);
    double pValue = new ChiSquareTest().chiSquareTest(expected, observed);
    assertTrue(pValue >= ALPHA, "chi-square goodness of fit p = " + pValue);
  }

  @Test
  void positionsUnderTwoSaltsAreIndependent() {
    // The experiment hash and the namespace/holdout hashes use different salts on the same
    // unit: their buckets must be independent (32 x 32 contingency table, chi-square test of
    // independence) and their positions uncorrelated.
    int k = 32;
    long[][] table = new long[k][k];
    double[] a = new double[N];
    double[] b = new double[N];
    for (int i = 0; i < N; i++) {
      String unit = "user-" + i;
      a[i] = NativeHash.position("checkout_button", unit);
      b[i] = NativeHash.position("ns-checkout", unit);
      table[(int) (a[i] * k)][(int) (b[i] * k)]++;
    }
    double pValue = new ChiSquareTest().chiSquareTest(table);
    assertTrue(pValue >= ALPHA, "chi-square independence p = " + pValue);
    double r = new PearsonsCorrelation().correlation(a, b);
    // Under independence r is about N(0, 1/N): |r| < 4.5 / sqrt(N) = 0.0045.
    assertTrue(Math.abs(r) < 4.5 / Math.sqrt(N), "correlation " + r);
  }

  @Test
  void lowAndHighBitsAreBothUsed() {
    // The position keeps the top 53 bits; the low bits of that window must vary too, or
    // positions would cluster on a coarse grid. Count distinct values of the lowest 8 bits.
    boolean[] seen = new boolean[256];
    int distinct = 0;
    for (int i = 0; i < 10_000; i++) {
      long top53 = NativeHash.hash64("grid-check", "user-" + i) >>> 11;
      int low = (int) (top53 & 0xFF);
      if (!seen[low]) {
        seen[low] = true;
        distinct++;
      }
    }
    assertTrue(distinct == 256, "only " + distinct + " distinct low bytes");
  }
}
