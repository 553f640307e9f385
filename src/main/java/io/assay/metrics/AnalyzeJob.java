package io.assay.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.assay.config.ExperimentDefinition;
import io.assay.config.MetricDefinition;
import io.assay.config.Quantile;
import io.assay.io.Category;
import io.assay.io.CovariateBalanceTable;
import io.assay.io.InputProblem;
import io.assay.io.Inputs;
import io.assay.io.OutputTables;
import io.assay.io.Outputs;
import io.assay.io.RunContext;
import io.assay.io.RunLog;
import io.assay.io.StagedRows;
import io.assay.stats.MetricMoments;
import io.assay.stats.QuantileSketch;
import io.assay.stats.decision.DecisionRule;
import io.assay.stats.decision.GuardrailResult;
import io.assay.stats.decision.PrimaryResult;
import io.assay.stats.decision.Verdict;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analysis stage as of a date: metric values for every enrolled unit, sufficient statistics,
 * effects, intervals, p-values, power and a decision per experiment version and treatment arm.
 *
 * <p>Reads: {@code enrollments} (units not excluded, enrolled before the end of the date), every
 * metric source once (see {@link UnitMetrics}; each is checked first by {@link MetricSources}, and
 * an experiment whose source cannot be used fails, naming it, while the others are analysed),
 * {@code reconciliation_summary} and, when present, {@code balance_checks} for the decision's
 * validity conditions. Writes (replacing the date): {@code metric_stats} (the sufficient
 * statistics), {@code metric_results} (one row per experiment × version × metric × treatment arm ×
 * segment) and {@code experiment_decisions}. The per-unit values ({@link UnitValues}, one narrow
 * row per enrolled unit) are cached once and read for the caps, the sums and the quantile buckets;
 * the driver receives only caps and sums, and those one experiment version at a time: the sums are
 * written by Spark, read back in experiment order ({@link ExperimentRows}), and the result rows go
 * out in batches ({@link io.assay.io.StagedRows}; decision 0017).
 */
public final class AnalyzeJob {
  private static final Logger LOG = LoggerFactory.getLogger(AnalyzeJob.class);

  /** What the job did, per experiment version, for the command's summary lines. */
  public record Summary(
      String experiment,
      String version,
      long enrolledUnits,
      int results,
      List<String> decisions,
      String error) {}

  /** Segment of the cumulative series: units enrolled through the date in segment_value. */
  public static final String ENROLLED_THROUGH = "enrolled_through";

  /** Result rows held on the driver before they are staged ({@link StagedRows}). */
  static final int RESULT_BATCH = 50_000;

  private AnalyzeJob() {}

  public static List<Summary> run(SparkSession spark, RunContext ctx, LocalDate date) {
    var conf = ctx.conf();
    Instant asOf = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    String enrollmentsPath = ctx.input(OutputTables.ENROLLMENTS).toString();
    if (!Inputs.upstreamExists(spark, ctx, OutputTables.ENROLLMENTS)) {
      throw new InputProblem(
          enrollmentsPath, "no enrollments table; run jobs/assay reconcile first");
    }
    Dataset<Row> enrolled =
        Inputs.upstream(spark, ctx, OutputTables.ENROLLMENTS)
            .filter(
                col("excluded")
                    .equalTo(false)
                    .and(col("enrolled_ts").lt(lit(Timestamp.from(asOf)))))
            .select("experiment", "version", "unit_key", "arm", "enrolled_ts", "strata");

    // Which experiment versions have enrolled units, and the enrollment time range (a few rows).
    Map<String, long[]> perExperiment = new LinkedHashMap<>();
    Instant first = null;
    Instant last = null;
    for (Row r :
        enrolled
            .groupBy("experiment", "version")
            .agg(count(lit(1)), min("enrolled_ts"), max("enrolled_ts"))
            .collectAsList()) {
      perExperiment.put(r.getString(0) + "@" + r.getString(1), new long[] {r.getLong(2)});
      Instant lo = r.getTimestamp(3).toInstant();
      Instant hi = r.getTimestamp(4).toInstant();
      first = first == null || lo.isBefore(first) ? lo : first;
      last = last == null || hi.isAfter(last) ? hi : last;
    }
    List<ExperimentDefinition> enrolledIn =
        conf.experiments().stream().filter(e -> perExperiment.containsKey(e.id())).toList();
    if (enrolledIn.isEmpty()) {
      LOG.warn("analyze {}: no enrolled units as of {}; nothing to analyse", date, asOf);
      return List.of();
    }
    // Every metric source is opened and checked before anything is computed. An experiment that
    // reads a source that cannot be used fails here, naming the source; the others go on.
    MetricSources.Opened sources =
        MetricSources.open(
            spark, ctx, conf.catalog(), UnitMetrics.partsBySource(conf.catalog(), enrolledIn));
    List<ExperimentDefinition> experiments = new ArrayList<>();
    List<Summary> failed = new ArrayList<>();
    for (ExperimentDefinition e : enrolledIn) {
      List<String> problems = sources.problemsOf(e, conf.catalog());
      if (problems.isEmpty()) {
        experiments.add(e);
        continue;
      }
      String error = String.join(" | ", problems);
      LOG.error("analyze {} {}: failed: {}", date, e.id(), error);
      ctx.log().step(new RunLog.Step("analyze", e.key(), e.version().toString(), "failed", error));
      failed.add(
          new Summary(
              e.key(), e.version().toString(), perExperiment.get(e.id())[0], 0, List.of(), error));
    }
    if (experiments.isEmpty()) {
      LOG.error("analyze {}: no experiment can be analysed; nothing written", date);
      return failed;
    }
    if (!failed.isEmpty()) {
      org.apache.spark.sql.Column analysed = lit(false);
      for (ExperimentDefinition e : experiments) {
        analysed =
            analysed.or(
                col("experiment")
                    .equalTo(e.key())
                    .and(col("version").equalTo(e.version().toString())));
      }
      enrolled = enrolled.filter(analysed);
    }
    LOG.info(
        "analyze {}: {} experiment version(s), enrolled {} .. {}",
        date,
        experiments.size(),
        first,
        last);

    UnitValues values =
        UnitMetrics.compute(ctx, experiments, enrolled, asOf, new Instant[] {first, last}, sources)
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<MetricStats.CapKey, MetricStats.Caps> caps =
          MetricStats.caps(values, conf.catalog(), experiments);
      // The sufficient statistics and the quantile state go from Spark to their tables, then come
      // back to the driver one experiment version at a time (ExperimentRows): the driver never
      // holds every experiment's rows, and its result rows go out in batches (StagedRows).
      MetricStats.withSufficientStats(
          spark,
          values,
          caps,
          stats -> {
            Outputs.replaceDates(
                ctx,
                OutputTables.METRIC_STATS,
                stats.withColumn("date", lit(Date.valueOf(date))),
                date,
                date,
                null);
            return null;
          });
      Map<String, Quantile> quantiles = quantileMetrics(conf.catalog(), experiments);
      boolean buckets = writeQuantileBuckets(spark, ctx, date, values, quantiles);
      values.unpersist();

      long pairs = experiments.stream().mapToLong(e -> e.metrics().all().size()).sum();
      ExperimentRows stats =
          new ExperimentRows(ofDate(spark, ctx, OutputTables.METRIC_STATS, date), pairs);
      ExperimentRows bucketRows =
          buckets
              ? new ExperimentRows(ofDate(spark, ctx, OutputTables.METRIC_QUANTILES, date), pairs)
              : ExperimentRows.none();
      Validity validity = Validity.read(spark, ctx, date);
      List<Row> decisionRows = new ArrayList<>();
      List<Row> covariateRows = new ArrayList<>();
      List<Summary> summaries = new ArrayList<>();
      try (StagedRows resultRows =
          new StagedRows(spark, ctx, OutputTables.METRIC_RESULTS, RESULT_BATCH)) {
        for (ExperimentDefinition e : experiments.stream().sorted(ExperimentRows.ORDER).toList()) {
          long units = perExperiment.get(e.id())[0];
          List<Row> statRows = stats.take(e);
          List<Row> bucketsOf = bucketRows.take(e);
          warnDropped(date, statRows);
          // One experiment's failure is recorded and does not stop the others.
          try {
            summaries.add(
                analyseExperiment(
                    ctx,
                    e,
                    date,
                    asOf,
                    units,
                    statRows,
                    bucketsOf,
                    quantiles,
                    caps,
                    validity,
                    resultRows,
                    decisionRows,
                    covariateRows));
            ctx.log()
                .step(
                    new RunLog.Step("analyze", e.key(), e.version().toString(), "succeeded", null));
          } catch (RuntimeException ex) {
            LOG.error("analyze {} {}: failed", date, e.id(), ex);
            ctx.log()
                .step(
                    new RunLog.Step(
                        "analyze", e.key(), e.version().toString(), "failed", ex.toString()));
            summaries.add(
                new Summary(e.key(), e.version().toString(), units, 0, List.of(), ex.toString()));
          }
        }
        LOG.info(
            "analyze {}: {} metric_stats and {} metric_quantiles row(s) read back one experiment"
                + " at a time (at most {} and {}, {} MiB, at once); {} metric_results row(s){}",
            date,
            stats.read(),
            bucketRows.read(),
            stats.largest(),
            bucketRows.largest(),
            String.format("%.1f", (stats.largestBytes() + bucketRows.largestBytes()) / 1048576.0),
            resultRows.count(),
            resultRows.staged() ? ", staged in batches of " + RESULT_BATCH : "");
        Outputs.replaceDates(ctx, OutputTables.METRIC_RESULTS, resultRows.rows(), date, date, null);
      }
      Outputs.replaceDates(
          ctx,
          OutputTables.COVARIATE_BALANCE,
          spark.createDataFrame(covariateRows, OutputTables.COVARIATE_BALANCE.columns()),
          date,
          date,
          CovariateBalanceTable.KIND + " = '" + CovariateBalanceTable.PRE_PERIOD_METRIC + "'");
      Outputs.replaceDates(
          ctx,
          OutputTables.EXPERIMENT_DECISIONS,
          spark.createDataFrame(decisionRows, OutputTables.EXPERIMENT_DECISIONS.columns()),
          date,
          date,
          null);
      // The failed first, then the analysed in the configuration's order (they were taken in
      // Spark's).
      List<String> order = conf.experiments().stream().map(ExperimentDefinition::id).toList();
      summaries.sort(
          java.util.Comparator.comparingInt(
              x -> order.indexOf(x.experiment() + "@" + x.version())));
      summaries.addAll(0, failed);
      return summaries;
    } finally {
      values.unpersist();
    }
  }

  /**
   * One warning line per experiment, arm and metric whose source rows were dropped (no usable time,
   * or a value that is null, not a number, NaN or ±∞; see docs/bad-data.md).
   */
  private static void warnDropped(LocalDate date, List<Row> statRows) {
    for (Row r : statRows) {
      Object dropped = r.getAs("dropped_values");
      if ("all".equals(r.getAs("segment_key")) && dropped instanceof Long n && n > 0) {
        LOG.warn(
            "analyze {}: {}@{} arm {} metric {}: {} source row(s) dropped (no usable time, or a"
                + " value that is null, not a number, NaN or infinite); see"
                + " metric_stats.dropped_values",
            date,
            r.getAs("experiment"),
            r.getAs("version"),
            r.getAs("arm"),
            r.getAs(UnitMetrics.METRIC),
            n);
      }
    }
  }

  /** Analyses one experiment version and appends its rows; returns its summary. */
  private static Summary analyseExperiment(
      RunContext ctx,
      ExperimentDefinition e,
      LocalDate date,
      Instant asOf,
      long units,
      List<Row> statRows,
      List<Row> bucketRows,
      Map<String, Quantile> quantiles,
      Map<MetricStats.CapKey, MetricStats.Caps> caps,
      Validity validity,
      StagedRows resultRows,
      List<Row> decisionRows,
      List<Row> covariateRows) {
    List<MetricResults.Cell> cells = cells(e, statRows, bucketRows, quantiles);
    Double perDay = enrollmentPerDay(e, units, asOf);
    Map<String, MetricDefinition> metrics = new LinkedHashMap<>();
    Map<String, Double> capValues = new LinkedHashMap<>();
    for (String m : e.metrics().all()) {
      metrics.put(m, ctx.conf().catalog().metric(m).orElseThrow());
      var cap = caps.get(new MetricStats.CapKey(e.key(), e.version().toString(), m));
      if (cap != null) {
        capValues.put(m, cap.y());
      }
    }
    covariateRows.addAll(
        PrePeriodBalance.rows(date, e, metrics, cells, ctx.conf().assay().alerts().smd()));
    List<MetricResults.Analysed> analysed = MetricResults.analyse(e, metrics, cells, perDay);
    List<Double> adjusted = MetricResults.adjust(e, analysed);
    resultRows.addAll(
        MetricResults.rows(
            date, e, analysed, adjusted, capValues, ctx.conf().assay().privacy().minCellSize()));
    List<String> verdicts = new ArrayList<>();
    for (String arm : e.armKeys()) {
      if (arm.equals(e.control())) {
        continue;
      }
      Verdict v = decide(e, arm, analysed, adjusted, validity, date);
      verdicts.add(arm + ": " + v.decision());
      decisionRows.add(
          RowFactory.create(
              Date.valueOf(date),
              e.key(),
              e.version().toString(),
              arm,
              v.decision().name().toLowerCase(java.util.Locale.ROOT),
              v.reasons(),
              validity.srmFailed(e),
              validity.srmChecked(e),
              validity.reconciliationFailed(e),
              plannedSampleReached(e, arm, analysed, date),
              units));
    }
    return new Summary(e.key(), e.version().toString(), units, analysed.size(), verdicts, null);
  }

  /** The sufficient statistics of one experiment version, grouped into cells. */
  static List<MetricResults.Cell> cells(ExperimentDefinition e, List<Row> statRows) {
    return cells(e, statRows, List.of(), Map.of());
  }

  /**
   * As above, with the quantile metrics' bucket rows ({@link MetricStats#quantileBuckets}): each
   * arm of a quantile metric gets its sketch. Quantile metrics have no enrolled-day series.
   */
  static List<MetricResults.Cell> cells(
      ExperimentDefinition e,
      List<Row> statRows,
      List<Row> bucketRows,
      Map<String, Quantile> quantiles) {
    Map<List<String>, java.util.SortedMap<Long, QuantileSketch.Bucket>> buckets =
        new LinkedHashMap<>();
    for (Row r : bucketRows) {
      if (!r.<String>getAs("experiment").equals(e.key())
          || !r.<String>getAs("version").equals(e.version().toString())) {
        continue;
      }
      buckets
          .computeIfAbsent(
              List.of(
                  r.<String>getAs(UnitMetrics.METRIC),
                  r.<String>getAs("segment_key"),
                  r.<String>getAs("segment_value"),
                  r.<String>getAs("arm")),
              k -> new java.util.TreeMap<>())
          .put(
              r.<Long>getAs("bucket"),
              new QuantileSketch.Bucket(
                  r.<Double>getAs("count"), r.<Double>getAs("squares"), r.<Double>getAs("cross")));
    }
    Map<List<String>, List<MetricResults.ArmStats>> byCell = new LinkedHashMap<>();
    for (Row r : statRows) {
      if (!r.<String>getAs("experiment").equals(e.key())
          || !r.<String>getAs("version").equals(e.version().toString())) {
        continue;
      }
      String metric = r.getAs(UnitMetrics.METRIC);
      String segmentKey = r.getAs("segment_key");
      String segmentValue = r.getAs("segment_value");
      String arm = r.getAs("arm");
      MetricMoments moments = MomentColumns.read(r);
      Quantile q = quantiles.get(metric);
      QuantileSketch sketch = null;
      if (q != null) {
        if (segmentKey.equals(MetricStats.ENROLLED_DATE)) {
          continue;
        }
        sketch = sketch(q, moments, buckets.get(List.of(metric, segmentKey, segmentValue, arm)));
      }
      byCell
          .computeIfAbsent(List.of(metric, segmentKey, segmentValue), k -> new ArrayList<>())
          .add(new MetricResults.ArmStats(arm, moments, sketch));
    }
    // Cells by metric, so that each metric's cells are found without scanning all of them.
    Map<String, List<Map.Entry<List<String>, List<MetricResults.ArmStats>>>> ofMetric =
        new java.util.HashMap<>();
    for (var x : byCell.entrySet()) {
      ofMetric.computeIfAbsent(x.getKey().get(0), k -> new ArrayList<>()).add(x);
    }
    List<MetricResults.Cell> out = new ArrayList<>();
    // Whole-experiment cells first, in the definition's metric order; then strata segments; then
    // the cumulative series: for each enrollment day, the units enrolled through that day (sums of
    // the per-day cells, which is why sufficient statistics are kept additive).
    for (String m : e.metrics().all()) {
      ofMetric.getOrDefault(m, List.of()).stream()
          .filter(x -> x.getKey().get(1).equals("all"))
          .forEach(x -> out.add(new MetricResults.Cell(m, "all", "all", x.getValue())));
    }
    for (String m : e.metrics().all()) {
      ofMetric.getOrDefault(m, List.of()).stream()
          .filter(
              x ->
                  !x.getKey().get(1).equals("all")
                      && !x.getKey().get(1).equals(MetricStats.ENROLLED_DATE))
          .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(Object::toString)))
          .forEach(
              x ->
                  out.add(
                      new MetricResults.Cell(
                          m, x.getKey().get(1), x.getKey().get(2), x.getValue())));
    }
    for (String m : e.metrics().all()) {
      if (quantiles.containsKey(m)) {
        continue; // no enrolled-day series for quantiles
      }
      Map<String, MetricMoments> running = new LinkedHashMap<>();
      List<Map.Entry<List<String>, List<MetricResults.ArmStats>>> days =
          ofMetric.getOrDefault(m, List.of()).stream()
              .filter(x -> x.getKey().get(1).equals(MetricStats.ENROLLED_DATE))
              .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(k -> k.get(2))))
              .toList();
      for (var day : days) {
        for (MetricResults.ArmStats a : day.getValue()) {
          running.merge(a.arm(), a.moments(), MetricMoments::plus);
        }
        List<MetricResults.ArmStats> cumulative = new ArrayList<>();
        running.forEach((arm, sums) -> cumulative.add(new MetricResults.ArmStats(arm, sums)));
        out.add(new MetricResults.Cell(m, ENROLLED_THROUGH, day.getKey().get(2), cumulative));
      }
    }
    return out;
  }

  /**
   * An arm's quantile sketch: its units from the moments, its buckets (none when it has no value),
   * and ΣN² — 1 per unit at level unit, the moments' Σd² (d: the unit's number of values) at level
   * event.
   */
  static QuantileSketch sketch(
      Quantile q, MetricMoments moments, java.util.SortedMap<Long, QuantileSketch.Bucket> buckets) {
    java.util.SortedMap<Long, QuantileSketch.Bucket> b =
        buckets == null ? new java.util.TreeMap<>() : buckets;
    double values = b.values().stream().mapToDouble(QuantileSketch.Bucket::count).sum();
    double squares = q.of() == Quantile.Of.EVENT ? moments.sumD2() : values;
    return new QuantileSketch(q.accuracy(), moments.n(), values, squares, b);
  }

  /** The quantile metrics of the experiments, by name. */
  static Map<String, Quantile> quantileMetrics(
      io.assay.config.MetricCatalog catalog, List<ExperimentDefinition> experiments) {
    Map<String, Quantile> out = new LinkedHashMap<>();
    for (ExperimentDefinition e : experiments) {
      for (String m : e.metrics().all()) {
        catalog.metric(m).flatMap(MetricDefinition::quantile).ifPresent(q -> out.put(m, q));
      }
    }
    return out;
  }

  /**
   * Writes the quantile metrics' state to {@code metric_quantiles} for the date, from Spark (a few
   * rows per value bucket, never a unit's values); whether there is any. Without quantile metrics
   * nothing is computed, and the table is written (emptied for the date) only if an earlier run
   * created it.
   */
  private static boolean writeQuantileBuckets(
      SparkSession spark,
      RunContext ctx,
      LocalDate date,
      UnitValues values,
      Map<String, Quantile> quantiles) {
    if (quantiles.isEmpty()) {
      if (io.assay.io.Storage.of(spark).exists(ctx.table(OutputTables.METRIC_QUANTILES))) {
        Outputs.replaceDates(
            ctx,
            OutputTables.METRIC_QUANTILES,
            spark.createDataFrame(List.of(), OutputTables.METRIC_QUANTILES.columns()),
            date,
            date,
            null);
      }
      return false;
    }
    // Each bucket's value, by the accuracy of its metric.
    Map<Double, List<String>> byAccuracy = new LinkedHashMap<>();
    quantiles.forEach(
        (m, q) -> byAccuracy.computeIfAbsent(q.accuracy(), k -> new ArrayList<>()).add(m));
    org.apache.spark.sql.Column bucketValue = null;
    for (var e : byAccuracy.entrySet()) {
      org.apache.spark.sql.Column mine = col(UnitMetrics.METRIC).isin(e.getValue().toArray());
      org.apache.spark.sql.Column v = QuantileKeys.value(col("bucket"), e.getKey());
      bucketValue = bucketValue == null ? when(mine, v) : bucketValue.when(mine, v);
    }
    Dataset<Row> buckets =
        MetricStats.quantileBuckets(values)
            .withColumn("bucket_value", bucketValue)
            .withColumn("date", lit(Date.valueOf(date)));
    Outputs.replaceDates(
        ctx,
        OutputTables.METRIC_QUANTILES,
        buckets.select(
            java.util.Arrays.stream(OutputTables.METRIC_QUANTILES.columns().fieldNames())
                .map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new)),
        date,
        date,
        null);
    return true;
  }

  /** The rows of an output table this run wrote, of one date. */
  private static Dataset<Row> ofDate(
      SparkSession spark, RunContext ctx, io.assay.io.OutputTable table, LocalDate date) {
    return io.assay.io.Tables.read(spark, ctx.table(table).uri(), "delta")
        .filter(col("date").equalTo(lit(Date.valueOf(date))));
  }

  static Double enrollmentPerDay(ExperimentDefinition e, long units, Instant asOf) {
    Instant end = asOf.isBefore(e.end()) ? asOf : e.end();
    double days = Duration.between(e.start(), end).toSeconds() / 86400.0;
    return days > 0 ? units / days : null;
  }

  /**
   * Planned sample reached (docs/schema.md, {@code experiment_decisions.planned_sample_reached}):
   * every primary metric with a target MDE has, in the control arm and in this treatment arm, the
   * units its power diagnostics require ({@code required_n_control}, {@code required_n_treatment});
   * a requirement that cannot be computed (no such row, zero variance, an unreachable power) is not
   * reached. Only when no primary metric has a target does the experiment's end stand in for the
   * plan: then it is reached once the end has passed.
   */
  static boolean plannedSampleReached(
      ExperimentDefinition e, String arm, List<MetricResults.Analysed> analysed, LocalDate date) {
    boolean anyTarget = false;
    for (String metric : e.metrics().primary()) {
      if (e.analysis().mde().get(metric) == null) {
        continue;
      }
      anyTarget = true;
      MetricResults.Analysed x =
          analysed.stream()
              .filter(
                  a ->
                      a.metric().name().equals(metric)
                          && a.cell().segmentKey().equals("all")
                          && a.arm().arm().name().equals(arm))
              .findFirst()
              .orElse(null);
      if (x == null) {
        return false;
      }
      var p = x.arm().power();
      if (p.requiredNControl() == null
          || p.requiredNTreatment() == null
          || x.result().control().y().n() < p.requiredNControl()
          || x.arm().arm().y().n() < p.requiredNTreatment()) {
        return false;
      }
    }
    return anyTarget || ended(e, date);
  }

  /** Whether the experiment's end has passed by the end of the date (the as-of instant). */
  static boolean ended(ExperimentDefinition e, LocalDate date) {
    return !date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(e.end());
  }

  static Verdict decide(
      ExperimentDefinition e,
      String arm,
      List<MetricResults.Analysed> analysed,
      List<Double> adjusted,
      Validity validity,
      LocalDate date) {
    List<PrimaryResult> primaries = new ArrayList<>();
    List<GuardrailResult> guardrails = new ArrayList<>();
    for (int i = 0; i < analysed.size(); i++) {
      MetricResults.Analysed x = analysed.get(i);
      if (!x.cell().segmentKey().equals("all") || !x.arm().arm().name().equals(arm)) {
        continue;
      }
      var c = x.arm().comparison();
      if (x.role().equals("primary")) {
        primaries.add(
            new PrimaryResult(
                x.metric().name(),
                adjusted.get(i),
                c.relative().effect() != null ? c.relative().effect() : c.absolute().effect(),
                x.metric().increaseIsGood(),
                x.error()));
      } else if (x.role().equals("guardrail") && x.metric().nonInferiorityMargin().isPresent()) {
        guardrails.add(MetricResults.guardrail(x));
      }
    }
    return DecisionRule.decide(
        new DecisionRule.Input(
            primaries,
            guardrails,
            validity.srmFailed(e),
            validity.reconciliationFailed(e),
            plannedSampleReached(e, arm, analysed, date),
            ended(e, date),
            e.analysis().sequential(),
            e.analysis().alpha()));
  }

  /**
   * The validity conditions of a decision, read from the earlier stages' outputs: a flagged
   * whole-experiment SRM check as of the date, and a cumulative reconciliation mismatch rate above
   * the alert threshold.
   */
  record Validity(Map<String, Boolean> srm, Map<String, Boolean> reconciliation) {
    boolean srmFailed(ExperimentDefinition e) {
      return Boolean.TRUE.equals(srm.get(e.id()));
    }

    boolean srmChecked(ExperimentDefinition e) {
      return srm.containsKey(e.id());
    }

    boolean reconciliationFailed(ExperimentDefinition e) {
      return Boolean.TRUE.equals(reconciliation.get(e.id()));
    }

    static Validity read(SparkSession spark, RunContext ctx, LocalDate date) {
      Map<String, Boolean> srm = new LinkedHashMap<>();
      if (Inputs.upstreamExists(spark, ctx, OutputTables.BALANCE_CHECKS)) {
        for (Row r :
            Inputs.upstream(spark, ctx, OutputTables.BALANCE_CHECKS)
                .filter(
                    col("date")
                        .equalTo(lit(Date.valueOf(date)))
                        .and(col("check").equalTo("srm"))
                        .and(col("slice_type").equalTo("overall")))
                .groupBy("experiment", "version")
                .agg(max(col("flagged").cast("int")))
                .collectAsList()) {
          srm.put(r.getString(0) + "@" + r.getString(1), !r.isNullAt(2) && r.getInt(2) == 1);
        }
      }
      Map<String, Boolean> rec = new LinkedHashMap<>();
      double threshold = ctx.conf().assay().alerts().mismatchRate();
      if (Inputs.upstreamExists(spark, ctx, OutputTables.RECONCILIATION_SUMMARY)) {
        for (Row r :
            Inputs.upstream(spark, ctx, OutputTables.RECONCILIATION_SUMMARY)
                .filter(col("date").leq(lit(Date.valueOf(date))).and(col("exposures").isNotNull()))
                .groupBy("experiment", "version")
                .agg(
                    sum("exposures"),
                    sum(
                        when(col("category").equalTo(Category.MATCH.code()), col("exposures"))
                            .otherwise(0)))
                .collectAsList()) {
          long accepted = r.getLong(2);
          double rate = accepted == 0 ? 0 : 1.0 - (double) r.getLong(3) / accepted;
          rec.put(r.getString(0) + "@" + r.getString(1), rate > threshold);
        }
      }
      return new Validity(srm, rec);
    }
  }
}
