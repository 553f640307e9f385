package io.assay.assignment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * PlanOut's random operators (facebook/planout, python/planout/ops/random.py), bit for bit.
 *
 * <ul>
 *   <li>{@code getHash}: the first 15 hex digits of SHA-1 of {@code fullSalt + "." + unit} as an
 *       integer (60 bits). With the default salts {@code fullSalt = experimentSalt + "." +
 *       parameterName}.
 *   <li>{@code getUniform(min, max) = min + (max - min) * (hash / float(0xFFFFFFFFFFFFFFF))}.
 *   <li>{@code WeightedChoice}: the first choice whose cumulative weight is {@code >= getUniform(0,
 *       Σw)}.
 *   <li>{@code UniformChoice}: {@code choices[hash % len(choices)]}.
 * </ul>
 */
public final class PlanOutHash {
  /** {@code float(0xFFFFFFFFFFFFFFF)} in Python: 2^60 - 1 rounded to a double (= 2^60). */
  public static final double LONG_SCALE = (double) 0xFFFFFFFFFFFFFFFL;

  private PlanOutHash() {}

  /** PlanOut's {@code getHash} for a full salt and a unit. */
  public static long hash(String fullSalt, String unit) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      byte[] d = md.digest((fullSalt + "." + unit).getBytes(StandardCharsets.UTF_8));
      // 15 hex digits = the first 7.5 bytes.
      long h = 0;
      for (int i = 0; i < 7; i++) {
        h = (h << 8) | (d[i] & 0xFF);
      }
      return (h << 4) | ((d[7] & 0xFF) >>> 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
    }
  }

  /** PlanOut's {@code getUniform(min, max)}. */
  public static double uniform(String fullSalt, String unit, double min, double max) {
    double zeroToOne = hash(fullSalt, unit) / LONG_SCALE;
    return min + (max - min) * zeroToOne;
  }

  /** PlanOut's {@code WeightedChoice}: the index chosen, or -1 for no choices. */
  public static int weightedChoice(String fullSalt, String unit, double[] weights) {
    if (weights.length == 0) {
      return -1;
    }
    double[] cum = cumulative(weights);
    double stop = uniform(fullSalt, unit, 0.0, cum[cum.length - 1]);
    for (int i = 0; i < cum.length; i++) {
      if (stop <= cum[i]) {
        return i;
      }
    }
    return -1;
  }

  /** PlanOut's {@code UniformChoice}: {@code hash % n}. */
  public static int uniformChoice(String fullSalt, String unit, int n) {
    return (int) (hash(fullSalt, unit) % n);
  }

  /** Running sums as Python accumulates them ({@code cum_sum += w}). */
  public static double[] cumulative(double[] weights) {
    double[] cum = new double[weights.length];
    double s = 0.0;
    for (int i = 0; i < weights.length; i++) {
      s += weights[i];
      cum[i] = s;
    }
    return cum;
  }
}
