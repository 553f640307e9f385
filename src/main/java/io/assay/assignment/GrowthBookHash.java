package io.assay.assignment;

/**
 * GrowthBook's SDK hashing (spec 0.8.0 of the cross-SDK test suite), bit for bit.
 *
 * <ul>
 *   <li>FNV-1a 32-bit over UTF-16 code units, as JavaScript's {@code charCodeAt} and Java's {@code
 *       String.charAt} see them: {@code h = 0x811c9dc5; for each unit c: h ^= c; h *= 16777619}.
 *   <li>v1: {@code (fnv(value + seed) mod 1000) / 1000}.
 *   <li>v2: {@code (fnv(decimal(fnv(seed + value))) mod 10000) / 10000}.
 *   <li>namespaces: {@code inNamespace = start <= hash("__" + id, value, 1) < end}.
 * </ul>
 */
public final class GrowthBookHash {
  private GrowthBookHash() {}

  /** FNV-1a 32-bit over UTF-16 code units, as an unsigned value in a long. */
  public static long fnv1a32(String s) {
    int h = 0x811c9dc5;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 16777619;
    }
    return h & 0xFFFFFFFFL;
  }

  /**
   * GrowthBook's {@code hash(seed, value, version)}: a position in [0, 1), or {@code NaN} for an
   * unknown version (the SDKs return null).
   */
  public static double hash(String seed, String value, int version) {
    if (version == 2) {
      return (fnv1a32(Long.toString(fnv1a32(seed + value))) % 10000) / 10000.0;
    }
    if (version == 1) {
      return (fnv1a32(value + seed) % 1000) / 1000.0;
    }
    return Double.NaN;
  }

  /** GrowthBook's {@code inNamespace(hashValue, [id, start, end])}. */
  public static boolean inNamespace(String value, String namespaceId, double start, double end) {
    double n = hash("__" + namespaceId, value, 1);
    return n >= start && n < end;
  }

  /** GrowthBook's {@code getEqualWeights(n)}. */
  public static double[] equalWeights(int n) {
    if (n <= 0) {
      return new double[0];
    }
    double[] w = new double[n];
    java.util.Arrays.fill(w, 1.0 / n);
    return w;
  }

  /**
   * GrowthBook's {@code getBucketRanges(numVariations, coverage, weights)}: coverage is clamped to
   * [0, 1]; missing, mis-sized or non-normalised weights (sum outside [0.99, 1.01]) fall back to
   * equal weights; each range is {@code [cumulative, cumulative + coverage * weight)}.
   */
  public static double[][] bucketRanges(int numVariations, double coverage, double[] weights) {
    double cov = Math.max(0, Math.min(1, coverage));
    double[] w = weights;
    if (w == null || w.length != numVariations) {
      w = equalWeights(numVariations);
    }
    double total = 0;
    for (double x : w) {
      total += x;
    }
    if (total < 0.99 || total > 1.01) {
      w = equalWeights(numVariations);
    }
    return Allocation.ranges(w, cov);
  }
}
