package io.assay.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** How a metric turns a unit's qualifying rows into one value per unit. */
public enum MetricKind {
  /** 1 if the unit has any qualifying row in the window, else 0; analysed as a proportion. */
  BINOMIAL("binomial"),
  /** Sum of the value expression over the unit's qualifying rows (0 if none); mean over units. */
  MEAN("mean"),
  /** Number of qualifying rows per unit (0 if none); mean over units. */
  COUNT("count"),
  /** Σ numerator / Σ denominator over units, analysed by the delta method. */
  RATIO("ratio"),
  /**
   * A quantile of values ({@link Quantile}): of units' sums or of rows' values; the difference of
   * the arms' quantiles, with an interval from the variance of the empirical distribution function.
   */
  QUANTILE("quantile");

  public final String yaml;

  MetricKind(String yaml) {
    this.yaml = yaml;
  }

  public static Map<String, MetricKind> byName() {
    Map<String, MetricKind> m = new LinkedHashMap<>();
    for (MetricKind k : values()) {
      m.put(k.yaml, k);
    }
    return m;
  }
}
