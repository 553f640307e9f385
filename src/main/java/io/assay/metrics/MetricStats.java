package io.assay.metrics;

import static io.assay.metrics.UnitMetrics.METRIC;
import static io.assay.metrics.UnitMetrics.P;
import static io.assay.metrics.UnitMetrics.Y;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
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
   * of all arms: one aggregation grouped by experiment, version and metric over the rows of capped
   * metrics only, with one {@code percentile_approx} per distinct percentile (a few numbers per
   * capped experiment × metric reach the driver). Fixed caps need no data.
   */
  public static Map<CapKey, Caps> caps(
      Dataset<Row> unitValues, MetricCatalog catalog, List<ExperimentDefinition> experiments) {
    Map<CapKey, Caps> out = new LinkedHashMap<>();
    // Metrics with a percentile cap, by percentile (the cap is the metric's, whatever experiment).
    Map<Double, java.util.Set<String>> byPercentile = new java.util.TreeMap<>();
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
          byPercentile
              .computeIfAbsent(cap.percentile().getAsDouble(), q -> new java.util.TreeSet<>())
              .add(name);
          percentileKeys.add(key);
        }
      }
    }
    if (percentileKeys.isEmpty()) {
      return out;
    }
    List<Column> aggs = new ArrayList<>();
    List<Object> capped = new ArrayList<>();
    for (var e : byPercentile.entrySet()) {
      Column mine = col(METRIC).isin(e.getValue().toArray());
      aggs.add(percentile_approx(when(mine, col(Y)), lit(e.getKey()), lit(100_000)));
      aggs.add(percentile_approx(when(mine, col(P)), lit(e.getKey()), lit(100_000)));
      capped.addAll(e.getValue());
    }
    Map<CapKey, Row> rows = new LinkedHashMap<>();
    for (Row r :
        unitValues
            .filter(col(METRIC).isin(capped.toArray()))
            .groupBy(col("experiment"), col("version"), col(METRIC))
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
            .collectAsList()) {
      rows.put(new CapKey(r.getString(0), r.getString(1), r.getString(2)), r);
    }
    List<Double> percentiles = new ArrayList<>(byPercentile.keySet());
    for (CapKey key : percentileKeys) {
      Row r = rows.get(key);
      double q = catalog.metric(key.metric()).orElseThrow().cap().get().percentile().getAsDouble();
      int at = 3 + 2 * percentiles.indexOf(q);
      out.put(
          key,
          new Caps(
              r == null || r.isNullAt(at) ? null : r.getDouble(at),
              r == null || r.isNullAt(at + 1) ? null : r.getDouble(at + 1)));
    }
    return out;
  }

  /**
   * Applies the caps (values above a cap are set to it): a broadcast join with the small table of
   * caps by experiment, version and metric, so the cost per row does not grow with the number of
   * capped experiment × metric pairs.
   */
  public static Dataset<Row> applyCaps(Dataset<Row> unitValues, Map<CapKey, Caps> caps) {
    if (caps.isEmpty()) {
      return unitValues;
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<CapKey, Caps> e : caps.entrySet()) {
      CapKey k = e.getKey();
      rows.add(
          org.apache.spark.sql.RowFactory.create(
              k.experiment(), k.version(), k.metric(), e.getValue().y(), e.getValue().p()));
    }
    org.apache.spark.sql.types.StructType schema =
        new org.apache.spark.sql.types.StructType()
            .add("experiment", DataTypes.StringType)
            .add("version", DataTypes.StringType)
            .add(METRIC, DataTypes.StringType)
            .add(CAP_Y, DataTypes.DoubleType)
            .add(CAP_P, DataTypes.DoubleType);
    Dataset<Row> table = unitValues.sparkSession().createDataFrame(rows, schema);
    List<Column> out = new ArrayList<>();
    for (String c : unitValues.columns()) {
      // least skips nulls: an uncapped value (no cap row, or a null cap) is kept as it is.
      out.add(
          c.equals(Y)
              ? least(col("v." + Y), col("c." + CAP_Y)).as(Y)
              : c.equals(P) ? least(col("v." + P), col("c." + CAP_P)).as(P) : col("v." + c).as(c));
    }
    return unitValues
        .as("v")
        .join(
            org.apache.spark.sql.functions.broadcast(table.as("c")),
            col("v.experiment")
                .equalTo(col("c.experiment"))
                .and(col("v.version").equalTo(col("c.version")))
                .and(col("v." + METRIC).equalTo(col("c." + METRIC))),
            "left")
        .select(out.toArray(Column[]::new));
  }

  private static final String CAP_Y = "cap_y";
  private static final String CAP_P = "cap_p";

  /** The segment of the units enrolled on one day; the driver accumulates them over days. */
  public static final String ENROLLED_DATE = "enrolled_date";

  /**
   * Sufficient statistics per experiment, version, arm, metric and segment. Segments: {@code all},
   * each strata attribute's values, and {@value #ENROLLED_DATE} (the units enrolled on each day),
   * from which cumulative results over time are summed without another pass.
   *
   * <p>Two aggregations: the per-unit values are summed per cell (experiment, version, arm, metric,
   * enrollment day and the unit's strata values), then each cell is added to each of its segments.
   * Every sum is additive, so this equals summing every unit into every segment, but each unit ×
   * metric row is aggregated once instead of once per segment.
   */
  public static Dataset<Row> sufficientStats(Dataset<Row> unitValues) {
    Column day = to_date(col("enrolled_ts")).cast(DataTypes.StringType);
    List<Column> perCell = new ArrayList<>(MomentColumns.aggregates());
    perCell.add(sum(col(UnitMetrics.DROPPED)).as("dropped_values"));
    Dataset<Row> cells =
        unitValues
            .groupBy(
                col("experiment"),
                col("version"),
                col("arm"),
                col(METRIC),
                day.as(ENROLLED_DATE),
                // A map cannot be grouped by; its entries, sorted, can.
                array_sort(map_entries(col("strata"))).as("strata"))
            .agg(perCell.get(0), perCell.subList(1, perCell.size()).toArray(Column[]::new));
    Column segments =
        segments(
            col("strata"), struct(lit(ENROLLED_DATE).as("key"), col(ENROLLED_DATE).as("value")));
    List<Column> perSegment = new ArrayList<>(MomentColumns.sums());
    perSegment.add(sum(col("dropped_values")).as("dropped_values"));
    return cells
        .withColumn("segment", explode(segments))
        .groupBy(
            col("experiment"),
            col("version"),
            col("arm"),
            col(METRIC),
            col("segment.key").as("segment_key"),
            col("segment.value").as("segment_value"))
        .agg(perSegment.get(0), perSegment.subList(1, perSegment.size()).toArray(Column[]::new));
  }

  /**
   * A row's segments, as {@code (key, value)} structs: {@code all}, then {@code more} (or none),
   * then each strata attribute's value, from {@code entries} (the strata's entries, null without
   * strata).
   */
  private static Column segments(Column entries, Column... more) {
    List<Column> first = new ArrayList<>();
    first.add(struct(lit("all").as("key"), lit("all").as("value")));
    first.addAll(List.of(more));
    Column fixed = array(first.toArray(Column[]::new));
    Column strata =
        transform(
            entries, e -> struct(e.getField("key").as("key"), e.getField("value").as("value")));
    return when(entries.isNull(), fixed)
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
    Column segments = segments(map_entries(col("strata")));
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
