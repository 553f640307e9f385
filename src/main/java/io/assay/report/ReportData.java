package io.assay.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.assay.config.ExperimentDefinition;
import io.assay.io.BuildInfo;
import io.assay.io.Inputs;
import io.assay.io.OutputTable;
import io.assay.io.OutputTables;
import io.assay.io.RunContext;
import io.assay.io.RunLog;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads what the reports show from the output tables: aggregated rows only (results, checks,
 * category totals, run metadata — a few hundred rows per experiment). Tables that do not exist yet
 * (a stage that has not run) give empty sections, never an error.
 */
public final class ReportData {
  private ReportData() {}

  /** The reports of every experiment version with results as of {@code date}. */
  public static List<ExperimentReport> load(SparkSession spark, RunContext ctx, LocalDate date) {
    Date d = Date.valueOf(date);
    Dataset<Row> decisions = table(spark, ctx, OutputTables.EXPERIMENT_DECISIONS);
    if (decisions == null) {
      return List.of();
    }
    List<Row> decisionRows = decisions.filter(col("date").equalTo(lit(d))).collectAsList();
    List<Row> results = rows(spark, ctx, OutputTables.METRIC_RESULTS, col("date").equalTo(lit(d)));
    List<Row> checks = rows(spark, ctx, OutputTables.BALANCE_CHECKS, col("date").equalTo(lit(d)));
    List<Row> covariates = ordered(table(spark, ctx, OutputTables.COVARIATE_BALANCE), d);
    Map<String, Map<String, Long>> categories = categories(spark, ctx, d);
    List<Row> quarantine = quarantine(spark, ctx, d);
    Map<String, ExperimentReport.RunInfo> runs = runs(spark, ctx, results);

    List<ExperimentReport> out = new ArrayList<>();
    for (ExperimentDefinition e : ctx.conf().experiments()) {
      String id = e.id();
      List<ExperimentReport.Decision> ds = new ArrayList<>();
      for (Row r : decisionRows) {
        if (is(r, e)) {
          ds.add(
              new ExperimentReport.Decision(
                  r.getAs("arm"),
                  r.getAs("decision"),
                  r.getList(r.fieldIndex("reasons")),
                  r.getAs("srm_failed"),
                  r.getAs("srm_checked"),
                  r.getAs("reconciliation_failed"),
                  r.getAs("planned_sample_reached"),
                  r.<Long>getAs("enrolled_units")));
        }
      }
      if (ds.isEmpty()) {
        continue;
      }
      List<ExperimentReport.MetricRow> overall = new ArrayList<>();
      List<ExperimentReport.MetricRow> segments = new ArrayList<>();
      List<ExperimentReport.MetricRow> series = new ArrayList<>();
      String runId = null;
      for (Row r : results) {
        if (!is(r, e)) {
          continue;
        }
        runId = r.getAs("run_id");
        ExperimentReport.MetricRow m = metricRow(r);
        switch (m.segmentKey()) {
          case "all" -> overall.add(m);
          case "enrolled_through" -> series.add(m);
          default -> segments.add(m);
        }
      }
      List<String> order = e.metrics().all();
      overall.sort(
          Comparator.comparing((ExperimentReport.MetricRow m) -> order.indexOf(m.metric())));
      series.sort(Comparator.comparing(ExperimentReport.MetricRow::segmentValue));
      segments.sort(
          Comparator.comparing((ExperimentReport.MetricRow m) -> order.indexOf(m.metric()))
              .thenComparing(ExperimentReport.MetricRow::segmentKey)
              .thenComparing(ExperimentReport.MetricRow::segmentValue));
      List<ExperimentReport.Check> srm = new ArrayList<>();
      List<ExperimentReport.Check> daily = new ArrayList<>();
      for (Row r : checks) {
        if (!is(r, e) || !"srm".equals(r.getAs("check"))) {
          continue;
        }
        ExperimentReport.Check c = check(r);
        if (c.sliceType().equals("day")) {
          daily.add(c);
        } else if (c.sliceType().equals("overall") || c.flagged() || c.skippedReason() != null) {
          srm.add(c);
        }
      }
      srm.sort(
          Comparator.comparing((ExperimentReport.Check c) -> !c.sliceType().equals("overall"))
              .thenComparing(c -> c.pValueAdjusted() == null ? 2.0 : c.pValueAdjusted()));
      daily.sort(Comparator.comparing(ExperimentReport.Check::sliceValue));
      List<ExperimentReport.Covariate> cov = new ArrayList<>();
      for (Row r : covariates) {
        if (is(r, e)) {
          cov.add(
              new ExperimentReport.Covariate(
                  r.getAs("covariate"),
                  r.getAs("covariate_kind"),
                  r.getAs("arm"),
                  r.getAs("smd"),
                  r.getAs("p_value"),
                  Boolean.TRUE.equals(r.getAs("flagged")),
                  r.getAs("message")));
        }
      }
      out.add(
          new ExperimentReport(
              e,
              date,
              ds,
              overall,
              segments,
              series,
              srm,
              daily,
              categories.getOrDefault(id, Map.of()),
              quarantineOf(quarantine, e, false, ctx),
              quarantineOf(quarantine, e, true, ctx),
              unknownVersions(quarantine, e, ctx),
              cov,
              runInfo(runs, runId, e),
              directions(ctx, e)));
    }
    return out;
  }

  private static Map<String, Boolean> directions(RunContext ctx, ExperimentDefinition e) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (String m : e.metrics().all()) {
      ctx.conf().catalog().metric(m).ifPresent(d -> out.put(m, d.increaseIsGood()));
    }
    return out;
  }

  /**
   * The run that produced the experiment's results: its {@code runs} row, with the definition's
   * hash. A run without a row yet is this run itself (a nightly reports before its row is written
   * when it ends); a run without any row (a table written before runs were recorded, or by a run
   * that died) is named, its engines are not.
   */
  private static ExperimentReport.RunInfo runInfo(
      Map<String, ExperimentReport.RunInfo> runs, String runId, ExperimentDefinition e) {
    ExperimentReport.RunInfo r = runs.get(runId);
    if (r != null) {
      return r.withDefinition(e.sha256());
    }
    String id = runId == null ? "none" : runId;
    return new ExperimentReport.RunInfo(
        id,
        "not recorded",
        "not recorded",
        "not recorded",
        "not recorded",
        "not recorded",
        "not recorded",
        e.sha256());
  }

  private static boolean is(Row r, ExperimentDefinition e) {
    return is(r.getAs("experiment"), r.getAs("version"), e);
  }

  private static boolean is(String experiment, String version, ExperimentDefinition e) {
    return e.key().equals(experiment) && e.version().toString().equals(version);
  }

  private static Dataset<Row> table(SparkSession spark, RunContext ctx, OutputTable name) {
    return Inputs.upstreamExists(spark, ctx, name) ? Inputs.upstream(spark, ctx, name) : null;
  }

  private static List<Row> rows(
      SparkSession spark, RunContext ctx, OutputTable name, org.apache.spark.sql.Column filter) {
    Dataset<Row> t = table(spark, ctx, name);
    return t == null ? List.of() : t.filter(filter).collectAsList();
  }

  /**
   * The rows of {@code t} (null: none) on date {@code d}, ordered by every column that is not a
   * map, array or struct (keys first, as the table declares them): the report lists them in the
   * same order whatever partitioning wrote the table (a cluster's or local Spark's), so its JSON
   * reproduces.
   */
  private static List<Row> ordered(Dataset<Row> t, Date d) {
    if (t == null) {
      return List.of();
    }
    List<org.apache.spark.sql.Column> by = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField f : t.schema().fields()) {
      if (!(f.dataType() instanceof org.apache.spark.sql.types.MapType
          || f.dataType() instanceof org.apache.spark.sql.types.ArrayType
          || f.dataType() instanceof org.apache.spark.sql.types.StructType)) {
        by.add(col(f.name()));
      }
    }
    return t.filter(col("date").equalTo(lit(d)))
        .orderBy(by.toArray(org.apache.spark.sql.Column[]::new))
        .collectAsList();
  }

  /** Accepted exposures per category (units for {@code multiple_arms}) over dates ≤ the date. */
  private static Map<String, Map<String, Long>> categories(
      SparkSession spark, RunContext ctx, Date d) {
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    Dataset<Row> t = table(spark, ctx, OutputTables.RECONCILIATION_SUMMARY);
    if (t == null) {
      return out;
    }
    for (Row r :
        t.filter(col("date").leq(lit(d)))
            .groupBy("experiment", "version", "category")
            .agg(sum("exposures"), sum("units"))
            .collectAsList()) {
      long v = r.isNullAt(3) ? (r.isNullAt(4) ? 0 : r.getLong(4)) : r.getLong(3);
      out.computeIfAbsent(r.getString(0) + "@" + r.getString(1), k -> new LinkedHashMap<>())
          .put(r.getString(2), v);
    }
    return out;
  }

  /**
   * Quarantined rows that name an experiment, over dates ≤ the date: {@code experiment, version,
   * reason, count} (version null when the row has none).
   */
  private static List<Row> quarantine(SparkSession spark, RunContext ctx, Date d) {
    Dataset<Row> t = table(spark, ctx, OutputTables.QUARANTINE);
    if (t == null) {
      return List.of();
    }
    return t.filter(col("date").leq(lit(d)).and(col("experiment").isNotNull()))
        .groupBy("experiment", "version", "reason")
        .count()
        .orderBy("reason")
        .collectAsList();
  }

  /** Whether a quarantine row names {@code e}'s key with a version that is not defined. */
  private static boolean unknownVersionOf(Row r, ExperimentDefinition e, RunContext ctx) {
    String version = r.getString(1);
    return e.key().equals(r.getString(0))
        && (version == null || ctx.conf().experiment(e.key(), version).isEmpty());
  }

  /**
   * Quarantined rows per reason naming this version ({@code unknown = false}) or this key with a
   * version that no definition has ({@code unknown = true}).
   */
  private static Map<String, Long> quarantineOf(
      List<Row> rows, ExperimentDefinition e, boolean unknown, RunContext ctx) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Row r : rows) {
      boolean mine = unknown ? unknownVersionOf(r, e, ctx) : is(r.getString(0), r.getString(1), e);
      if (mine) {
        out.merge(r.getString(2), r.getLong(3), Long::sum);
      }
    }
    return out;
  }

  private static List<String> unknownVersions(
      List<Row> rows, ExperimentDefinition e, RunContext ctx) {
    return rows.stream()
        .filter(r -> unknownVersionOf(r, e, ctx))
        .map(r -> r.isNullAt(1) ? "(none)" : r.getString(1))
        .distinct()
        .sorted()
        .toList();
  }

  private static Map<String, ExperimentReport.RunInfo> runs(
      SparkSession spark, RunContext ctx, List<Row> results) {
    Map<String, ExperimentReport.RunInfo> out = new LinkedHashMap<>();
    out.put(
        ctx.runId(),
        new ExperimentReport.RunInfo(
            ctx.runId(),
            BuildInfo.version(),
            BuildInfo.commit(),
            System.getProperty("java.version"),
            spark.version(),
            RunLog.deltaVersion(),
            String.valueOf(ctx.log().started().truncatedTo(java.time.temporal.ChronoUnit.MICROS)),
            null));
    Dataset<Row> t = table(spark, ctx, OutputTables.RUNS);
    if (t == null || results.isEmpty()) {
      return out;
    }
    Object[] ids = results.stream().map(r -> r.getAs("run_id")).distinct().toArray();
    for (Row r : t.filter(col("run_id").isin(ids)).collectAsList()) {
      out.put(
          r.getAs("run_id"),
          new ExperimentReport.RunInfo(
              r.getAs("run_id"),
              r.getAs("app_version"),
              r.getAs("git_commit"),
              r.getAs("java_version"),
              r.getAs("spark_version"),
              r.getAs("delta_version"),
              String.valueOf(r.<java.sql.Timestamp>getAs("started_at").toInstant()),
              null));
    }
    return out;
  }

  private static ExperimentReport.MetricRow metricRow(Row r) {
    return new ExperimentReport.MetricRow(
        r.getAs("metric"),
        r.getAs("metric_kind"),
        r.getAs("role"),
        r.getAs("segment_key"),
        r.getAs("segment_value"),
        r.getAs("arm"),
        r.getAs("n_control"),
        r.getAs("n_treatment"),
        r.getAs("estimate_control"),
        r.getAs("estimate_treatment"),
        optional(r, "estimate_control_adjusted"),
        optional(r, "estimate_treatment_adjusted"),
        r.getAs("effect"),
        r.getAs("ci_lower"),
        r.getAs("ci_upper"),
        r.getAs("p_value"),
        r.getAs("p_value_adjusted"),
        r.getAs("relative_effect"),
        r.getAs("relative_ci_lower"),
        r.getAs("relative_ci_upper"),
        Boolean.TRUE.equals(r.getAs("cuped")),
        r.getAs("variance_reduction"),
        r.getAs("mde_relative"),
        r.getAs("achieved_power"),
        r.getAs("required_n_control"),
        r.getAs("required_n_treatment"),
        r.getAs("days_left"),
        r.getAs("chance_to_beat_control"),
        r.getAs("guardrail_status"),
        r.getAs("error"),
        Boolean.TRUE.equals(r.getAs("suppressed")));
  }

  /** A column that tables written by an earlier assay may lack: null there. */
  private static Double optional(Row r, String column) {
    return java.util.Arrays.asList(r.schema().fieldNames()).contains(column)
        ? r.getAs(column)
        : null;
  }

  private static ExperimentReport.Check check(Row r) {
    Map<String, Long> observed = new LinkedHashMap<>();
    if (!r.isNullAt(r.fieldIndex("observed"))) {
      observed.putAll(r.getJavaMap(r.fieldIndex("observed")));
    }
    return new ExperimentReport.Check(
        r.getAs("check"),
        r.getAs("slice_type"),
        r.getAs("slice_key"),
        r.getAs("slice_value"),
        r.getAs("arm"),
        r.isNullAt(r.fieldIndex("n")) ? 0 : r.<Long>getAs("n"),
        observed,
        r.getAs("p_value"),
        r.getAs("p_value_adjusted"),
        Boolean.TRUE.equals(r.getAs("flagged")),
        r.getAs("skipped_reason"),
        r.getAs("message"));
  }
}
