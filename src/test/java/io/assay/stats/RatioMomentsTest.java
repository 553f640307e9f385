package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RatioMomentsTest {
  static final String[] FIELDS = {
    "sumY", "sumY2", "sumD", "sumD2", "sumYD", "sumP", "sumP2", "sumQ", "sumQ2", "sumPQ", "sumYP",
    "sumYQ", "sumDP", "sumDQ"
  };

  // Units (y, d, p, q): (1, 2, 3, 1), (4, 1, 0, 2), (2, 3, 5, 2).
  static final double[] Y = {1, 4, 2};
  static final double[] D = {2, 1, 3};
  static final double[] P = {3, 0, 5};
  static final double[] Q = {1, 2, 2};

  static double[] sums(RatioMoments m) {
    return new double[] {
      m.sumY(), m.sumY2(), m.sumD(), m.sumD2(), m.sumYD(), m.sumP(), m.sumP2(), m.sumQ(), m.sumQ2(),
      m.sumPQ(), m.sumYP(), m.sumYQ(), m.sumDP(), m.sumDQ()
    };
  }

  static RatioMoments make(long n, double[] s) {
    return new RatioMoments(
        n, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13]);
  }

  /** The moments with sum number {@code i} (in {@link #FIELDS} order) replaced by {@code v}. */
  static RatioMoments with(RatioMoments m, int i, double v) {
    double[] s = sums(m);
    s[i] = v;
    return make(m.n(), s);
  }

  /** Every sum by hand from the three units above. */
  @Test
  void sumsByHand() {
    RatioMoments m = RatioMoments.of(Y, D, P, Q);
    assertEquals(3, m.n());
    double[] expected = {
      7,
      1 + 16 + 4,
      6,
      4 + 1 + 9,
      2 + 4 + 6,
      8,
      9 + 0 + 25,
      5,
      1 + 4 + 4,
      3 + 0 + 10,
      3 + 0 + 10,
      1 + 8 + 4,
      6 + 0 + 15,
      2 + 2 + 6
    };
    for (int i = 0; i < FIELDS.length; i++) {
      assertEquals(expected[i], sums(m)[i], 0, FIELDS[i]);
    }
    assertEquals(BivariateMoments.of(Y, D), m.yd());
    assertEquals(BivariateMoments.of(P, Q), m.pq());
  }

  @Test
  void plusIsTheMomentsOfTheUnion() {
    RatioMoments a =
        RatioMoments.of(
            new double[] {1, 4}, new double[] {2, 1}, new double[] {3, 0}, new double[] {1, 2});
    RatioMoments b =
        RatioMoments.of(new double[] {2}, new double[] {3}, new double[] {5}, new double[] {2});
    assertEquals(RatioMoments.of(Y, D, P, Q), a.plus(b));
    assertEquals(a, a.plus(RatioMoments.EMPTY));
  }

  @Test
  void invalidCountsAndLengths() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> make(-1, new double[14]));
    assertTrue(e.getMessage().startsWith("n must be >= 0"), e.getMessage());
    for (int i = 0; i < FIELDS.length; i++) {
      double[] s = new double[14];
      s[i] = 1;
      e = assertThrows(IllegalArgumentException.class, () -> make(0, s));
      assertEquals(FIELDS[i] + " must be 0 when n = 0, was 1.0", e.getMessage());
    }
    assertThrows(
        IllegalArgumentException.class, () -> RatioMoments.of(Y, D, P, new double[] {1, 2}));
  }

  @Test
  void nonFiniteSumsNameTheField() {
    RatioMoments m = RatioMoments.of(Y, D, P, Q);
    for (int i = 0; i < FIELDS.length; i++) {
      for (double bad :
          new double[] {Double.NaN, Double.POSITIVE_INFINITY, -Double.MAX_VALUE * 2}) {
        int k = i;
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> with(m, k, bad));
        assertEquals(FIELDS[i] + " must be finite, was " + bad, e.getMessage());
      }
    }
  }

  /**
   * Σx² below (Σx)²/n (Cauchy–Schwarz for one variable): Σy = 7 over 3 units needs Σy² ≥ 49/3 =
   * 16.33…; 16.3 is refused, 16.34 is not. A negative Σx² is refused as such; an overflowing
   * (Σx)²/n says so.
   */
  @Test
  void sumsOfSquaresBelowTheirLeastValue() {
    RatioMoments m = RatioMoments.of(Y, D, P, Q);
    int[] squares = {1, 3, 6, 8};
    for (int i : squares) {
      double least = sums(m)[i - 1] * sums(m)[i - 1] / 3;
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> with(m, i, least * (1 - 1e-6)));
      assertTrue(
          e.getMessage().startsWith(FIELDS[i] + " must be at least " + FIELDS[i - 1] + "²/n = "),
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> with(m, i, -1));
      assertEquals(FIELDS[i] + " must be >= 0, was -1.0", e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> with(m, 1, 16.3));
    // 16.34 ≥ 49/3 but the products involving y must still hold: keep them centred.
    double[] s = sums(m);
    s[1] = 49.0 / 3 * (1 - 1e-12); // within the rounding allowance of 1e-9
    s[4] = s[0] * s[2] / 3;
    s[10] = s[0] * s[5] / 3;
    s[11] = s[0] * s[7] / 3;
    assertDoesNotThrow(() -> make(3, s));
    double[] huge = sums(m);
    huge[0] = 1e200;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> make(3, huge));
    assertTrue(
        e.getMessage().contains("sumY2 must be at least sumY²/n, which overflows a double"),
        e.getMessage());
  }

  /**
   * Each cross product must lie within Cauchy–Schwarz, {@code ΣaΣb/n ± √(S_aa·S_bb)} with the
   * centred sums S computed here in two passes from the raw values: 0.1% inside the bound passes,
   * 0.1% outside is refused naming the field.
   */
  @Test
  void crossProductsWithinCauchySchwarz() {
    RatioMoments m = RatioMoments.of(Y, D, P, Q);
    double[][] values = {Y, D, P, Q};
    // field index → (index of a in values, index of b in values)
    int[][] pairs = {{4, 0, 1}, {9, 2, 3}, {10, 0, 2}, {11, 0, 3}, {12, 1, 2}, {13, 1, 3}};
    for (int[] pair : pairs) {
      double[] a = values[pair[1]];
      double[] b = values[pair[2]];
      double sa = 0;
      double sb = 0;
      for (int i = 0; i < 3; i++) {
        sa += a[i];
        sb += b[i];
      }
      double saa = 0;
      double sbb = 0;
      for (int i = 0; i < 3; i++) {
        saa += (a[i] - sa / 3) * (a[i] - sa / 3);
        sbb += (b[i] - sb / 3) * (b[i] - sb / 3);
      }
      double centre = sa * sb / 3;
      double reach = Math.sqrt(saa * sbb);
      String field = FIELDS[pair[0]];
      for (double sign : new double[] {-1, 1}) {
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> with(m, pair[0], centre + sign * reach * 1.001),
                field);
        assertTrue(e.getMessage().startsWith(field + " must be between "), e.getMessage());
        assertTrue(e.getMessage().contains("Cauchy–Schwarz"), e.getMessage());
      }
      // Inside the bound (the checks are pairwise: the other products keep their valid values).
      for (double sign : new double[] {-1, 1}) {
        assertDoesNotThrow(() -> with(m, pair[0], centre + sign * reach * 0.999), field);
      }
    }
  }

  /**
   * Perfectly correlated values sit on the Cauchy–Schwarz bound; the rounding of their sums must
   * not be refused: p = 0.1·y and q = 3·d exactly proportional, with values that do not sum
   * exactly.
   */
  @Test
  void perfectCorrelationWithRoundingPasses() {
    int n = 1000;
    java.util.Random random = new java.util.Random(4);
    double[] y = new double[n];
    double[] d = new double[n];
    double[] p = new double[n];
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = random.nextDouble() * 1e3 / 7;
      d[i] = 1 + random.nextDouble() / 3;
      p[i] = 0.1 * y[i];
      q[i] = 3 * d[i];
    }
    assertDoesNotThrow(() -> RatioMoments.of(y, d, p, q));
    assertDoesNotThrow(() -> RatioMoments.of(y, d, y, d));
  }
}
