package io.assay.config;

import io.assay.stats.QuantileBuckets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@code kind: quantile} metric estimates: the {@code level}-quantile (0.5 the median, 0.9
 * the 90th percentile) of the values at one {@link Of level of analysis}, kept in log buckets whose
 * representative values are within a relative {@code accuracy} of every value they hold.
 *
 * @param level the quantile, in (0, 1)
 * @param of whose values: each unit's (its sum in the window) or each qualifying row's
 * @param accuracy relative error bound of every quantile value, in [0.0001, 0.1]
 */
public record Quantile(double level, Of of, double accuracy) {
  /** The default relative accuracy: every quantile value within 0.5% of an exact one. */
  public static final double DEFAULT_ACCURACY = QuantileBuckets.DEFAULT_ACCURACY;

  /** The values a quantile is taken over. */
  public enum Of {
    /** One value per unit: the sum of its qualifying rows' values in the window (0 if none). */
    UNIT("unit"),
    /**
     * Every qualifying row's value (page load time per page view): units contribute as many values
     * as they have rows, and the variance accounts for the rows of a unit being alike.
     */
    EVENT("event");

    public final String yaml;

    Of(String yaml) {
      this.yaml = yaml;
    }

    public static Map<String, Of> byName() {
      Map<String, Of> m = new LinkedHashMap<>();
      for (Of o : values()) {
        m.put(o.yaml, o);
      }
      return m;
    }
  }
}
