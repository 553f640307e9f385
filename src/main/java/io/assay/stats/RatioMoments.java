package io.assay.stats;

/**
 * Sufficient statistics of a ratio metric with its pre-period in one arm, for CUPED on ratios
 * ({@link RatioCupedAdjustment}, {@link RatioCupedTest}): per unit, the numerator {@code y} and
 * denominator {@code d} of the experiment period, and the numerator {@code p} and denominator
 * {@code q} of the same metric before it; the number of units, the four sums, their squares and all
 * six cross products. Immutable and summable with {@link #plus}: strata and days roll up by adding.
 *
 * <p>The constructor rejects sums no real values have, with the checks the stats JSON parser
 * applies to the other kinds' sums, each message naming the field:
 *
 * <ul>
 *   <li>{@code n ≥ 0}; every sum finite; with {@code n = 0} every sum 0;
 *   <li>each sum of squares {@code ≥ 0} and {@code Σx² ≥ (Σx)²/n} up to a relative 1e-9 and one
 *       subnormal unit ({@code 4.9e-324}) per unit; refused when {@code (Σx)²/n} overflows a double
 *       (no finite {@code Σx²} reaches it);
 *   <li>each cross product within Cauchy–Schwarz on the centred values, {@code |Σab − ΣaΣb/n| ≤
 *       √((Σa² − (Σa)²/n)(Σb² − (Σb)²/n))}, up to 1e-9 of {@code √(Σa²·Σb²)} plus one subnormal
 *       unit per unit, each centred sum of squares widened by one subnormal unit per unit (the
 *       rounding of squares below ~1e-308).
 * </ul>
 *
 * <p>These pairwise conditions are necessary, not sufficient, for the 4×4 covariance matrix of
 * {@code (y, d, p, q)} to be positive semi-definite; a variance computed from sums that pass them
 * but no real data have is clamped at 0, like every variance here.
 *
 * @param n number of units, {@code ≥ 0}
 * @param sumY {@code Σ y_i}, the experiment-period numerator
 * @param sumY2 {@code Σ y_i²}
 * @param sumD {@code Σ d_i}, the experiment-period denominator
 * @param sumD2 {@code Σ d_i²}
 * @param sumYD {@code Σ y_i d_i}
 * @param sumP {@code Σ p_i}, the pre-period numerator
 * @param sumP2 {@code Σ p_i²}
 * @param sumQ {@code Σ q_i}, the pre-period denominator
 * @param sumQ2 {@code Σ q_i²}
 * @param sumPQ {@code Σ p_i q_i}
 * @param sumYP {@code Σ y_i p_i}
 * @param sumYQ {@code Σ y_i q_i}
 * @param sumDP {@code Σ d_i p_i}
 * @param sumDQ {@code Σ d_i q_i}
 */
public record RatioMoments(
    long n,
    double sumY,
    double sumY2,
    double sumD,
    double sumD2,
    double sumYD,
    double sumP,
    double sumP2,
    double sumQ,
    double sumQ2,
    double sumPQ,
    double sumYP,
    double sumYQ,
    double sumDP,
    double sumDQ) {

  /** Relative rounding allowed in a sum of squares or a cross product, as the JSON parser's. */
  private static final double ROUNDING = 1e-9;

  public RatioMoments {
    Checks.atLeast("n", n, 0);
    String[] names = {
      "sumY", "sumY2", "sumD", "sumD2", "sumYD", "sumP", "sumP2", "sumQ", "sumQ2", "sumPQ", "sumYP",
      "sumYQ", "sumDP", "sumDQ"
    };
    double[] values = {
      sumY, sumY2, sumD, sumD2, sumYD, sumP, sumP2, sumQ, sumQ2, sumPQ, sumYP, sumYQ, sumDP, sumDQ
    };
    for (int i = 0; i < names.length; i++) {
      Checks.finite(names[i], values[i]);
      if (n == 0 && values[i] != 0) {
        throw new IllegalArgumentException(names[i] + " must be 0 when n = 0, was " + values[i]);
      }
    }
    squares("sumY2", sumY2, "sumY", sumY, n);
    squares("sumD2", sumD2, "sumD", sumD, n);
    squares("sumP2", sumP2, "sumP", sumP, n);
    squares("sumQ2", sumQ2, "sumQ", sumQ, n);
    products("sumYD", sumYD, sumY, sumY2, sumD, sumD2, n);
    products("sumPQ", sumPQ, sumP, sumP2, sumQ, sumQ2, n);
    products("sumYP", sumYP, sumY, sumY2, sumP, sumP2, n);
    products("sumYQ", sumYQ, sumY, sumY2, sumQ, sumQ2, n);
    products("sumDP", sumDP, sumD, sumD2, sumP, sumP2, n);
    products("sumDQ", sumDQ, sumD, sumD2, sumQ, sumQ2, n);
  }

  /** No units. */
  public static final RatioMoments EMPTY =
      new RatioMoments(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** The moments of per-unit values {@code (y[i], d[i], p[i], q[i])} (for tests and small data). */
  public static RatioMoments of(double[] y, double[] d, double[] p, double[] q) {
    int n = y.length;
    if (d.length != n || p.length != n || q.length != n) {
      throw new IllegalArgumentException(
          "y, d, p and q differ in length: "
              + n
              + ", "
              + d.length
              + ", "
              + p.length
              + ", "
              + q.length);
    }
    double[] s = new double[14];
    for (int i = 0; i < n; i++) {
      s[0] += y[i];
      s[1] += y[i] * y[i];
      s[2] += d[i];
      s[3] += d[i] * d[i];
      s[4] += y[i] * d[i];
      s[5] += p[i];
      s[6] += p[i] * p[i];
      s[7] += q[i];
      s[8] += q[i] * q[i];
      s[9] += p[i] * q[i];
      s[10] += y[i] * p[i];
      s[11] += y[i] * q[i];
      s[12] += d[i] * p[i];
      s[13] += d[i] * q[i];
    }
    return new RatioMoments(
        n, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13]);
  }

  /**
   * Moments of the union of two disjoint sets of units.
   *
   * @throws IllegalArgumentException when a sum overflows a double
   */
  public RatioMoments plus(RatioMoments o) {
    return new RatioMoments(
        n + o.n,
        sumY + o.sumY,
        sumY2 + o.sumY2,
        sumD + o.sumD,
        sumD2 + o.sumD2,
        sumYD + o.sumYD,
        sumP + o.sumP,
        sumP2 + o.sumP2,
        sumQ + o.sumQ,
        sumQ2 + o.sumQ2,
        sumPQ + o.sumPQ,
        sumYP + o.sumYP,
        sumYQ + o.sumYQ,
        sumDP + o.sumDP,
        sumDQ + o.sumDQ);
  }

  /** The experiment-period ratio's moments: numerator {@code y}, denominator {@code d}. */
  public BivariateMoments yd() {
    return new BivariateMoments(n, sumY, sumY2, sumD, sumD2, sumYD);
  }

  /** The pre-period ratio's moments: numerator {@code p}, denominator {@code q}. */
  public BivariateMoments pq() {
    return new BivariateMoments(n, sumP, sumP2, sumQ, sumQ2, sumPQ);
  }

  /** Every sum of squares held at full precision ({@link SampleMoments#squaresInRange}). */
  boolean squaresInRange() {
    return yd().squaresInRange() && pq().squaresInRange();
  }

  /**
   * {@code Σx² ≥ 0} and {@code Σx² ≥ (Σx)²/n}, up to a relative {@value #ROUNDING} and one
   * subnormal unit per unit (each {@code x²} is rounded to a multiple of 4.9e-324 there).
   */
  private static void squares(String field, double squares, String sumField, double sum, long n) {
    if (squares < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + squares);
    }
    if (n == 0) {
      return;
    }
    double least = sum * (sum / n);
    if (!Double.isFinite(least)) {
      throw new IllegalArgumentException(
          field
              + " must be at least "
              + sumField
              + "²/n, which overflows a double for "
              + sumField
              + " = "
              + sum
              + " and n = "
              + n
              + ": no real values have these sums");
    }
    if (squares < least * (1 - ROUNDING) - n * Double.MIN_VALUE) {
      throw new IllegalArgumentException(
          field
              + " must be at least "
              + sumField
              + "²/n = "
              + least
              + ", was "
              + squares
              + ": no real values have these sums");
    }
  }

  /**
   * Cauchy–Schwarz on the centred values, {@code (Σab − ΣaΣb/n)² ≤ (Σa² − (Σa)²/n)(Σb² − (Σb)²/n)},
   * up to {@value #ROUNDING} of {@code √(Σa²·Σb²)} (the scale of every term) plus one subnormal
   * unit per unit, and with each centred sum of squares allowed one subnormal unit per unit more:
   * squares below ~1e-308 keep few digits, so values around 1e-160 that are perfectly correlated
   * (on the bound) would otherwise be refused (the JSON parser's bound lacks this widening). Square
   * roots keep the bound's products in range. Requires both sums of squares to have passed {@link
   * #squares}.
   */
  private static void products(
      String field,
      double products,
      double sumA,
      double squaresA,
      double sumB,
      double squaresB,
      long n) {
    if (n == 0) {
      return;
    }
    double centre = sumA * (sumB / n);
    double centredA = Math.max(0, squaresA - sumA * (sumA / n));
    double centredB = Math.max(0, squaresB - sumB * (sumB / n));
    double reach = Math.sqrt(centredA) * Math.sqrt(centredB);
    // Each centred sum of squares may be short by the subnormal rounding of its squares.
    double subnormal = n * Double.MIN_VALUE;
    double widened = Math.sqrt(centredA + subnormal) * Math.sqrt(centredB + subnormal);
    double slack = ROUNDING * Math.sqrt(squaresA) * Math.sqrt(squaresB) + subnormal;
    if (!(Math.abs(products - centre) <= widened + slack)) {
      throw new IllegalArgumentException(
          field
              + " must be between "
              + (centre - reach)
              + " and "
              + (centre + reach)
              + ", was "
              + products
              + " (Cauchy–Schwarz: |Σab − ΣaΣb/n| ≤ √((Σa² − (Σa)²/n)(Σb² − (Σb)²/n))):"
              + " no real values have these sums");
    }
  }
}
