package io.assay.assignment;

/**
 * How arms lay out the hash range. Arm {@code i} owns {@code [c_i, c_i + t·w_i)} where {@code c_i}
 * is the running sum of the weights before it and {@code t} the traffic in force. Because each
 * range only grows from its fixed start as {@code t} rises, and never reaches the next arm's start,
 * raising traffic along a ramp keeps every enrolled unit in its arm.
 *
 * <p>The same arithmetic as GrowthBook's {@code getBucketRanges}, so one implementation serves the
 * native and the GrowthBook schemes. Bounds are computed here once, in Java, and handed to Spark as
 * literals, so both evaluators compare a position against identical doubles.
 */
public final class Allocation {
  private Allocation() {}

  /** {@code ranges[i] = {start, end}} for weights {@code w} at traffic (coverage) {@code t}. */
  public static double[][] ranges(double[] w, double t) {
    double[][] r = new double[w.length][2];
    double cumulative = 0;
    for (int i = 0; i < w.length; i++) {
      double start = cumulative;
      cumulative += w[i];
      r[i][0] = start;
      r[i][1] = start + t * w[i];
    }
    return r;
  }

  /** The index of the range holding {@code p} (half-open), or -1 when none does. */
  public static int choose(double p, double[][] ranges) {
    for (int i = 0; i < ranges.length; i++) {
      if (p >= ranges[i][0] && p < ranges[i][1]) {
        return i;
      }
    }
    return -1;
  }
}
