package io.assay.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
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
 * Per-unit metric values: one row per experiment × version × enrolled unit × metric, with the
 * metric's value {@code y}, its ratio denominator {@code d} and its pre-period (CUPED covariate)
 * value {@code p}.
 *
 * <p>Each source table is read <b>once</b> for every metric and experiment that uses it: its rows
 * are joined to the enrolled units (by keyed pseudonym), every measure on the source contributes a
 * column ({@code when(in window AND filter, value)}), and one aggregation per source reduces them
 * to per-unit sums. Windows are relative to each unit's {@code enrolled_ts} and truncated at the
 * as-of instant (events after it are not used). The per-source results are left-joined to the
 * enrolled units and unpivoted into one row per unit × metric of its experiment, so every enrolled
 * unit has a value: 0 for sums and counts, 0 (false) for binomial metrics.
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

  /** A measure of a metric on one source: its value, denominator or pre-period part. */
  record Part(MetricDefinition metric, String role, Measure measure, Window window) {
    String column() {
      return metric.name() + "__" + role;
    }
  }

  /** The parts of the given metrics, grouped by the source they read. */
  static Map<String, List<Part>> partsBySource(MetricCatalog catalog, Set<String> metricNames) {
    Map<String, List<Part>> out = new LinkedHashMap<>();
    for (String name : metricNames) {
      MetricDefinition m = catalog.metric(name).orElseThrow();
      add(out, new Part(m, Y, m.numerator(), m.window()));
      m.denominator().ifPresent(den -> add(out, new Part(m, D, den, m.window())));
      m.cupedWindow().ifPresent(w -> add(out, new Part(m, P, m.numerator(), w)));
      m.cupedWindow()
          .ifPresent(w -> m.denominator().ifPresent(den -> add(out, new Part(m, Q, den, w))));
    }
    return out;
  }

  private static void add(Map<String, List<Part>> out, Part p) {
    out.computeIfAbsent(p.measure().source(), k -> new ArrayList<>()).add(p);
  }

  /** The parts of the experiments' metrics, grouped by the source they read. */
  static Map<String, List<Part>> partsBySource(
      MetricCatalog catalog, List<ExperimentDefinition> experiments) {
    Set<String> used = new LinkedHashSet<>();
    experiments.forEach(e -> used.addAll(e.metrics().all()));
    return partsBySource(catalog, used);
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
  public static Dataset<Row> compute(
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
  static Dataset<Row> compute(
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

    // Every enrolled unit, with each source's per-unit sums left-joined on (experiment, version,
    // unit_key): each per-source result is already partitioned by its aggregation, so only the
    // enrolled units are shuffled, once, whatever the number of sources.
    String[] key = {"experiment", "version", "unit_key"};
    Dataset<Row> wide = enrolled;
    for (Map.Entry<String, List<Part>> e : bySource.entrySet()) {
      MetricSource source = catalog.sources().get(e.getKey());
      Dataset<Row> table = sources.tables().get(e.getKey());
      if (table == null) {
        throw new IllegalStateException(
            "source '" + e.getKey() + "' was not opened: " + sources.problems().get(e.getKey()));
      }
      wide =
          wide.join(
              sourcePass(ctx, source, table, e.getValue(), units, asOf, timeRange), key, "left");
    }
    Map<String, Map<String, Part>> parts = new LinkedHashMap<>();
    bySource.values().stream()
        .flatMap(List::stream)
        .forEach(
            p ->
                parts
                    .computeIfAbsent(p.metric().name(), k -> new LinkedHashMap<>())
                    .put(p.role(), p));
    // Then one row per enrolled unit × metric of its experiment: 0 where no row qualified.
    // Experiments that list the same metrics share one branch, chosen by a set lookup of the
    // row's experiment version (not one comparison per experiment).
    Map<List<String>, List<Object>> byMetrics = new LinkedHashMap<>();
    for (ExperimentDefinition d : experiments) {
      byMetrics.computeIfAbsent(d.metrics().all(), k -> new ArrayList<>()).add(d.id());
    }
    Column id = concat_ws("@", col("experiment"), col("version"));
    Column metricsOf = null;
    for (Map.Entry<List<String>, List<Object>> e : byMetrics.entrySet()) {
      Column applies = id.isin(e.getValue().toArray());
      Column values =
          array(
              e.getKey().stream()
                  .map(m -> metricValue(catalog.metric(m).orElseThrow(), parts.get(m)))
                  .toArray(Column[]::new));
      metricsOf = metricsOf == null ? when(applies, values) : metricsOf.when(applies, values);
    }
    List<Column> out = new ArrayList<>();
    for (String c : enrolled.columns()) {
      out.add(col(c));
    }
    for (String f : List.of(METRIC, Y, D, P, Q, DROPPED, KEYS)) {
      out.add(col("m." + f).as(f));
    }
    return wide.withColumn("m", explode(metricsOf)).select(out.toArray(Column[]::new));
  }

  /** A metric's values for one unit from the wide per-unit columns of its parts. */
  private static Column metricValue(MetricDefinition definition, Map<String, Part> parts) {
    String metric = definition.name();
    Column dropped = lit(0L);
    for (Part p : parts.values()) {
      dropped = dropped.plus(coalesce(col(p.column() + "__dropped"), lit(0L)));
    }
    List<Column> fields = new ArrayList<>();
    fields.add(lit(metric).as(METRIC));
    for (String role : List.of(Y, D, P, Q)) {
      Part p = parts.get(role);
      fields.add(
          (p == null
                  ? lit(null).cast(DataTypes.DoubleType)
                  : coalesce(col(p.column()).cast(DataTypes.DoubleType), lit(0.0)))
              .as(role));
    }
    fields.add(dropped.as(DROPPED));
    Column keys = lit(null).cast(QuantileKeys.TYPE);
    if (definition.quantile().isPresent()) {
      Quantile q = definition.quantile().get();
      Part y = parts.get(Y);
      keys =
          q.of() == Quantile.Of.EVENT
              ? coalesce(col(y.column() + "__keys"), array().cast(QuantileKeys.TYPE))
              : array(QuantileKeys.key(coalesce(col(y.column()), lit(0.0)), q.accuracy()));
      if (q.of() == Quantile.Of.EVENT) {
        // The unit's number of values: the ratio of Σ values / Σ count is the event-level mean.
        fields.set(2, size(keys).cast(DataTypes.DoubleType).as(D));
      }
    }
    fields.add(keys.as(KEYS));
    return struct(fields.toArray(Column[]::new));
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
      aggs.add(sum(when(dropped, lit(1L)).otherwise(lit(0L))).as(p.column() + "__dropped"));
      p.metric()
          .quantile()
          .filter(q -> q.of() == Quantile.Of.EVENT)
          .ifPresent(
              q ->
                  aggs.add(
                      collect_list(
                              when(
                                  qualifies.and(not(valueUnusable(p))),
                                  QuantileKeys.key(value(p), q.accuracy())))
                          .as(p.column() + "__keys")));
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
