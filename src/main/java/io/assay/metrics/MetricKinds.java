package io.assay.metrics;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.assay.config.MetricKind;
import io.assay.stats.MetricAnalysis;
import org.apache.spark.sql.Column;

/**
 * What each metric kind does, in one place: how a unit's qualifying source rows become its value
 * (Spark), whether the kind reads a value expression at all, and which test its state is analysed
 * with. {@link MetricKind} (config) names the kinds and parses their settings; everything that
 * depends on the kind after that asks {@link #of}. A new kind is a new constant here (and its
 * state's declaration when it is not moments, see {@link MomentColumns}), not a switch in every
 * stage.
 */
public enum MetricKinds {
  /** 1 if the unit has any qualifying row, else 0; a proportion (two-proportion z-test). */
  BINOMIAL(MetricKind.BINOMIAL, false, MetricAnalysis.Kind.BINOMIAL) {
    @Override
    Column contribution(Column qualifies, Column value) {
      return max(when(qualifies, lit(1.0)).otherwise(lit(0.0)));
    }
  },
  /** The sum of the value over the unit's qualifying rows; a mean over units (Welch). */
  MEAN(MetricKind.MEAN, true, MetricAnalysis.Kind.MEAN),
  /** The number of qualifying rows; a mean over units (Welch). */
  COUNT(MetricKind.COUNT, false, MetricAnalysis.Kind.MEAN) {
    @Override
    Column contribution(Column qualifies, Column value) {
      return sum(when(qualifies, lit(1.0)).otherwise(lit(0.0)));
    }
  },
  /**
   * Numerator and denominator are each a sum of values per unit; Σ numerator / Σ denominator over
   * units, by the delta method. The state pairs y with the denominator d.
   */
  RATIO(MetricKind.RATIO, true, MetricAnalysis.Kind.RATIO),
  /**
   * A quantile: the unit's value is the sum of its usable values (level unit, as for a mean); at
   * level event, {@link UnitMetrics} also keeps the bucket key of each value ({@link
   * UnitMetrics#KEYS}). Its state is the moments plus the buckets ({@link
   * MetricStats#quantileBuckets}).
   */
  QUANTILE(MetricKind.QUANTILE, true, MetricAnalysis.Kind.QUANTILE);

  private final MetricKind kind;
  private final boolean readsValue;
  private final MetricAnalysis.Kind test;

  MetricKinds(MetricKind kind, boolean readsValue, MetricAnalysis.Kind test) {
    this.kind = kind;
    this.readsValue = readsValue;
    this.test = test;
  }

  /** The behaviour of a configured kind. */
  public static MetricKinds of(MetricKind kind) {
    for (MetricKinds k : values()) {
      if (k.kind == kind) {
        return k;
      }
    }
    throw new IllegalArgumentException("no behaviour for metric kind " + kind);
  }

  /**
   * The per-unit aggregate over the unit's rows: {@code qualifies} says whether a row counts (in
   * the window, passing the filter), {@code value} is the row's value as a double. By default the
   * sum of the usable values (0 if none).
   */
  Column contribution(Column qualifies, Column value) {
    return sum(when(qualifies.and(not(valueUnusable(value))), value).otherwise(lit(0.0)));
  }

  /** Whether the kind reads its value expression (binomial and count only count rows). */
  boolean readsValue() {
    return readsValue;
  }

  /**
   * Whether a qualifying row's value cannot be used: null, not a number, NaN or ±∞ (one NaN would
   * turn every sum it enters into NaN); never, for a kind that does not read values.
   */
  Column valueUnusable(Column value) {
    if (!readsValue) {
      return lit(false);
    }
    return value.isNull().or(isnan(value)).or(abs(value).equalTo(lit(Double.POSITIVE_INFINITY)));
  }

  /** The test the kind's state is analysed with. */
  MetricAnalysis.Kind test() {
    return test;
  }

  /** Whether CUPED's pre-period adjustment applies to the kind. */
  boolean cupedApplies() {
    return test.cupedApplies();
  }
}
