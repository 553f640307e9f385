package io.assay.generate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Deterministic Poisson draws. Spark has no built-in Poisson sampler over a column of means, so
 * this is the generator's one UDF: a thin wrapper of the pure function {@link #sample(double,
 * long)}.
 *
 * <p>The draw is exact up to double rounding of the CDF: the mean is split into chunks of at most
 * {@value #CHUNK} (a sum of independent Poisson variables is Poisson with the summed mean), and
 * each chunk is drawn by inversion, walking the CDF {@code P(X <= k)} until it exceeds a uniform.
 * The uniforms come from a SplitMix64 stream started at {@code seed}, so the same (mean, seed)
 * always gives the same count. Cost: {@code O(mean + chunks)} multiplications.
 */
public final class Poisson {
  /** Largest mean drawn by one inversion; {@code exp(-16)} is far from underflow. */
  static final double CHUNK = 16.0;

  private static final UserDefinedFunction UDF =
      functions.udf(
          (UDF2<Double, Long, Integer>)
              (mean, seed) -> mean == null || seed == null ? null : sample(mean, seed),
          DataTypes.IntegerType);

  private Poisson() {}

  /** A Poisson count with the given mean; 0 for a mean that is not positive or not finite. */
  public static int sample(double mean, long seed) {
    if (!(mean > 0) || Double.isInfinite(mean)) {
      return 0;
    }
    long state = seed;
    int total = 0;
    double remaining = mean;
    while (remaining > 0) {
      double m = Math.min(remaining, CHUNK);
      remaining -= m;
      state += 0x9E3779B97F4A7C15L;
      total += inversion(m, uniform(state));
    }
    return total;
  }

  /** The smallest k with {@code u < P(X <= k)} for X ~ Poisson(m), m in (0, CHUNK]. */
  static int inversion(double m, double u) {
    double p = Math.exp(-m);
    double cdf = p;
    int k = 0;
    // p underflows to 0 long before k overflows; then the CDF has stopped growing.
    while (u >= cdf && p > 0) {
      k++;
      p *= m / k;
      cdf += p;
    }
    return k;
  }

  /** SplitMix64's output function on a state, as a uniform double in [0, 1). */
  static double uniform(long state) {
    long z = state;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }

  /** The Spark column: a Poisson count for each row's (mean, seed). */
  public static Column count(Column mean, Column seed) {
    return UDF.apply(mean, seed);
  }
}
