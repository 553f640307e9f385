package io.assay.config;

import io.assay.stats.QuantileBuckets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@code kind: quantile} metric estimates: the {@code level}-quantile (0.5 the median, 0.9
 * the 90th percentile) of the values at one {@link Of level of analysis}, kept in log buckets of
 * relative width {@code accuracy} (α): every quantile is within 2α/(1 − α) of the exact one.
 *
 * @param level the quantile, in (0, 1)
 * @param of whose values: each unit's (its sum in the window) or each qualifying row's
 * @param accuracy the buckets' relative accuracy α, in [0.0001, 0.1]
 */
public record Quantile(double level, Of of, double accuracy) {
  /** The default relative accuracy α: every quantile within 2α/(1 − α) ≈ 1% of the exact one. */
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
