package io.assay.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.assay.config.ExperimentDefinition;
import io.assay.config.Measure;
import io.assay.config.MetricCatalog;
import io.assay.config.MetricDefinition;
import io.assay.config.MetricKind;
import io.assay.config.MetricSource;
import io.assay.config.Window;
import io.assay.io.Inputs;
import io.assay.io.OutputTables;
import io.assay.io.Pseudonyms;
import io.assay.io.RunContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warehouse style of computing experiment metrics, as GrowthBook and most platforms that run on
 * a SQL warehouse do: <b>one SQL query per experiment × metric</b>, each reading the experiment's
 * units and the metric's source(s) and returning per-arm sufficient statistics (segment {@code
 * all}). It computes what analyze writes to {@code metric_stats} from the same definitions, written
 * independently of assay's metric code (plain SQL over the enrollments and the raw sources), so
 * that {@code assay bench --analyze-only --warehouse} can time both on the same Spark and the same
 * world and compare every number.
 *
 * <p>Each query: the experiment version's units (not excluded, enrolled before the as-of instant);
 * per unit, each part (value, ratio denominator, pre-period values) aggregated from the source rows
 * in its window relative to the unit's first exposure and before the as-of instant; a percentile
 * cap over the pooled per-unit values (with the same {@code percentile_approx} accuracy as assay's
 * caps, so that both find the same cap); then per arm {@code n} and the sums of the values, their
 * squares and cross products. Quantile metrics are skipped: their state is a histogram of values,
 * which warehouses compute with a query of another shape.
 */
public final class WarehouseStyle {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseStyle.class);

  /** The enrolled units' view. */
  static final String UNITS = "assay_warehouse_units";

  /** The sums compared, by column name, as {@code metric_stats} names them. */
  static final List<String> SUMS =
      List.of(
          "sum_y", "sum_y2", "sum_d", "sum_d2", "sum_yd", "sum_p", "sum_p2", "sum_yp", "sum_q",
          "sum_q2", "sum_pq", "sum_yq", "sum_dp", "sum_dq");

  /** One query: the experiment version and metric it computes, and its text. */
  public record Query(String experiment, String version, String metric, String sql) {}

  /**
   * The run: queries run, their total wall-clock seconds, the per-arm rows compared, and every
   * difference from {@code metric_stats} (none when the two agree).
   */
  public record Result(
      int queries, double seconds, int compared, int skipped, List<String> differences) {}

  private WarehouseStyle() {}

  /** The view of a metric source: its rows with {@code wh_unit_key} and {@code wh_ts} added. */
  static String view(String source) {
    return "assay_warehouse_src_" + source.replaceAll("[^A-Za-z0-9_]", "_");
  }

  /** The queries of every experiment × metric, quantile metrics excepted. */
  static List<Query> queries(
      MetricCatalog catalog, List<ExperimentDefinition> experiments, Instant asOf) {
    List<Query> out = new ArrayList<>();
    for (ExperimentDefinition e : experiments) {
      for (String name : e.metrics().all()) {
        MetricDefinition m = catalog.metric(name).orElseThrow();
        if (m.kind() != MetricKind.QUANTILE) {
          out.add(new Query(e.key(), e.version().toString(), name, sql(e, m, asOf)));
        }
      }
    }
    return out;
  }

  /** The query of one experiment version × metric. */
  static String sql(ExperimentDefinition e, MetricDefinition m, Instant asOf) {
    StringBuilder b = new StringBuilder();
    b.append("WITH units AS (SELECT unit_key, arm, enrolled_ts FROM ")
        .append(UNITS)
        .append(" WHERE experiment = ")
        .append(quote(e.key()))
        .append(" AND version = ")
        .append(quote(e.version().toString()))
        .append(")");
    Map<String, String> roles = new LinkedHashMap<>();
    roles.put("y", part(m, m.numerator(), m.window(), asOf));
    m.denominator().ifPresent(d -> roles.put("d", part(m, d, m.window(), asOf)));
    m.cupedWindow().ifPresent(w -> roles.put("p", part(m, m.numerator(), w, asOf)));
    m.cupedWindow()
        .ifPresent(w -> m.denominator().ifPresent(d -> roles.put("q", part(m, d, w, asOf))));
    for (var r : roles.entrySet()) {
      b.append(",\n").append(r.getKey()).append("_unit AS (").append(r.getValue()).append(")");
    }
    b.append(",\nper_unit AS (SELECT u.arm");
    for (String role : List.of("y", "d", "p", "q")) {
      b.append(", ")
          .append(
              roles.containsKey(role)
                  ? "coalesce(" + role + "_unit.v, 0D)"
                  : "CAST(NULL AS DOUBLE)")
          .append(" AS ")
          .append(role);
    }
    b.append(" FROM units u");
    for (String role : roles.keySet()) {
      b.append(" LEFT JOIN ")
          .append(role)
          .append("_unit ON ")
          .append(role)
          .append("_unit.unit_key = u.unit_key");
    }
    b.append(")");
    String from = "per_unit";
    if (m.cap().isPresent()) {
      // Values above the cap are set to it: the value and its pre-period value, each with its own
      // cap (a percentile over every unit of every arm, or a fixed number).
      String capY;
      String capP;
      if (m.cap().get().value().isPresent()) {
        capY = Double.toString(m.cap().get().value().getAsDouble()) + "D";
        capP = capY;
        b.append(",\ncaps AS (SELECT 1 AS one)");
      } else {
        double q = m.cap().get().percentile().getAsDouble();
        b.append(",\ncaps AS (SELECT percentile_approx(y, ")
            .append(q)
            .append("D, 100000) AS cap_y, percentile_approx(p, ")
            .append(q)
            .append("D, 100000) AS cap_p FROM per_unit)");
        capY = "cap_y";
        capP = "cap_p";
      }
      b.append(",\ncapped AS (SELECT arm, least(y, ")
          .append(capY)
          .append(") AS y, d, least(p, ")
          .append(capP)
          .append(") AS p, q FROM per_unit CROSS JOIN caps)");
      from = "capped";
    }
    b.append("\nSELECT arm, count(*) AS n");
    for (String s : SUMS) {
      String terms = s.substring(4);
      String a = terms.substring(0, 1);
      String rest = terms.substring(1);
      String term = rest.isEmpty() ? a : rest.equals("2") ? a + " * " + a : a + " * " + rest;
      b.append(", sum(").append(term).append(") AS ").append(s);
    }
    b.append(" FROM ").append(from).append(" GROUP BY arm");
    return b.toString();
  }

  /**
   * A part's per-unit aggregate: the source's rows of the unit that pass the filter, in the window
   * after (or, for a pre-period, before) its first exposure, before the as-of instant.
   */
  private static String part(MetricDefinition m, Measure measure, Window w, Instant asOf) {
    boolean readsValue = m.kind() == MetricKind.MEAN || m.kind() == MetricKind.RATIO;
    String value = readsValue ? "try_cast((" + measure.value() + ") AS DOUBLE)" : "1D";
    String aggregate =
        switch (m.kind()) {
          case BINOMIAL -> "max(1D)";
          case COUNT -> "CAST(count(*) AS DOUBLE)";
          default -> "sum(s.v)";
        };
    long asOfMicros = asOf.getEpochSecond() * 1_000_000L + asOf.getNano() / 1000;
    StringBuilder b = new StringBuilder();
    b.append("SELECT u.unit_key, ")
        .append(aggregate)
        .append(" AS v FROM units u JOIN (SELECT wh_unit_key, wh_ts, ")
        .append(value)
        .append(" AS v FROM ")
        .append(view(measure.source()));
    measure.filter().ifPresent(f -> b.append(" WHERE coalesce((").append(f).append("), false)"));
    b.append(") s ON s.wh_unit_key = u.unit_key WHERE unix_micros(s.wh_ts) < ")
        .append(asOfMicros)
        .append(" AND unix_micros(s.wh_ts) - unix_micros(u.enrolled_ts) >= ")
        .append(w.from().toNanos() / 1000)
        .append(" AND unix_micros(s.wh_ts) - unix_micros(u.enrolled_ts) < ")
        .append(w.to().toNanos() / 1000);
    if (readsValue) {
      // A value that is null, not a number, NaN or ±∞ adds nothing.
      b.append(" AND s.v IS NOT NULL AND NOT isnan(s.v) AND abs(s.v) <> double('Infinity')");
    }
    b.append(" GROUP BY u.unit_key");
    return b.toString();
  }

  private static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /**
   * Registers the views, runs every query one after the other (each one Spark action, its few rows
   * collected), and compares them with the {@code metric_stats} rows analyze wrote for {@code date}
   * (segment {@code all}).
   */
  public static Result run(
      SparkSession spark, RunContext ctx, List<ExperimentDefinition> experiments, LocalDate date) {
    Instant asOf = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    MetricCatalog catalog = ctx.conf().catalog();
    Inputs.upstream(spark, ctx, OutputTables.ENROLLMENTS)
        .filter(
            col("excluded").equalTo(false).and(col("enrolled_ts").lt(lit(Timestamp.from(asOf)))))
        .select("experiment", "version", "unit_key", "arm", "enrolled_ts")
        .createOrReplaceTempView(UNITS);
    Set<String> sources = new LinkedHashSet<>();
    for (ExperimentDefinition e : experiments) {
      for (String name : e.metrics().all()) {
        MetricDefinition m = catalog.metric(name).orElseThrow();
        sources.add(m.numerator().source());
        m.denominator().ifPresent(d -> sources.add(d.source()));
      }
    }
    for (String name : sources) {
      MetricSource s = catalog.sources().get(name);
      Inputs.source(spark, ctx, name, s.source())
          .withColumn(
              "wh_unit_key",
              Pseudonyms.unitKey(
                  col(s.unitColumn()).cast(DataTypes.StringType), ctx.pseudonymKey()))
          .withColumn("wh_ts", col(s.timeColumn()).try_cast(DataTypes.TimestampType))
          .createOrReplaceTempView(view(name));
    }
    List<Query> queries = queries(catalog, experiments, asOf);
    int skipped =
        experiments.stream().mapToInt(e -> e.metrics().all().size()).sum() - queries.size();
    Map<String, Row> warehouse = new LinkedHashMap<>();
    long start = System.nanoTime();
    int done = 0;
    for (Query q : queries) {
      for (Row r : spark.sql(q.sql()).collectAsList()) {
        warehouse.put(key(q.experiment(), q.version(), r.getString(0), q.metric()), r);
      }
      if (++done % 50 == 0) {
        LOG.info("warehouse style: {} of {} queries", done, queries.size());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Row> assay = new LinkedHashMap<>();
    Set<String> compared = new LinkedHashSet<>();
    queries.forEach(q -> compared.add(q.experiment() + "|" + q.version() + "|" + q.metric()));
    for (Row r :
        Inputs.upstream(spark, ctx, OutputTables.METRIC_STATS)
            .filter(
                col("date")
                    .equalTo(lit(java.sql.Date.valueOf(date)))
                    .and(col("segment_key").equalTo("all")))
            .collectAsList()) {
      String experiment = r.getAs("experiment");
      String version = r.getAs("version");
      String metric = r.getAs("metric");
      if (compared.contains(experiment + "|" + version + "|" + metric)) {
        assay.put(key(experiment, version, r.getAs("arm"), metric), r);
      }
    }
    return new Result(
        queries.size(), seconds, warehouse.size(), skipped, differences(warehouse, assay));
  }

  private static String key(String experiment, String version, String arm, String metric) {
    return experiment + " " + version + " " + arm + " " + metric;
  }

  /**
   * Every difference between the warehouse's rows and assay's, by key (experiment, version, arm,
   * metric): a row on one side only, a different {@code n}, or a sum that differs by more than 1e-9
   * relative (sums in another order round differently) or is null on one side only.
   */
  static List<String> differences(Map<String, Row> warehouse, Map<String, Row> assay) {
    List<String> out = new ArrayList<>();
    for (var e : warehouse.entrySet()) {
      Row a = assay.get(e.getKey());
      if (a == null) {
        out.add(e.getKey() + ": no metric_stats row");
        continue;
      }
      Row w = e.getValue();
      long nw = w.getLong(w.fieldIndex("n"));
      long na = a.getLong(a.fieldIndex("n"));
      if (nw != na) {
        out.add(e.getKey() + ": n " + nw + " (warehouse) vs " + na + " (assay)");
      }
      for (String s : SUMS) {
        Optional<Double> x = value(w, s);
        Optional<Double> y = value(a, s);
        if (x.isPresent() != y.isPresent()) {
          out.add(e.getKey() + ": " + s + " " + x + " (warehouse) vs " + y + " (assay)");
        } else if (x.isPresent() && !close(x.get(), y.get())) {
          out.add(
              e.getKey() + ": " + s + " " + x.get() + " (warehouse) vs " + y.get() + " (assay)");
        }
      }
    }
    for (String k : assay.keySet()) {
      if (!warehouse.containsKey(k)) {
        out.add(k + ": no warehouse row");
      }
    }
    return out;
  }

  private static Optional<Double> value(Row r, String column) {
    int at = r.fieldIndex(column);
    return r.isNullAt(at) ? Optional.empty() : Optional.of(r.getDouble(at));
  }

  static boolean close(double a, double b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
  }
}
