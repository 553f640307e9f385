package io.assay.bench;

import static org.apache.spark.sql.functions.bit_xor;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.assay.balance.BalanceJob;
import io.assay.config.ExperimentDefinition;
import io.assay.config.ExposureSource;
import io.assay.config.MetricRefs;
import io.assay.config.MetricSource;
import io.assay.io.ExposureLogs;
import io.assay.io.Inputs;
import io.assay.io.OutputTables;
import io.assay.io.RunContext;
import io.assay.metrics.AnalyzeJob;
import io.assay.metrics.MetricStats;
import io.assay.metrics.UnitMetrics;
import io.assay.reconcile.Classified;
import io.assay.reconcile.Ingest;
import io.assay.reconcile.Recompute;
import io.assay.reconcile.ReconcileJob;
import io.assay.report.ReportJob;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times every stage on one world, and the two reference queries the goals are stated against (see
 * BENCHMARKS.md): a bare scan of the logs (parse every field, aggregate) versus recomputation
 * (ingest and recompute every exposure, aggregate the categories), and the metrics stage's
 * sufficient statistics versus a minimal hand-written Spark query computing the same numbers.
 * Results are wall-clock seconds of the Spark actions; only aggregates reach the driver.
 */
public final class PipelineBench {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineBench.class);

  /** One measurement. */
  public record Timing(String stage, double seconds, String note) {}

  /** All measurements, the exposures read and the JVM's peak heap. */
  public record Report(List<Timing> timings, long logRows, long peakHeapBytes) {
    public boolean has(String stage) {
      return timings.stream().anyMatch(t -> t.stage().equals(stage));
    }

    public double seconds(String stage) {
      return timings.stream()
          .filter(t -> t.stage().equals(stage))
          .findFirst()
          .orElseThrow()
          .seconds();
    }
  }

  private PipelineBench() {}

  /**
   * Runs the benchmark.
   *
   * @param warmup how many untimed rounds of the ratio timings run first
   * @param repeat how many times the ratio timings (scan, recomputation, the metrics pair) are
   *     taken; each is reported as its median
   * @param quick only those and the metrics comparison, not the stages with their writes
   */
  public static Report run(
      SparkSession spark,
      RunContext ctx,
      ExposureSource logs,
      LocalDate from,
      LocalDate to,
      int warmup,
      int repeat,
      boolean quick) {
    List<Timing> out = new ArrayList<>();
    List<LocalDate> dates = from.datesUntil(to.plusDays(1)).toList();

    // Warm the JVM and the file listing cache once, untimed.
    ExposureLogs.read(spark, ctx, logs, dates).limit(1).count();

    // The goal's ratio: a bare scan; the assignment recomputation alone over every parsed row; and
    // ingest (checks and exact duplicate detection) + recompute, as reconcile runs them.
    // Interleaved `repeat` times so that a noisy moment hits them alike; each reported as its
    // median.
    long[] rows = new long[1];
    Map<String, Supplier<String>> trio = new LinkedHashMap<>();
    trio.put(
        "scan",
        () -> {
          Row r =
              ExposureLogs.read(spark, ctx, logs, dates)
                  .agg(
                      count(lit(1)),
                      // bit_xor: a sum of 64-bit hashes overflows under ANSI mode
                      bit_xor(
                          xxhash64(
                              col(ExposureLogs.EVENT_ID),
                              col(ExposureLogs.TS),
                              col(ExposureLogs.UNIT_ID),
                              col(ExposureLogs.EXPERIMENT),
                              col(ExposureLogs.VERSION),
                              col(ExposureLogs.ARM),
                              col(ExposureLogs.SOURCE))),
                      sum(size(col(ExposureLogs.ATTRIBUTES))))
                  .first();
          rows[0] = r.getLong(0);
          return "bare scan: every field parsed, " + r.getLong(0) + " rows";
        });
    trio.put(
        "recompute_no_dedup",
        () -> {
          Dataset<Row> parsed =
              ExposureLogs.read(spark, ctx, logs, dates)
                  .withColumn(Ingest.EVENT_TS, Ingest.eventTs());
          return "every parsed row recomputed, no ingest checks; "
              + categories(parsed, ctx)
              + " categories";
        });
    trio.put(
        "recompute",
        () -> {
          // What reconcile does: rows checked and recomputed once (cached), exact duplicate
          // detection from the cache, then the accepted rows counted by category.
          try (Classified classified = Classified.of(spark, ctx, logs, dates, List.of())) {
            List<Row> categories =
                classified.accepted().groupBy(col(Recompute.CATEGORY)).count().collectAsList();
            return "ingest (with exact duplicate detection) + recompute, "
                + categories.size()
                + " categories, "
                + classified.repeatedHashes()
                + " repeated id hashes";
          }
        });
    out.addAll(medians(trio, warmup, repeat));
    if (quick && !Inputs.upstreamExists(spark, ctx, OutputTables.ENROLLMENTS)) {
      LOG.warn(
          "bench: no enrollments under {} (run once without --quick); metrics not compared",
          ctx.outputRoot());
      return new Report(out, rows[0], peakHeap());
    }
    if (!quick) {
      time(
          out,
          "reconcile",
          () -> {
            ReconcileJob.run(spark, ctx, logs, from, to);
            return "the whole stage with its Delta writes";
          });
      time(
          out,
          "balance",
          () -> BalanceJob.run(spark, ctx, to).experiments().size() + " experiment(s)");
      time(out, "analyze", () -> AnalyzeJob.run(spark, ctx, to).size() + " experiment version(s)");
      time(out, "report", () -> ReportJob.run(spark, ctx, to).experiments().size() + " report(s)");
    }
    // The metrics goal's ratio, interleaved and repeated like the scan's.
    MetricsComparison m = new MetricsComparison(spark, ctx, to);
    Map<String, Supplier<String>> pair = new LinkedHashMap<>();
    pair.put("metrics_framework", m::framework);
    pair.put("metrics_hand_query", m::hand);
    out.addAll(medians(pair, warmup, repeat));
    out.add(new Timing("metrics_equal", 0, m.equal() ? "equal" : "DIFFERENT"));
    return new Report(out, rows[0], peakHeap());
  }

  /**
   * Times the analyze stage alone for {@code date}, over the enrollments an earlier reconcile left
   * under the output root: {@code warmup} untimed runs, then the median of {@code repeat}. The note
   * says how many {@code metric_stats} rows (the sufficient statistics the driver reads back, one
   * experiment at a time) the run wrote for the date. For comparing configurations of many
   * experiments and metrics on the same rows ({@code jobs/bench-scale.sh}). With {@code warehouse},
   * the same numbers are then computed the warehouse way ({@link WarehouseStyle}: one SQL query per
   * experiment × metric), timed, and compared with the {@code metric_stats} rows analyze wrote.
   */
  public static Report analyzeOnly(
      SparkSession spark,
      RunContext ctx,
      LocalDate date,
      int warmup,
      int repeat,
      boolean warehouse) {
    if (!Inputs.upstreamExists(spark, ctx, OutputTables.ENROLLMENTS)) {
      throw new io.assay.io.InputProblem(
          ctx.input(OutputTables.ENROLLMENTS).toString(),
          "no enrollments table; run jobs/assay reconcile first");
    }
    Map<String, Supplier<String>> one = new LinkedHashMap<>();
    one.put("analyze", () -> AnalyzeJob.run(spark, ctx, date).size() + " experiment version(s)");
    List<Timing> out = new ArrayList<>(medians(one, warmup, repeat));
    long statRows =
        Inputs.upstream(spark, ctx, OutputTables.METRIC_STATS)
            .filter(col("date").equalTo(lit(java.sql.Date.valueOf(date))))
            .count();
    out.add(
        new Timing(
            "metric_stats_rows",
            0,
            statRows + " rows, read back to the driver one experiment at a time"));
    if (warehouse) {
      spark().sparkContext().setJobGroup("bench warehouse", "assay bench: warehouse style", false);
      WarehouseStyle.Result w = WarehouseStyle.run(spark, ctx, ctx.conf().experiments(), date);
      LOG.info(
          "bench warehouse: {} s ({} queries)", String.format("%.1f", w.seconds()), w.queries());
      out.add(
          new Timing(
              "warehouse",
              w.seconds(),
              w.queries()
                  + " SQL queries, one per experiment × metric ("
                  + w.skipped()
                  + " quantile metric(s) skipped), run one after the other"));
      w.differences().stream().limit(20).forEach(d -> LOG.error("bench warehouse: {}", d));
      out.add(new Timing("warehouse_equal", 0, w.differences().isEmpty() ? "equal" : "DIFFERENT"));
      out.add(
          new Timing(
              "warehouse_compared",
              0,
              w.compared()
                  + " per-arm rows (n and 14 sums each) compared with metric_stats"
                  + (w.differences().isEmpty()
                      ? ""
                      : "; "
                          + w.differences().size()
                          + " difference(s), first: "
                          + w.differences().get(0))));
    }
    return new Report(out, 0, peakHeap());
  }

  /** Recomputes the rows and counts them by category (one action); the number of categories. */
  private static int categories(Dataset<Row> rows, RunContext ctx) {
    return Recompute.classify(rows, ctx.conf().experiments(), ctx.conf().assay())
        .groupBy(col(Recompute.CATEGORY))
        .count()
        .collectAsList()
        .size();
  }

  /**
   * Runs the timings {@code warmup} times untimed, then {@code repeat} times, interleaved; each
   * one's median, with every timed run noted.
   */
  private static List<Timing> medians(Map<String, Supplier<String>> work, int warmup, int repeat) {
    for (int i = 0; i < warmup; i++) {
      for (var e : work.entrySet()) {
        measure(e.getKey() + " (warm-up " + (i + 1) + ")", e.getValue());
      }
    }
    Map<String, List<Double>> runs = new LinkedHashMap<>();
    Map<String, String> notes = new LinkedHashMap<>();
    for (int i = 0; i < repeat; i++) {
      for (var e : work.entrySet()) {
        Timing t = measure(e.getKey(), e.getValue());
        runs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(t.seconds());
        notes.put(e.getKey(), t.note());
      }
    }
    List<Timing> out = new ArrayList<>();
    for (var e : runs.entrySet()) {
      List<Double> sorted = e.getValue().stream().sorted().toList();
      int n = sorted.size();
      double median =
          n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
      String note = notes.get(e.getKey());
      if (repeat > 1) {
        note +=
            "; median of "
                + repeat
                + ": "
                + String.join(
                    ", ", e.getValue().stream().map(x -> String.format("%.1f", x)).toList());
      }
      if (warmup > 0) {
        note += "; after " + warmup + " untimed round(s)";
      }
      out.add(new Timing(e.getKey(), median, note));
    }
    return out;
  }

  private static void time(List<Timing> out, String stage, Supplier<String> work) {
    out.add(measure(stage, work));
  }

  private static Timing measure(String stage, Supplier<String> work) {
    spark().sparkContext().setJobGroup("bench " + stage, "assay bench: " + stage, false);
    long t = System.nanoTime();
    String note = work.get();
    double s = (System.nanoTime() - t) / 1e9;
    LOG.info("bench {}: {} s ({})", stage, String.format("%.1f", s), note);
    return new Timing(stage, s, note);
  }

  private static SparkSession spark() {
    return SparkSession.active();
  }

  /** The sum of the heap pools' peak usage since the JVM started. */
  static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  /**
   * The orders metrics of {@code checkout_button} (conversion: a paid order in [0d, 7d); revenue:
   * paid revenue in [0d, 7d) with its pre-period [-14d, 0d)) by arm and segment, computed by the
   * metrics stage's code and by a minimal hand-written query; both must agree.
   */
  static final class MetricsComparison {
    private final SparkSession spark;
    private final RunContext ctx;
    private final ExperimentDefinition def;
    private final Dataset<Row> enrolled;
    private final Instant asOf;
    private List<Row> framework;
    private List<Row> hand;

    MetricsComparison(SparkSession spark, RunContext ctx, LocalDate date) {
      this.spark = spark;
      this.ctx = ctx;
      ExperimentDefinition d = ctx.conf().resolve("checkout_button");
      this.def =
          new ExperimentDefinition(
              d.key(),
              d.version(),
              d.owner(),
              d.hypothesis(),
              d.unit(),
              d.salt(),
              d.hash(),
              d.namespace(),
              d.holdout(),
              d.traffic(),
              d.arms(),
              d.control(),
              d.start(),
              d.end(),
              d.eligibility(),
              d.strata(),
              new MetricRefs(List.of("conversion"), List.of("revenue"), List.of()),
              d.analysis(),
              d.sourceFile(),
              d.sha256(),
              d.armsLoggedAs());
      this.asOf = date.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
      this.enrolled =
          Inputs.upstream(spark, ctx, OutputTables.ENROLLMENTS)
              .filter(
                  col("excluded")
                      .equalTo(false)
                      .and(col("experiment").equalTo(d.key()))
                      .and(col("version").equalTo(d.version().toString()))
                      .and(col("enrolled_ts").lt(lit(Timestamp.from(asOf)))))
              .select("experiment", "version", "unit_key", "arm", "enrolled_ts", "strata")
              .cache();
      enrolled.count();
    }

    String framework() {
      Row range =
          enrolled
              .agg(org.apache.spark.sql.functions.min("enrolled_ts"), max("enrolled_ts"))
              .first();
      Instant[] r = {range.getTimestamp(0).toInstant(), range.getTimestamp(1).toInstant()};
      var values = UnitMetrics.compute(spark, ctx, List.of(def), enrolled, asOf, r);
      framework =
          MetricStats.withSufficientStats(
              spark,
              values,
              Map.of(),
              stats ->
                  stats
                      .select(
                          "arm",
                          "metric",
                          "segment_key",
                          "segment_value",
                          "n",
                          "sum_y",
                          "sum_y2",
                          "sum_p")
                      .collectAsList());
      return framework.size() + " rows of sufficient statistics";
    }

    String hand() {
      MetricSource orders = ctx.conf().catalog().sources().get("orders");
      Dataset<Row> events =
          io.assay.io.Inputs.source(spark, ctx, orders.name(), orders.source())
              .select(
                  io.assay.io.Pseudonyms.unitKey(col(orders.unitColumn()), ctx.pseudonymKey())
                      .as("unit_key"),
                  col(orders.timeColumn()).as("ts"),
                  col("revenue"),
                  col("status"))
              .filter(col("ts").lt(lit(Timestamp.from(asOf))).and(col("status").equalTo("paid")));
      Column lag = unix_micros(col("ts")).minus(unix_micros(col("enrolled_ts")));
      long day = 86_400_000_000L;
      Column post = lag.geq(0).and(lag.lt(7 * day));
      Column pre = lag.geq(-14 * day).and(lag.lt(0));
      Dataset<Row> perUnit =
          enrolled
              .join(events, "unit_key")
              .groupBy("unit_key")
              .agg(
                  max(when(post, 1.0).otherwise(0.0)).as("conv"),
                  sum(when(post, col("revenue")).otherwise(0.0)).as("rev"),
                  sum(when(pre, col("revenue")).otherwise(0.0)).as("rev_pre"));
      Dataset<Row> units =
          enrolled
              .join(perUnit, new String[] {"unit_key"}, "left")
              .select(
                  col("arm"),
                  col("enrolled_ts"),
                  col("strata"),
                  coalesce(col("conv"), lit(0.0)).as("conv"),
                  coalesce(col("rev"), lit(0.0)).as("rev"),
                  coalesce(col("rev_pre"), lit(0.0)).as("rev_pre"));
      Dataset<Row> stacked =
          units
              .select(
                  col("arm"),
                  col("enrolled_ts"),
                  col("strata"),
                  org.apache
                      .spark
                      .sql
                      .functions
                      .explode(
                          org.apache.spark.sql.functions.array(
                              org.apache.spark.sql.functions.struct(
                                  lit("conversion").as("metric"),
                                  col("conv").as("y"),
                                  lit(null).cast("double").as("p")),
                              org.apache.spark.sql.functions.struct(
                                  lit("revenue").as("metric"),
                                  col("rev").as("y"),
                                  col("rev_pre").as("p"))))
                      .as("m"))
              .select(
                  col("arm"),
                  col("enrolled_ts"),
                  col("strata"),
                  col("m.metric").as("metric"),
                  col("m.y").as("y"),
                  col("m.p").as("p"));
      Dataset<Row> segmented =
          stacked.selectExpr(
              "arm",
              "metric",
              "y",
              "p",
              "explode(concat(array(named_struct('k', 'all', 'v', 'all'),"
                  + " named_struct('k', 'enrolled_date', 'v', cast(to_date(enrolled_ts) as"
                  + " string))), coalesce(transform(map_entries(strata), e -> named_struct('k',"
                  + " e.key, 'v', e.value)), array()))) AS s");
      hand =
          segmented
              .groupBy(col("arm"), col("metric"), col("s.k"), col("s.v"))
              .agg(
                  count(lit(1)).as("n"),
                  sum(col("y")).as("sum_y"),
                  sum(col("y").multiply(col("y"))).as("sum_y2"),
                  sum(col("p")).as("sum_p"))
              .collectAsList();
      return hand.size() + " rows of sufficient statistics";
    }

    boolean equal() {
      return canonical(framework).equals(canonical(hand));
    }

    private static Set<String> canonical(List<Row> rows) {
      Set<String> s = new HashSet<>();
      for (Row r : rows) {
        s.add(
            String.format(
                "%s|%s|%s|%s|%d|%.6g|%.6g|%s",
                r.get(0),
                r.get(1),
                r.get(2),
                r.get(3),
                r.getLong(4),
                r.getDouble(5),
                r.getDouble(6),
                r.isNullAt(7) ? "null" : String.format("%.6g", r.getDouble(7))));
      }
      return s;
    }
  }
}
