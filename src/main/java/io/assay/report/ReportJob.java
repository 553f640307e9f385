package io.assay.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.assay.io.FileComparison;
import io.assay.io.Inputs;
import io.assay.io.LocalFiles;
import io.assay.io.OutputTables;
import io.assay.io.RunContext;
import io.assay.io.RunLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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
 * tables into {@code <output.root>/exports/<date>/} for notebooks. Reads only aggregated tables;
 * the directory is built aside and swapped in, so readers never see a half-written report.
 */
public final class ReportJob {
  private static final Logger LOG = LoggerFactory.getLogger(ReportJob.class);

  /** Tables exported per date (rows of that date; summaries also earlier dates). */
  static final List<String> EXPORTS =
      List.of(
          OutputTables.METRIC_RESULTS,
          OutputTables.EXPERIMENT_DECISIONS,
          OutputTables.BALANCE_CHECKS,
          OutputTables.COVARIATE_BALANCE,
          OutputTables.RECONCILIATION_SUMMARY,
          OutputTables.INGEST_SUMMARY,
          OutputTables.TRAFFIC_DAILY);

  /** Where the run wrote its files. */
  public record Result(Path reports, Path exports, List<ExperimentReport> experiments) {}

  private ReportJob() {}

  public static Result run(SparkSession spark, RunContext ctx, LocalDate date) {
    List<ExperimentReport> reports = ReportData.load(spark, ctx, date);
    Path dir = ctx.outputRoot().resolve("reports").resolve(date.toString());
    Path staging = staging(dir, ctx.runId());
    write(staging.resolve("index.html"), HtmlReport.index(date, reports));
    write(staging.resolve("index.json"), JsonReport.index(date, reports));
    for (ExperimentReport r : reports) {
      String base = HtmlReport.file(r.definition());
      write(staging.resolve(base + ".html"), HtmlReport.experiment(r));
      write(staging.resolve(base + ".json"), JsonReport.render(r));
      write(staging.resolve(base + ".md"), MarkdownReport.render(r));
    }
    swap(staging, dir);
    Path exports = ctx.outputRoot().resolve("exports").resolve(date.toString());
    Path exportStaging = staging(exports, ctx.runId());
    for (String t : EXPORTS) {
      export(spark, ctx, t, date, exportStaging.resolve(t + ".csv"));
    }
    swap(exportStaging, exports);
    record(ctx, dir, ".json");
    record(ctx, exports, ".csv");
    LOG.info("report {}: {} experiment(s) → {}", date, reports.size(), dir.resolve("index.html"));
    return new Result(dir, exports, reports);
  }

  /**
   * Records the files of {@code dir} ending in {@code suffix} as outputs of the run, with the
   * fingerprint {@code assay reproduce} compares: the JSON reports (the HTML and Markdown pages
   * render the same content) and the CSV exports.
   */
  private static void record(RunContext ctx, Path dir, String suffix) {
    try (var files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(suffix)) {
          String text = Files.readString(f, java.nio.charset.StandardCharsets.UTF_8);
          ctx.log()
              .output(
                  RunLog.Output.file(
                      ctx.outputRoot().relativize(f).toString(),
                      f.toAbsolutePath().toString(),
                      FileComparison.fingerprint(name, text)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** One table's rows for the date (all dates up to it for per-day summaries) as CSV. */
  static void export(SparkSession spark, RunContext ctx, String table, LocalDate date, Path file) {
    if (!Inputs.upstreamExists(ctx, table)) {
      return;
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
    Dataset<Row> flat = rows.select(cols.toArray(Column[]::new)).orderBy(rows.columns()[0]);
    StringBuilder b = new StringBuilder(String.join(",", flat.columns())).append('\n');
    for (Row r : flat.collectAsList()) { // aggregate tables: a few thousand rows at most
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        cells.add(r.isNullAt(i) ? "" : csv(String.valueOf(r.get(i))));
      }
      b.append(String.join(",", cells)).append('\n');
    }
    write(file, b.toString());
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
  private static Path staging(Path dir, String runId) {
    Path p = dir.resolveSibling(dir.getFileName() + ".tmp-" + runId);
    if (Files.isDirectory(dir.getParent())) {
      try (var siblings = Files.list(dir.getParent())) {
        siblings
            .filter(s -> s.getFileName().toString().startsWith(dir.getFileName() + ".tmp-"))
            .forEach(ReportJob::deleteTree);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir.getParent(), e);
      }
    }
    deleteTree(p);
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + p, e);
    }
    return p;
  }

  /** Replaces {@code dir} by {@code staging}: two renames, so readers see old or new. */
  private static void swap(Path staging, Path dir) {
    try {
      Path old = dir.resolveSibling(dir.getFileName() + ".old");
      deleteTree(old);
      if (Files.exists(dir)) {
        Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
      deleteTree(old);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + staging + " to " + dir, e);
    }
  }

  static void write(Path file, String text) {
    LocalFiles.write(file, text);
  }

  static void deleteTree(Path p) {
    LocalFiles.deleteTree(p);
  }
}
