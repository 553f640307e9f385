package io.assay.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import io.assay.config.ExperimentDefinition;
import io.assay.config.Measure;
import io.assay.config.MetricCatalog;
import io.assay.config.MetricDefinition;
import io.assay.config.MetricSource;
import io.assay.config.Quantile;
import io.assay.config.Window;
import io.assay.io.InputProblem;
import io.assay.io.Pseudonyms;
import io.assay.io.RunContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;

/**
 * Per-unit metric values ({@link UnitValues}): one row per experiment × version × enrolled unit,
 * with each metric's value {@code y}, its ratio denominator {@code d} and its pre-period (CUPED
 * covariate) values {@code p} and {@code q}.
 *
 * <p>Each source table is read <b>once</b> for every metric and experiment that uses it: its rows
 * are joined to the enrolled units (by keyed pseudonym), every measure on the source contributes a
 * column ({@code when(in window AND filter, value)}), and one aggregation per source reduces them
 * to per-unit sums. Windows are relative to each unit's {@code enrolled_ts} and truncated at the
 * as-of instant (events after it are not used). The per-source results are left-joined to the
 * enrolled units, so every enrolled unit has a value for every metric: 0 for sums and counts, 0
 * (false) for binomial metrics.
 *
 * <p>Cost per source: one scan (rows outside the needed time range are filtered at the scan), one
 * shuffle join with the enrolled units and one aggregation (in the join's partitions); then one
 * shuffle of the enrolled units for the left joins, whatever the number of sources (each per-source
 * result is already partitioned by unit). Nothing is collected.
 */
public final class UnitMetrics {
  public static final String METRIC = "metric";
  public static final String Y = "y";
  public static final String D = "d";
  public static final String P = "p";

  /** A ratio metric's pre-period denominator (CUPED for ratios). */
  public static final String Q = "q";

  /**
   * Rows of an enrolled unit that could not be used: no usable timestamp, or a value (in the
   * window) that is null, not a number, NaN or ±∞. They add nothing to the sums and are counted
   * here.
   */
  public static final String DROPPED = "dropped";

  /**
   * A quantile metric's bucket keys ({@link QuantileKeys}) of the unit's values: one per usable
   * qualifying row (event level), or the key of the unit's value {@code y} (unit level); null for
   * other kinds. Event level, {@code d} is the number of keys (the unit's values).
   */
  public static final String KEYS = "keys";

  private UnitMetrics() {}

  /**
   * A measure of a metric on one source: its value, denominator or pre-period part. {@code slot} is
   * the metric's position among the metrics computed together, which names its columns.
   */
  record Part(MetricDefinition metric, int slot, String role, Measure measure, Window window) {
    /**
     * The part's per-unit aggregate in a source pass (the names are positional, see {@link
     * UnitValues}).
     */
    String column() {
      return "s" + slot + "_" + role;
    }
  }

  /** The parts of the given metrics, grouped by the source they read. */
  static Map<String, List<Part>> partsBySource(MetricCatalog catalog, Set<String> metricNames) {
    Map<String, List<Part>> out = new LinkedHashMap<>();
    int slot = 0;
    for (String name : metricNames) {
      MetricDefinition m = catalog.metric(name).orElseThrow();
      int i = slot++;
      add(out, new Part(m, i, Y, m.numerator(), m.window()));
      m.denominator().ifPresent(den -> add(out, new Part(m, i, D, den, m.window())));
      m.cupedWindow().ifPresent(w -> add(out, new Part(m, i, P, m.numerator(), w)));
      m.cupedWindow()
          .ifPresent(w -> m.denominator().ifPresent(den -> add(out, new Part(m, i, Q, den, w))));
    }
    return out;
  }

  private static void add(Map<String, List<Part>> out, Part p) {
    out.computeIfAbsent(p.measure().source(), k -> new ArrayList<>()).add(p);
  }

  /** Every metric the experiments list, in order of first use. */
  static Set<String> metricsOf(List<ExperimentDefinition> experiments) {
    Set<String> used = new LinkedHashSet<>();
    experiments.forEach(e -> used.addAll(e.metrics().all()));
    return used;
  }

  /** The parts of the experiments' metrics, grouped by the source they read. */
  static Map<String, List<Part>> partsBySource(
      MetricCatalog catalog, List<ExperimentDefinition> experiments) {
    return partsBySource(catalog, metricsOf(experiments));
  }

  /**
   * Computes per-unit values for the enrolled units. Every source is opened and checked first
   * ({@link MetricSources}): a source that cannot be used stops the computation before it starts,
   * with an {@link InputProblem} naming each source's path and problems.
   *
   * @param enrolled {@code experiment, version, unit_key, enrolled_ts} (plus any other columns,
   *     which are carried through), one row per analysed unit
   * @param asOf events at or after this instant are ignored
   * @param timeRange [earliest enrolled_ts, latest enrolled_ts], to prune the scans
   * @throws IllegalArgumentException when {@code experiments} is empty
   */
  public static UnitValues compute(
      SparkSession spark,
      RunContext ctx,
      List<ExperimentDefinition> experiments,
      Dataset<Row> enrolled,
      Instant asOf,
      Instant[] timeRange) {
    MetricCatalog catalog = ctx.conf().catalog();
    MetricSources.Opened sources =
        MetricSources.open(spark, ctx, catalog, partsBySource(catalog, experiments));
    if (!sources.problems().isEmpty()) {
      // Each problem starts with its source's path; the first one's path heads the message.
      String all = String.join(" | ", sources.problems().values());
      int colon = all.indexOf(": ");
      throw new InputProblem(all.substring(0, colon), all.substring(colon + 2));
    }
    return compute(ctx, experiments, enrolled, asOf, timeRange, sources);
  }

  /** As above, on sources already opened and checked (none of them with a problem). */
  static UnitValues compute(
      RunContext ctx,
      List<ExperimentDefinition> experiments,
      Dataset<Row> enrolled,
      Instant asOf,
      Instant[] timeRange,
      MetricSources.Opened sources) {
    if (experiments.isEmpty()) {
      throw new IllegalArgumentException("no experiment to compute metrics for");
    }
    MetricCatalog catalog = ctx.conf().catalog();
    Map<String, List<Part>> bySource = partsBySource(catalog, experiments);
    Dataset<Row> units =
        enrolled.select(col("experiment"), col("version"), col("unit_key"), col("enrolled_ts"));

    // Every enrolled unit, with each source's per-unit aggregates left-joined on (experiment,
    // version, unit_key) as three arrays (values, dropped rows, quantile keys): each per-source
    // result is already partitioned by its aggregation, so only the enrolled units are shuffled,
    // once, whatever the number of sources; and the rows stay narrow, whatever the number of
    // metrics.
    String[] key = {"experiment", "version", "unit_key"};
    List<MetricDefinition> metrics =
        metricsOf(experiments).stream().map(m -> catalog.metric(m).orElseThrow()).toList();
    int n = metrics.size();
    int[] y = filled(n);
    int[] d = filled(n);
    int[] p = filled(n);
    int[] q = filled(n);
    int[] keys = filled(n);
    List<UnitValues.SourceArrays> arrays = new ArrayList<>();
    int offset = 0;
    int keyOffset = 0;
    Dataset<Row> wide = enrolled;
    for (Map.Entry<String, List<Part>> e : bySource.entrySet()) {
      MetricSource source = catalog.sources().get(e.getKey());
      Dataset<Row> table = sources.tables().get(e.getKey());
      if (table == null) {
        throw new IllegalStateException(
            "source '" + e.getKey() + "' was not opened: " + sources.problems().get(e.getKey()));
      }
      String prefix = "s" + arrays.size();
      List<Column> vals = new ArrayList<>();
      List<Column> dropped = new ArrayList<>();
      List<Column> keyLists = new ArrayList<>();
      for (Part part : e.getValue()) {
        int at = offset + vals.size();
        switch (part.role()) {
          case Y -> y[part.slot()] = at;
          case D -> d[part.slot()] = at;
          case P -> p[part.slot()] = at;
          default -> q[part.slot()] = at;
        }
        // 0 where no row qualified: every reader reads a missing value as 0.
        vals.add(coalesce(col(part.column()).cast(DataTypes.DoubleType), lit(0.0)));
        dropped.add(coalesce(col(part.column() + "_dropped"), lit(0L)));
        if (part.role().equals(Y) && eventQuantile(part.metric())) {
          keys[part.slot()] = keyOffset + keyLists.size();
          keyLists.add(col(part.column() + "_keys"));
          // An event-level quantile's d, the unit's number of values, is a part of its own (its
          // unusable rows are counted with y's).
          d[part.slot()] = offset + vals.size();
          vals.add(coalesce(col(part.column() + "_values"), lit(0.0)));
          dropped.add(lit(0L));
        }
      }
      UnitValues.SourceArrays names =
          new UnitValues.SourceArrays(prefix, vals.size(), keyLists.size());
      List<Column> packed =
          new ArrayList<>(List.of(col("experiment"), col("version"), col("unit_key")));
      packed.add(array(vals.toArray(Column[]::new)).as(names.values()));
      // Null where the unit has no unusable row in the source (most units): nothing to store.
      Column most =
          dropped.size() == 1
              ? dropped.get(0)
              : org.apache.spark.sql.functions.greatest(dropped.toArray(Column[]::new));
      packed.add(when(most.gt(0L), array(dropped.toArray(Column[]::new))).as(names.dropped()));
      if (!keyLists.isEmpty()) {
        packed.add(array(keyLists.toArray(Column[]::new)).as(prefix + "_keys"));
      }
      arrays.add(names);
      offset += vals.size();
      keyOffset += keyLists.size();
      wide =
          wide.join(
              sourcePass(ctx, source, table, e.getValue(), units, asOf, timeRange)
                  .select(packed.toArray(Column[]::new)),
              key,
              "left");
    }
    Map<List<String>, List<Object>> byList = new LinkedHashMap<>();
    for (ExperimentDefinition def : experiments) {
      byList.computeIfAbsent(def.metrics().all(), k -> new ArrayList<>()).add(def.id());
    }
    List<Column> out = new ArrayList<>();
    for (String c : enrolled.columns()) {
      out.add(col(c));
    }
    // Each source's arrays as they came (null where the unit has no row in the source): read per
    // metric, they are only looked up.
    for (UnitValues.SourceArrays a : arrays) {
      out.add(col(a.values()));
      out.add(col(a.dropped()));
    }
    if (keyOffset > 0) {
      out.add(UnitValues.allKeys(arrays).as(UnitValues.KEYS));
    }
    return new UnitValues(
        wide.select(out.toArray(Column[]::new)),
        List.of(enrolled.columns()),
        metrics,
        byList,
        new UnitValues.Layout(y, d, p, q, keys, List.copyOf(arrays)));
  }

  private static int[] filled(int n) {
    int[] out = new int[n];
    java.util.Arrays.fill(out, -1);
    return out;
  }

  private static boolean eventQuantile(MetricDefinition m) {
    return m.quantile().map(x -> x.of() == Quantile.Of.EVENT).orElse(false);
  }

  /**
   * One scan of a source (opened and checked by {@link MetricSources}): per unit and experiment,
   * every part on it as a column.
   */
  static Dataset<Row> sourcePass(
      RunContext ctx,
      MetricSource source,
      Dataset<Row> table,
      List<Part> parts,
      Dataset<Row> units,
      Instant asOf,
      Instant[] timeRange) {
    DataType timeType = table.schema().apply(source.timeColumn()).dataType();
    // try_cast: a text timestamp that does not parse is a row without a time (dropped, counted),
    // not a failed job (Spark 4 runs in ANSI mode, where cast throws). A timestamp without a time
    // zone is read as UTC (the session's zone).
    Column ts =
        timeType instanceof DateType || timeType instanceof StringType
            ? col(source.timeColumn()).try_cast(DataTypes.TimestampType)
            : timeType instanceof TimestampNTZType
                ? col(source.timeColumn()).cast(DataTypes.TimestampType)
                : col(source.timeColumn());
    long earliest = Long.MAX_VALUE;
    long latest = Long.MIN_VALUE;
    for (Part p : parts) {
      earliest = Math.min(earliest, p.window().from().toSeconds());
      latest = Math.max(latest, p.window().to().toSeconds());
    }
    Instant scanFrom = timeRange[0].plusSeconds(earliest);
    Instant scanTo = min(asOf, timeRange[1].plusSeconds(latest));
    Dataset<Row> events =
        table
            .withColumn("__ts", ts)
            .filter(
                col("__ts")
                    .isNull()
                    .or(
                        col("__ts")
                            .geq(lit(java.sql.Timestamp.from(scanFrom)))
                            .and(col("__ts").lt(lit(java.sql.Timestamp.from(scanTo))))))
            .withColumn(
                "unit_key",
                Pseudonyms.unitKey(
                    col(source.unitColumn()).cast(DataTypes.StringType), ctx.pseudonymKey()));
    Dataset<Row> joined = events.join(units, "unit_key");
    Column offset = unix_micros(col("__ts")).minus(unix_micros(col("enrolled_ts")));
    Column beforeAsOf = col("__ts").lt(lit(java.sql.Timestamp.from(asOf)));
    List<Column> aggs = new ArrayList<>();
    for (Part p : parts) {
      Column inWindow =
          offset
              .geq(lit(p.window().from().toNanos() / 1000))
              .and(offset.lt(lit(p.window().to().toNanos() / 1000)))
              .and(beforeAsOf);
      Column qualifies =
          p.measure()
              .filter()
              .map(f -> inWindow.and(coalesce(expr(f), lit(false))))
              .orElse(inWindow);
      aggs.add(contribution(p, qualifies).as(p.column()));
      Column dropped = qualifies.and(valueUnusable(p));
      if (p.role().equals(Y)) {
        dropped = col("__ts").isNull().or(dropped);
      }
      aggs.add(sum(when(dropped, lit(1L)).otherwise(lit(0L))).as(p.column() + "_dropped"));
      p.metric()
          .quantile()
          .filter(q -> q.of() == Quantile.Of.EVENT)
          .ifPresent(
              q -> {
                Column usable = qualifies.and(not(valueUnusable(p)));
                aggs.add(
                    collect_list(when(usable, QuantileKeys.key(value(p), q.accuracy())))
                        .as(p.column() + "_keys"));
                aggs.add(
                    sum(when(usable, lit(1.0)).otherwise(lit(0.0))).as(p.column() + "_values"));
              });
    }
    Dataset<Row> perUnit =
        joined
            .groupBy(col("experiment"), col("version"), col("unit_key"))
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    return perUnit;
  }

  /**
   * The per-unit aggregate of one part (the pre-period part uses the metric's own definition), as
   * its kind makes it ({@link MetricKinds#contribution}).
   */
  private static Column contribution(Part p, Column qualifies) {
    return MetricKinds.of(p.metric().kind()).contribution(qualifies, value(p));
  }

  /**
   * The part's value as a double; text that is not a number is null (try_cast, not cast). Null for
   * a kind that reads no value (its value expression, if any, is not parsed).
   */
  private static Column value(Part p) {
    if (!MetricKinds.of(p.metric().kind()).readsValue()) {
      return lit(null).cast(DataTypes.DoubleType);
    }
    return expr(p.measure().value()).try_cast(DataTypes.DoubleType);
  }

  /** Whether a qualifying row's value cannot be used ({@link MetricKinds#valueUnusable}). */
  private static Column valueUnusable(Part p) {
    return MetricKinds.of(p.metric().kind()).valueUnusable(value(p));
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
