package io.assay.metrics;

import static io.assay.metrics.UnitMetrics.METRIC;
import static io.assay.metrics.UnitMetrics.P;
import static io.assay.metrics.UnitMetrics.Y;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.assay.config.Cap;
import io.assay.config.ExperimentDefinition;
import io.assay.config.MetricCatalog;
import io.assay.config.MetricDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * From per-unit values to sufficient statistics: winsorization caps (one per experiment × metric,
 * pooled over arms), then the {@link MomentColumns} ({@code n, Σy, Σy², Σd, Σd², Σyd, Σp, Σp²,
 * Σyp}) per experiment × version × arm × metric × segment, where segments are the whole experiment
 * ({@code all = all}) and each value of each strata attribute. Only these sums reach the driver.
 */
public final class MetricStats {
  /** Keys of a cap. */
  public record CapKey(String experiment, String version, String metric) {}

  /** Cap values for the metric value and for its pre-period value (null when uncapped). */
  public record Caps(Double y, Double p) {}

  private MetricStats() {}

  /**
   * The caps of every capped metric. Percentile caps are computed over the pooled per-unit values
   * of all arms (one aggregation, a few numbers to the driver); fixed caps need no data.
   */
  public static Map<CapKey, Caps> caps(
      Dataset<Row> unitValues, MetricCatalog catalog, List<ExperimentDefinition> experiments) {
    Map<CapKey, Caps> out = new LinkedHashMap<>();
    List<Column> percentileAggs = new ArrayList<>();
    List<CapKey> percentileKeys = new ArrayList<>();
    for (ExperimentDefinition e : experiments) {
      for (String name : e.metrics().all()) {
        MetricDefinition m = catalog.metric(name).orElseThrow();
        if (m.cap().isEmpty()) {
          continue;
        }
        Cap cap = m.cap().get();
        CapKey key = new CapKey(e.key(), e.version().toString(), name);
        if (cap.value().isPresent()) {
          double v = cap.value().getAsDouble();
          out.put(key, new Caps(v, m.cupedWindow().isPresent() ? v : null));
        } else {
          double q = cap.percentile().getAsDouble();
          Column mine =
              col("experiment")
                  .equalTo(key.experiment())
                  .and(col("version").equalTo(key.version()))
                  .and(col(METRIC).equalTo(name));
          percentileAggs.add(percentile_approx(when(mine, col(Y)), lit(q), lit(100_000)));
          percentileAggs.add(percentile_approx(when(mine, col(P)), lit(q), lit(100_000)));
          percentileKeys.add(key);
        }
      }
    }
    if (!percentileAggs.isEmpty()) {
      Row r =
          unitValues
              .agg(
                  percentileAggs.get(0),
                  percentileAggs.subList(1, percentileAggs.size()).toArray(Column[]::new))
              .first();
      for (int i = 0; i < percentileKeys.size(); i++) {
        out.put(
            percentileKeys.get(i),
            new Caps(
                r.isNullAt(2 * i) ? null : r.getDouble(2 * i),
                r.isNullAt(2 * i + 1) ? null : r.getDouble(2 * i + 1)));
      }
    }
    return out;
  }

  /** Applies the caps (values above a cap are set to it). */
  public static Dataset<Row> applyCaps(Dataset<Row> unitValues, Map<CapKey, Caps> caps) {
    Column y = col(Y);
    Column p = col(P);
    for (Map.Entry<CapKey, Caps> e : caps.entrySet()) {
      CapKey k = e.getKey();
      Column mine =
          col("experiment")
              .equalTo(k.experiment())
              .and(col("version").equalTo(k.version()))
              .and(col(METRIC).equalTo(k.metric()));
      if (e.getValue().y() != null) {
        y = when(mine, least(col(Y), lit(e.getValue().y()))).otherwise(y);
      }
      if (e.getValue().p() != null) {
        p = when(mine, least(col(P), lit(e.getValue().p()))).otherwise(p);
      }
    }
    return unitValues.withColumn(Y, y).withColumn(P, p);
  }

  /** The segment of the units enrolled on one day; the driver accumulates them over days. */
  public static final String ENROLLED_DATE = "enrolled_date";

  /**
   * Sufficient statistics per experiment, version, arm, metric and segment. Segments: {@code all},
   * each strata attribute's values, and {@value #ENROLLED_DATE} (the units enrolled on each day),
   * from which cumulative results over time are summed without another pass.
   */
  public static Dataset<Row> sufficientStats(Dataset<Row> unitValues) {
    Column day =
        struct(
            lit(ENROLLED_DATE).as("key"),
            org.apache
                .spark
                .sql
                .functions
                .to_date(col("enrolled_ts"))
                .cast(DataTypes.StringType)
                .as("value"));
    Column segments = segments(day);
    List<Column> aggregates = new ArrayList<>(MomentColumns.aggregates());
    aggregates.add(sum(col(UnitMetrics.DROPPED)).as("dropped_values"));
    return unitValues
        .withColumn("segment", explode(segments))
        .groupBy(
            col("experiment"),
            col("version"),
            col("arm"),
            col(METRIC),
            col("segment.key").as("segment_key"),
            col("segment.value").as("segment_value"))
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
  }

  /**
   * A unit's segments, as {@code (key, value)} structs: {@code all}, then {@code more} (or none),
   * then each strata attribute's value.
   */
  private static Column segments(Column... more) {
    List<Column> first = new ArrayList<>();
    first.add(struct(lit("all").as("key"), lit("all").as("value")));
    first.addAll(List.of(more));
    Column fixed = array(first.toArray(Column[]::new));
    Column strata =
        transform(
            map_entries(col("strata")),
            e -> struct(e.getField("key").as("key"), e.getField("value").as("value")));
    return when(col("strata").isNull(), fixed)
        .otherwise(org.apache.spark.sql.functions.concat(fixed, strata));
  }

  /**
   * The state of every quantile metric: per experiment, version, arm, metric, segment and bucket
   * key (segments: {@code all} and each strata value; quantiles have no enrolled-day series), the
   * sums over units of {@code c} (the unit's values in the bucket), {@code c·(2·S⁻ + c)} ({@code
   * S⁻}: the unit's values in lower buckets) and {@code c·N} ({@code N}: the unit's values), from
   * which cumulative sums give Σ S(b), Σ S(b)² and Σ S(b)·N for every bucket b: what the delta
   * method needs for the variance of the empirical distribution function at any quantile ({@code
   * docs/statistics.md} §4.6). Only these rows reach the driver: a few per value bucket, never a
   * unit's values.
   */
  public static Dataset<Row> quantileBuckets(Dataset<Row> unitValues) {
    Column c = col("c").cast(DataTypes.DoubleType);
    org.apache.spark.sql.expressions.WindowSpec lower =
        org.apache.spark.sql.expressions.Window.partitionBy(
                col("experiment"), col("version"), col("unit_key"), col(METRIC))
            .orderBy(col("key"))
            .rowsBetween(
                org.apache.spark.sql.expressions.Window.unboundedPreceding(),
                org.apache.spark.sql.expressions.Window.currentRow());
    Column before = sum(c).over(lower).minus(c);
    Column segments = segments();
    return unitValues
        .filter(col(UnitMetrics.KEYS).isNotNull())
        .select(
            col("experiment"),
            col("version"),
            col("arm"),
            col("unit_key"),
            col(METRIC),
            col("strata"),
            org.apache.spark.sql.functions.size(col(UnitMetrics.KEYS)).as("n_values"),
            explode(col(UnitMetrics.KEYS)).as("key"))
        .groupBy(
            col("experiment"),
            col("version"),
            col("arm"),
            col("unit_key"),
            col(METRIC),
            col("n_values"),
            col("key"))
        .agg(
            org.apache.spark.sql.functions.count(lit(1)).as("c"),
            org.apache.spark.sql.functions.first(col("strata")).as("strata"))
        .withColumn("before", before)
        .select(
            col("experiment"),
            col("version"),
            col("arm"),
            col(METRIC),
            col("key"),
            explode(segments).as("segment"),
            c.as("count"),
            c.multiply(col("before").multiply(2).plus(c)).as("squares"),
            c.multiply(col("n_values").cast(DataTypes.DoubleType)).as("cross"))
        .groupBy(
            col("experiment"),
            col("version"),
            col("arm"),
            col(METRIC),
            col("segment.key").as("segment_key"),
            col("segment.value").as("segment_value"),
            col("key").as("bucket"))
        .agg(sum("count").as("count"), sum("squares").as("squares"), sum("cross").as("cross"));
  }
}
