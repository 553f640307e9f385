package io.assay.metrics;

import static io.assay.metrics.UnitMetrics.METRIC;
import static io.assay.metrics.UnitMetrics.P;
import static io.assay.metrics.UnitMetrics.Y;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.posexplode;
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

  /**
   * Runs {@code action} on the {@link #sufficientStats} of {@code values} (say writes or collects
   * them) with the cells' sums held in memory where they fit ({@link CellSums#cellsInMemory})
   * rather than Spark sorting every unit row by cell past 128 cells.
   */
  public static <T> T withSufficientStats(
      org.apache.spark.sql.SparkSession spark,
      UnitValues values,
      Map<CapKey, Caps> caps,
      java.util.function.Function<Dataset<Row>, T> action) {
    CellSums sums = new CellSums(values, caps);
    return sums.run(spark, () -> action.apply(sufficientStats(values, sums)));
  }

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
   * <p>The unit rows are summed per cell (experiment, version, arm, enrollment day and the unit's
   * strata values) in one aggregation, every metric at once ({@link CellSums}); then each cell ×
   * metric is added to each of its segments. Every sum is additive, so this equals summing every
   * unit into every segment, but each unit row is read once, whatever the number of metrics and
   * segments.
   */
  public static Dataset<Row> sufficientStats(UnitValues values, Map<CapKey, Caps> caps) {
    return sufficientStats(values, new CellSums(values, caps));
  }

  private static Dataset<Row> sufficientStats(UnitValues values, CellSums sums) {
    // The cell's day and strata, and the experiment's position, are found once per unit.
    Dataset<Row> units =
        values
            .rows()
            .withColumn(ENROLLED_DATE, to_date(col("enrolled_ts")).cast(DataTypes.StringType))
            // A map cannot be grouped by; its entries, sorted, can.
            .withColumn("strata", array_sort(map_entries(col("strata"))))
            .withColumn(CellSums.EXPERIMENT, sums.experiment());
    List<String> cell = List.of("experiment", "version", "arm", ENROLLED_DATE, "strata");
    List<Column> perCell = new ArrayList<>();
    cell.forEach(c -> perCell.add(col(c)));
    perCell.add(posexplode(col("s.slots")).as(new String[] {"i", UnitValues.SLOT}));
    perCell.add(col("s.n").as(MomentColumns.N));
    perCell.add(col("s.sums").as("sums"));
    perCell.add(col("s.dropped").as("dropped"));
    // Each listed metric's row of the cell: its terms (null where the metric has no such term, as a
    // sum over no values is) and unusable rows.
    Column slot = col(UnitValues.SLOT);
    Column i = col("i");
    List<Column> perMetric = new ArrayList<>();
    cell.forEach(c -> perMetric.add(col(c)));
    perMetric.add(slot);
    perMetric.add(col(MomentColumns.N));
    int terms = MomentColumns.TERMS.size();
    for (int t = 0; t < terms; t++) {
      MomentColumns.Term term = MomentColumns.TERMS.get(t);
      boolean[] has = new boolean[values.metrics().size()];
      for (int k = 0; k < has.length; k++) {
        MetricDefinition m = values.metrics().get(k);
        has[k] = term.uses(r -> UnitValues.has(m, r));
      }
      perMetric.add(
          when(get(lit(has), slot), get(col("sums"), i.multiply(terms).plus(t))).as(term.column()));
    }
    perMetric.add(get(col("dropped"), i).as("dropped_values"));
    Dataset<Row> cells =
        units
            .groupBy(cell.stream().map(c -> col(c)).toArray(Column[]::new))
            .agg(sums.apply().as("s"))
            .select(perCell.toArray(Column[]::new))
            .select(perMetric.toArray(Column[]::new));
    List<Column> total = new ArrayList<>(MomentColumns.sums());
    total.add(sum(col("dropped_values")).as("dropped_values"));
    Column segments =
        segments(
            col("strata"), struct(lit(ENROLLED_DATE).as("key"), col(ENROLLED_DATE).as("value")));
    return cells
        .withColumn("segment", explode(segments))
        .groupBy(
            col("experiment"),
            col("version"),
            col("arm"),
            values.metricName(slot).as(METRIC),
            col("segment.key").as("segment_key"),
            col("segment.value").as("segment_value"))
        .agg(total.get(0), total.subList(1, total.size()).toArray(Column[]::new));
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
