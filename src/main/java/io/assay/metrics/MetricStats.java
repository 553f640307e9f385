package io.assay.metrics;

import static io.assay.metrics.UnitMetrics.METRIC;
import static io.assay.metrics.UnitMetrics.P;
import static io.assay.metrics.UnitMetrics.Y;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.try_element_at;
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
   * of all arms: one aggregation of the capped metrics' rows grouped by experiment, version and
   * metric, with one {@code percentile_approx} per distinct percentile (a few numbers per capped
   * experiment × metric reach the driver). Fixed caps need no data.
   */
  public static Map<CapKey, Caps> caps(
      UnitValues values, MetricCatalog catalog, List<ExperimentDefinition> experiments) {
    Map<CapKey, Caps> out = new LinkedHashMap<>();
    // Slots of metrics with a percentile cap, by percentile (the cap is the metric's).
    Map<Double, List<Integer>> byPercentile = new java.util.TreeMap<>();
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
          List<Integer> slots =
              byPercentile.computeIfAbsent(cap.percentile().getAsDouble(), x -> new ArrayList<>());
          if (!slots.contains(values.slot(name))) {
            slots.add(values.slot(name));
          }
          percentileKeys.add(key);
        }
      }
    }
    if (percentileKeys.isEmpty()) {
      return out;
    }
    Column slot = col(UnitValues.SLOT);
    List<Column> aggs = new ArrayList<>();
    List<Integer> capped = new ArrayList<>();
    for (var e : byPercentile.entrySet()) {
      Column mine = slot.isin(e.getValue().toArray());
      aggs.add(percentile_approx(when(mine, col(Y)), lit(e.getKey()), lit(100_000)));
      aggs.add(percentile_approx(when(mine, col(P)), lit(e.getKey()), lit(100_000)));
      capped.addAll(e.getValue());
    }
    Map<CapKey, Row> rows = new LinkedHashMap<>();
    for (Row r :
        values
            .metricRows(List.of("experiment", "version"), capped::contains, false)
            .groupBy(col("experiment"), col("version"), slot)
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
            .collectAsList()) {
      rows.put(
          new CapKey(r.getString(0), r.getString(1), values.metrics().get(r.getInt(2)).name()), r);
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

  /** The segment of the units enrolled on one day; the driver accumulates them over days. */
  public static final String ENROLLED_DATE = "enrolled_date";

  /** {@link #sufficientStats(UnitValues, Map)} without caps. */
  public static Dataset<Row> sufficientStats(UnitValues values) {
    return sufficientStats(values, Map.of());
  }

  /**
   * Sufficient statistics per experiment, version, arm, metric and segment, of the values capped by
   * {@code caps} (values above a cap are set to it). Segments: {@code all}, each strata attribute's
   * values, and {@value #ENROLLED_DATE} (the units enrolled on each day), from which cumulative
   * results over time are summed without another pass.
   *
   * <p>Each unit row is split into one row per metric its experiment lists ({@link
   * UnitValues#metricRows}), capped, and summed per cell (experiment, version, arm, metric,
   * enrollment day and the unit's strata values); then each cell is added to each of its segments.
   * Every sum is additive, so this equals summing every unit into every segment, but each unit ×
   * metric is aggregated once instead of once per segment, and only where one of its values is not
   * 0. The caps are literal arrays by metric slot, found once per unit by its experiment version:
   * the cost per row does not grow with the number of capped experiment × metric pairs.
   */
  public static Dataset<Row> sufficientStats(UnitValues values, Map<CapKey, Caps> caps) {
    // The cell's day and strata, and the experiment's caps, are found once per unit, before its
    // metric rows.
    Dataset<Row> units =
        values
            .rows()
            .withColumn(ENROLLED_DATE, to_date(col("enrolled_ts")).cast(DataTypes.StringType))
            // A map cannot be grouped by; its entries, sorted, can.
            .withColumn("strata", array_sort(map_entries(col("strata"))));
    if (!caps.isEmpty()) {
      units =
          units
              .withColumn(UnitValues.CAP_Y, capsOf(values, caps, true))
              .withColumn(UnitValues.CAP_P, capsOf(values, caps, false));
    }
    List<String> cell = List.of("experiment", "version", "arm", ENROLLED_DATE, "strata");
    // A unit whose values of a metric are all 0 adds nothing to any sum, only 1 to n, which is the
    // same for every metric of the cell: the unit × metric rows are kept only where some value is
    // not 0 (most units have no row of most metrics), and each cell's n comes from counting its
    // units once. The sums are added to rows holding each cell's n for each metric its
    // experiment lists, with 0 for every term the metric has (null for the others, as a sum over
    // no values is): every cell × metric gets its row, whatever its units' values.
    Dataset<Row> rows =
        values
            .withRows(units)
            .metricRows(cell, k -> true, false)
            .filter(
                col(Y)
                    .notEqual(0.0)
                    .or(coalesce(col(UnitMetrics.D), lit(0.0)).notEqual(0.0))
                    .or(coalesce(col(P), lit(0.0)).notEqual(0.0))
                    .or(coalesce(col(UnitMetrics.Q), lit(0.0)).notEqual(0.0))
                    .or(col(UnitMetrics.DROPPED).notEqual(0L)));
    List<Column> perUnit = new ArrayList<>();
    List<Column> perCellMetric = new ArrayList<>();
    cell.forEach(c -> perUnit.add(col(c)));
    cell.forEach(c -> perCellMetric.add(col(c)));
    perUnit.add(col(UnitValues.SLOT));
    perUnit.add(lit(0L).as(MomentColumns.N));
    Column slot = col(UnitValues.SLOT);
    perCellMetric.add(slot);
    perCellMetric.add(col(MomentColumns.N));
    for (MomentColumns.Term t : MomentColumns.TERMS) {
      perUnit.add(t.perUnit(r -> col(r)).as(t.column()));
      boolean[] has = new boolean[values.metrics().size()];
      for (int k = 0; k < has.length; k++) {
        MetricDefinition m = values.metrics().get(k);
        has[k] = t.uses(r -> UnitValues.has(m, r));
      }
      perCellMetric.add(when(get(lit(has), slot), lit(0.0)).as(t.column()));
    }
    perUnit.add(col(UnitMetrics.DROPPED).as("dropped_values"));
    perCellMetric.add(lit(0L).as("dropped_values"));
    Dataset<Row> counts =
        units
            .groupBy(cell.stream().map(c -> col(c)).toArray(Column[]::new))
            .agg(count(lit(1)).as(MomentColumns.N))
            .withColumn(UnitValues.SLOT, explode(values.listedSlots()))
            .select(perCellMetric.toArray(Column[]::new));
    // The same sums twice: unit × metric rows (and counts) into cells, then cells into segments.
    List<Column> perCell = new ArrayList<>(MomentColumns.sums());
    perCell.add(sum(col("dropped_values")).as("dropped_values"));
    Dataset<Row> cells =
        rows.select(perUnit.toArray(Column[]::new))
            .unionAll(counts)
            .groupBy(
                col("experiment"),
                col("version"),
                col("arm"),
                col(UnitValues.SLOT),
                col(ENROLLED_DATE),
                col("strata"))
            .agg(perCell.get(0), perCell.subList(1, perCell.size()).toArray(Column[]::new));
    Column segments =
        segments(
            col("strata"), struct(lit(ENROLLED_DATE).as("key"), col(ENROLLED_DATE).as("value")));
    return cells
        .withColumn("segment", explode(segments))
        .groupBy(
            col("experiment"),
            col("version"),
            col("arm"),
            values.metricName(col(UnitValues.SLOT)).as(METRIC),
            col("segment.key").as("segment_key"),
            col("segment.value").as("segment_value"))
        .agg(perCell.get(0), perCell.subList(1, perCell.size()).toArray(Column[]::new));
  }

  /**
   * The caps of a unit's experiment, of the value ({@code y}) or of the pre-period value, as an
   * array by metric slot (null where uncapped): a literal map from experiment version to the
   * arrays, looked up once per unit row.
   */
  private static Column capsOf(UnitValues values, Map<CapKey, Caps> caps, boolean value) {
    Map<String, Double[]> byExperiment = new LinkedHashMap<>();
    for (Map.Entry<CapKey, Caps> e : caps.entrySet()) {
      CapKey k = e.getKey();
      Double[] row =
          byExperiment.computeIfAbsent(
              k.experiment() + "@" + k.version(), x -> new Double[values.metrics().size()]);
      row[values.slot(k.metric())] = value ? e.getValue().y() : e.getValue().p();
    }
    List<Column> arrays = new ArrayList<>();
    for (Double[] row : byExperiment.values()) {
      arrays.add(lit(row));
    }
    Column map =
        map_from_arrays(
            lit(byExperiment.keySet().toArray(String[]::new)),
            array(arrays.toArray(Column[]::new)));
    return try_element_at(map, UnitValues.experimentVersion());
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
  public static Dataset<Row> quantileBuckets(UnitValues values) {
    Dataset<Row> unitValues =
        values.perMetric(m -> m.quantile().isPresent()).filter(col(UnitMetrics.KEYS).isNotNull());
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
