package io.assay.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.assay.config.Location;
import io.assay.io.FileComparison;
import io.assay.io.Inputs;
import io.assay.io.OutputLock;
import io.assay.io.OutputTable;
import io.assay.io.OutputTables;
import io.assay.io.RunContext;
import io.assay.io.RunLog;
import io.assay.io.Storage;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The report stage: renders every experiment's results as of a date into {@code
 * <output.root>/reports/<date>/} — {@code index.html}, {@code index.json} and, per experiment
 * version, {@code KEY@VERSION.html|.json|.md} — and writes CSV exports of the day's aggregate
 * tables into {@code <output.root>/exports/<date>/} for notebooks. Reads only aggregated tables.
 * Where the file system renames atomically the directory is built aside and swapped in, so readers
 * never see a half-written report; on object stores each file is written whole, the index last
 * ({@link #publish}).
 */
public final class ReportJob {
  private static final Logger LOG = LoggerFactory.getLogger(ReportJob.class);

  /** Tables exported per date (rows of that date; summaries also earlier dates). */
  static final List<OutputTable> EXPORTS =
      List.of(
          OutputTables.METRIC_RESULTS,
          OutputTables.METRIC_QUANTILES,
          OutputTables.EXPERIMENT_DECISIONS,
          OutputTables.BALANCE_CHECKS,
          OutputTables.COVARIATE_BALANCE,
          OutputTables.RECONCILIATION_SUMMARY,
          OutputTables.INGEST_SUMMARY,
          OutputTables.TRAFFIC_DAILY);

  /** Where the run wrote its files. */
  public record Result(Location reports, Location exports, List<ExperimentReport> experiments) {}

  private ReportJob() {}

  public static Result run(SparkSession spark, RunContext ctx, LocalDate date) {
    Storage storage = Storage.of(spark);
    List<ExperimentReport> reports = ReportData.load(spark, ctx, date);
    Map<String, String> pages = new LinkedHashMap<>();
    for (ExperimentReport r : reports) {
      String base = HtmlReport.file(r.definition());
      pages.put(base + ".html", HtmlReport.experiment(r));
      pages.put(base + ".json", JsonReport.render(r));
      pages.put(base + ".md", MarkdownReport.render(r));
    }
    // The index last: when files are written in place, a reader that finds the new index finds
    // every page it links to.
    pages.put("index.json", JsonReport.index(date, reports));
    pages.put("index.html", HtmlReport.index(date, reports));
    Location dir = ctx.outputRoot().resolve("reports").resolve(date.toString());
    publish(storage, dir, ctx.runId(), pages);
    Map<String, String> csv = new LinkedHashMap<>();
    for (OutputTable t : EXPORTS) {
      String text = export(spark, ctx, t, date);
      if (text != null) {
        csv.put(t.name() + ".csv", text);
      }
    }
    Location exports = ctx.outputRoot().resolve("exports").resolve(date.toString());
    publish(storage, exports, ctx.runId(), csv);
    record(ctx, "reports/" + date, dir, pages, ".json");
    record(ctx, "exports/" + date, exports, csv, ".csv");
    LOG.info("report {}: {} experiment(s) → {}", date, reports.size(), dir.resolve("index.html"));
    return new Result(dir, exports, reports);
  }

  /**
   * Records the files ending in {@code suffix} as outputs of the run, with the fingerprint {@code
   * assay reproduce} compares: the JSON reports (the HTML and Markdown pages render the same
   * content) and the CSV exports. Named by their path under the output root.
   */
  private static void record(
      RunContext ctx, String under, Location dir, Map<String, String> files, String suffix) {
    for (Map.Entry<String, String> f : new TreeMap<>(files).entrySet()) {
      String name = f.getKey();
      if (name.endsWith(suffix)) {
        ctx.log()
            .output(
                RunLog.Output.file(
                    under + "/" + name,
                    dir.resolve(name).uri(),
                    FileComparison.fingerprint(name, f.getValue())));
      }
    }
  }

  /**
   * Makes {@code files} the content of {@code dir}. Where the file system renames directories
   * atomically (local, HDFS, ABFS), the directory is built aside and swapped in with two renames,
   * so readers see the old set or the new one. Elsewhere (S3, GCS) each file is written in place in
   * one PUT, in the given order (index last), then files of the old set that the new one lacks are
   * deleted: a reader during the write can see a mix of old and new files, each file whole, and a
   * killed run is repaired by rerunning it.
   */
  static void publish(Storage storage, Location dir, String runId, Map<String, String> files) {
    OutputLock.assertHeld();
    if (!storage.atomicRename(dir)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        storage.writeText(dir.resolve(f.getKey()), f.getValue());
      }
      if (storage.isDirectory(dir)) {
        for (Storage.Entry e : storage.list(dir)) {
          if (!files.containsKey(e.name())) {
            storage.delete(dir.resolve(e.name()));
          }
        }
      }
      return;
    }
    Location staging = staging(storage, dir, runId);
    for (Map.Entry<String, String> f : files.entrySet()) {
      storage.writeText(staging.resolve(f.getKey()), f.getValue());
    }
    swap(storage, staging, dir);
  }

  /**
   * One table's rows for the date (all dates up to it for per-day summaries) as CSV; null when the
   * table does not exist.
   */
  static String export(SparkSession spark, RunContext ctx, OutputTable table, LocalDate date) {
    if (!Inputs.upstreamExists(spark, ctx, table)) {
      return null;
    }
    Dataset<Row> t = Inputs.upstream(spark, ctx, table);
    boolean history =
        table.equals(OutputTables.RECONCILIATION_SUMMARY)
            || table.equals(OutputTables.INGEST_SUMMARY)
            || table.equals(OutputTables.TRAFFIC_DAILY);
    Column when =
        history
            ? col("date").leq(lit(Date.valueOf(date)))
            : col("date").equalTo(lit(Date.valueOf(date)));
    Dataset<Row> rows = t.filter(when).drop("run_id", "schema_version");
    List<Column> cols = new ArrayList<>();
    for (StructField f : rows.schema().fields()) {
      boolean nested =
          f.dataType() instanceof MapType
              || f.dataType() instanceof ArrayType
              || f.dataType() instanceof StructType;
      cols.add(
          nested
              ? org.apache.spark.sql.functions.to_json(col(f.name())).as(f.name())
              : col(f.name()));
    }
    Dataset<Row> selected = rows.select(cols.toArray(Column[]::new));
    // Every column, in schema order (keys first), orders the rows: the file is the same whatever
    // the partitioning that produced the table (a cluster's, local Spark's), so a rerun elsewhere
    // reproduces its fingerprint.
    Dataset<Row> flat =
        selected.orderBy(
            java.util.Arrays.stream(selected.columns())
                .map(org.apache.spark.sql.functions::col)
                .toArray(Column[]::new));
    StringBuilder b = new StringBuilder(String.join(",", flat.columns())).append('\n');
    for (Row r : flat.collectAsList()) { // aggregate tables: a few thousand rows at most
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        cells.add(r.isNullAt(i) ? "" : csv(String.valueOf(r.get(i))));
      }
      b.append(String.join(",", cells)).append('\n');
    }
    return b.toString();
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  /**
   * A fresh staging directory beside {@code dir}. Staging directories left by a run that died (the
   * output lock guarantees no other run is writing) are removed, as is a {@code .old} directory; if
   * a run died between its two renames, {@code dir} is missing and {@code .old} holds the previous
   * complete version, which this run replaces anyway.
   */
  private static Location staging(Storage storage, Location dir, String runId) {
    Location parent = dir.parent().orElseThrow();
    Location p = parent.resolve(dir.name() + ".tmp-" + runId);
    if (storage.isDirectory(parent)) {
      for (Storage.Entry e : storage.list(parent)) {
        if (e.name().startsWith(dir.name() + ".tmp-")) {
          storage.delete(parent.resolve(e.name()));
        }
      }
    }
    storage.delete(p);
    storage.mkdirs(p);
    return p;
  }

  /** Replaces {@code dir} by {@code staging}: two renames, so readers see old or new. */
  private static void swap(Storage storage, Location staging, Location dir) {
    Location old = dir.parent().orElseThrow().resolve(dir.name() + ".old");
    storage.delete(old);
    if (storage.exists(dir)) {
      storage.rename(dir, old);
    }
    storage.rename(staging, dir);
    storage.delete(old);
  }
}
