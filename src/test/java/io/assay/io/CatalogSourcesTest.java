package io.assay.io;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.config.ExposureSource;
import io.assay.config.Location;
import io.assay.config.Source;
import io.assay.metrics.AnalyzeJob;
import io.assay.metrics.SleepWorld;
import io.assay.pipeline.NightlyPlan;
import io.assay.reconcile.ReconcileJob;
import io.assay.reconcile.ReconcileJobTest;
import io.assay.testing.Commands;
import io.assay.testing.Commands.Ran;
import io.assay.testing.Fixtures;
import io.assay.testing.JobCounter;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sources given as {@code table:} or {@code sql:} instead of a path: the same rows give the same
 * outputs, whichever way they are read; a table or query that cannot be used is named (file and
 * field) before any run starts. On the shared session's in-memory catalog; the Hive metastore is
 * {@code testing/MetastoreTest}.
 */
@SparkTest
class CatalogSourcesTest {
  private static final LocalDate NOV2 = LocalDate.parse("2026-11-02");
  private static final LocalDate NOV3 = LocalDate.parse("2026-11-03");

  static void register(SparkSession spark, String table, Path delta) {
    spark.sql("CREATE TABLE " + table + " USING delta LOCATION '" + delta.toUri() + "'");
  }

  static Dataset<Row> table(SparkSession spark, Path root, String name) {
    return spark.read().format("delta").load(root.resolve(name).toString());
  }

  /** The Delta tables directly under {@code root}, by name. */
  static List<String> tables(Path root) throws IOException {
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> Files.isDirectory(p.resolve("_delta_log")))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    }
  }

  /** Both roots hold the same tables with the same rows (run stamps aside), none of them empty. */
  static void assertSameOutputs(SparkSession spark, Path expected, Path actual) throws IOException {
    assertEquals(tables(expected), tables(actual));
    assertFalse(tables(expected).isEmpty());
    for (String t : tables(expected)) {
      Dataset<Row> a = table(spark, expected, t);
      Dataset<Row> b = table(spark, actual, t);
      assertEquals(a.count(), b.count(), t);
      assertEquals(0, TableComparison.differences(a, b), t + " differs");
    }
  }

  @Test
  void metricSourcesGivenAsATableOrAQueryGiveTheSameResultsAsTheirPaths(SparkSession spark)
      throws Exception {
    SleepWorld paths = SleepWorld.build(spark);
    Path data = paths.conf().dir().resolveSibling("data");
    register(spark, db + ".orders", data.resolve("orders"));
    register(spark, db + ".crashes_raw", data.resolve("crashes"));

    Path dir = TestConf.copyOf(paths.conf().dir());
    Path metrics = dir.resolve("metrics.yaml");
    TestConf.edit(
        metrics, "    path: orders\n    format: delta\n", "    table: " + db + ".orders\n");
    String query = "SELECT unit_id, ts FROM " + db + ".crashes_raw WHERE unit_id IS NOT NULL";
    TestConf.edit(metrics, "    path: crashes\n    format: delta\n", "    sql: " + query + "\n");
    Conf tables = ConfigLoader.load(dir);
    assertEquals(
        new Source.Table(db + ".orders"), tables.catalog().sources().get("orders").source());

    Path out = Fixtures.tempDir("out-");
    Fixtures.copyTree(paths.out().resolve("enrollments"), out.resolve("enrollments"));
    RunContext ctx = RunContext.of(tables, "test-run", Location.local(out), Optional.empty());
    AnalyzeJob.run(spark, ctx, LocalDate.parse("2026-11-14"));

    for (String t : List.of("metric_stats", "metric_results", "experiment_decisions")) {
      Dataset<Row> expected = table(spark, paths.out(), t);
      assertTrue(expected.count() > 0, t);
      assertEquals(0, TableComparison.differences(expected, table(spark, out, t)), t + " differs");
    }
    // The table's rows are R's sleep data: Welch's p as R prints it (t.test(extra ~ group)).
    Row welch =
        table(spark, out, "metric_results")
            .filter(col("metric").equalTo("revenue").and(col("segment_key").equalTo("all")))
            .first();
    assertEquals(0.07939, welch.<Double>getAs("p_value"), 5e-6);
    // The run log pins the catalog's Delta table by name (its only version, 0) and keeps the
    // query's text, which nothing can pin.
    assertTrue(
        ctx.log()
            .inputs()
            .contains(new RunLog.Input("orders", "table:" + db + ".orders", "delta", 0L, null)),
        ctx.log().inputs().toString());
    assertTrue(
        ctx.log().inputs().contains(new RunLog.Input("crashes", "sql:" + query, "sql", null, null)),
        ctx.log().inputs().toString());
  }

  /** Columns of the test logs as a typed table, with the date partition. */
  static final String LOG_COLUMNS =
      "event_id STRING, ts STRING, unit_id STRING, experiment STRING, version STRING, arm STRING,"
          + " attributes MAP<STRING,STRING>, source STRING, date DATE";

  /** The logs as files (a Delta table partitioned by date), their table, and a conf. */
  static Path delta;

  static String db;
  static Conf conf;
  static ExposureSource files;
  static ExposureSource table;

  /**
   * The JSON lines of {@link ReconcileJobTest#logs()} as a Delta table partitioned by {@code date},
   * without the two lines that are not JSON objects (a table has no such rows), registered as
   * {@code DB.exposures}.
   */
  @BeforeAll
  static void logs(SparkSession spark) throws Exception {
    ReconcileJobTest.logs();
    delta = Fixtures.tempDir("lake-").resolve("exposures");
    spark
        .read()
        .schema(LOG_COLUMNS)
        .option("mode", "DROPMALFORMED")
        .json(ReconcileJobTest.logsRoot().toString())
        .write()
        .format("delta")
        .partitionBy("date")
        .save(delta.toString());
    db = Fixtures.database(spark, "catalog_sources");
    register(spark, db + ".exposures", delta);
    Path dir = TestConf.copy();
    Files.delete(dir.resolve(DefinitionLock.FILE_NAME));
    conf = ConfigLoader.load(dir);
    files = ExposureSource.files(Location.local(delta), "delta");
    table = new ExposureSource(new Source.Table(db + ".exposures"), "date");
  }

  static List<String> concat(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all;
  }

  static RunContext ctx(Conf conf, Path out) {
    return RunContext.of(conf, "test-run", Location.local(out), Optional.of(ReconcileJobTest.KEY));
  }

  @Test
  void exposureLogsFromATableOrAQueryReconcileAsTheirFilesDo(SparkSession spark) throws Exception {
    // A query whose date column is text and has another name.
    ExposureSource query =
        new ExposureSource(
            new Source.Query(
                "SELECT event_id, ts, unit_id, experiment, version, arm, attributes, source,"
                    + " CAST(date AS STRING) AS event_day FROM "
                    + db
                    + ".exposures"),
            "event_day");
    RunContext read = ctx(conf, Fixtures.tempDir("out-"));
    List<LocalDate> dates = List.of(NOV2.minusDays(1), NOV2, NOV3);
    Dataset<Row> normalized = ExposureLogs.read(spark, read, files, dates);
    // What every stage sees of the logs is the same rows, whichever way they were read.
    for (ExposureSource other : List.of(table, query)) {
      assertEquals(
          0,
          TableComparison.differences(normalized, ExposureLogs.read(spark, read, other, dates)),
          other.source().describe());
    }
    assertEquals(22, normalized.count());

    Path fromFiles = Fixtures.tempDir("out-");
    Path fromTable = Fixtures.tempDir("out-");
    List<ReconcileJob.Result> results = new ArrayList<>();
    int filesJobs =
        JobCounter.count(
            spark,
            () -> results.add(ReconcileJob.run(spark, ctx(conf, fromFiles), files, NOV2, NOV3)));
    int tableJobs =
        JobCounter.count(
            spark,
            () -> results.add(ReconcileJob.run(spark, ctx(conf, fromTable), table, NOV2, NOV3)));
    // 2026-11-02: the 19 JSON objects among its 21 lines = 10 accepted + 2 duplicates (e2's copy,
    // e-dup-x seen on 11-01) + 7 quarantined (q2..q8: one per reason a typed row can have).
    List<ReconcileJob.DateCounts> expected =
        List.of(
            new ReconcileJob.DateCounts(NOV2, 19, 10, 2, 7),
            new ReconcileJob.DateCounts(NOV3, 2, 2, 0, 0));
    assertEquals(expected, results.get(0).dates());
    assertEquals(expected, results.get(1).dates());
    assertSameOutputs(spark, fromFiles, fromTable);
    // One pass, as for files: no job per date, no extra scan.
    assertTrue(tableJobs <= filesJobs, "jobs: files " + filesJobs + ", table " + tableJobs);
  }

  @Test
  void theDateFilterIsPushedIntoTheScanOfTheTable(SparkSession spark) {
    RunContext ctx = ctx(conf, Fixtures.tempDir("out-"));
    for (ExposureSource logs :
        List.of(
            table,
            new ExposureSource(
                new Source.Query(
                    "SELECT *, CAST(date AS STRING) AS event_day FROM " + db + ".exposures"),
                "event_day"))) {
      Dataset<Row> read = ExposureLogs.read(spark, ctx, logs, List.of(NOV3));
      String plan = read.queryExecution().executedPlan().toString();
      assertTrue(
          plan.matches("(?s).*PartitionFilters: \\[[^\\]]*date#\\d+[^\\]]*2026-11-03.*"), plan);
      assertEquals(2, read.count(), plan);
      assertEquals(
          List.of(java.sql.Date.valueOf(NOV3)),
          read.select("date").distinct().collectAsList().stream().map(r -> r.get(0)).toList());
    }
  }

  @Test
  void aDateWithoutRowsIsAMissingPartitionNamingTheTable(SparkSession spark) throws Exception {
    LocalDate nov4 = LocalDate.parse("2026-11-04");

    Path out = Fixtures.tempDir("out-");
    InputProblem p =
        assertThrows(
            InputProblem.class, () -> ReconcileJob.run(spark, ctx(conf, out), table, NOV3, nov4));
    assertEquals(
        "table "
            + db
            + ".exposures: log partition not found: no rows with date = 2026-11-04 (1 of 2"
            + " requested dates missing); if the logs are late, rerun when they have landed."
            + " Nothing was written",
        p.getMessage());
    assertEquals(List.of(), tables(out), "nothing was written");

    // The nightly plan skips such a date, as it skips a partition that has not landed, and finds
    // the dates with rows in one job whatever the length of the range.
    NightlyPlan[] plan = new NightlyPlan[1];
    int jobs =
        JobCounter.count(spark, () -> plan[0] = NightlyPlan.of(conf, table, NOV3, nov4, spark));
    int longer =
        JobCounter.count(
            spark, () -> NightlyPlan.of(conf, table, NOV2.minusDays(20), nov4.plusDays(20), spark));
    assertEquals(jobs, longer, "no job per date");
    // nightly --dry-run prints that plan; --format is for log files only.
    Path dir = TestConf.withKeyFile(TestConf.copyOf(conf.dir()), "k");
    TestConf.edit(
        dir.resolve("assay.yaml"),
        "  logs: logs                  # raw exposure logs, partitioned by date=YYYY-MM-DD\n"
            + "  logs_format: json           # json | parquet | delta\n",
        "  logs: {table: " + db + ".exposures, date_column: date}\n");
    List<String> nightly =
        List.of("nightly", "--conf", dir.toString(), "--from", "2026-11-03", "--to", "2026-11-04");
    Ran dryRun = Commands.run(concat(nightly, "--dry-run"));
    assertEquals(0, dryRun.code(), dryRun.text());
    assertTrue(
        dryRun
            .text()
            .contains(
                "2026-11-04  reconcile  skip       not ready: table "
                    + db
                    + ".exposures has no rows with date = 2026-11-04 (not landed)"),
        dryRun.text());
    assertTrue(dryRun.text().contains("2026-11-03  reconcile  run "), dryRun.text());
    Ran format = Commands.run(concat(nightly, "--dry-run", "--format", "json"));
    assertEquals(2, format.code(), format.text());
    assertTrue(
        format
            .text()
            .contains(
                "--format applies to log files, and data.logs is table "
                    + db
                    + ".exposures; leave --format out, or give the files with --logs PATH"),
        format.text());
    for (NightlyPlan.Item i : plan[0].items()) {
      assertEquals(i.date().equals(NOV3), i.ready(), i.toString());
      if (!i.ready()) {
        assertEquals(
            "not ready: table " + db + ".exposures has no rows with date = 2026-11-04 (not landed)",
            i.reason());
      }
    }
  }

  @Test
  void aMissingTableAQueryThatDoesNotAnalyzeOrAMissingColumnIsNamedBeforeAnyRun(SparkSession spark)
      throws Exception {
    spark.sql("CREATE TABLE " + db + ".users (user STRING, ts TIMESTAMP) USING parquet");
    Path dir = TestConf.withKeyFile(TestConf.copy(), "k");
    Path site = dir.resolve("assay.yaml");
    TestConf.edit(
        site,
        "  logs: logs                  # raw exposure logs, partitioned by date=YYYY-MM-DD\n"
            + "  logs_format: json           # json | parquet | delta\n",
        "  logs:\n    table: " + db + ".exposures\n    date_column: event_date\n");
    Path metrics = dir.resolve("metrics.yaml");
    TestConf.edit(metrics, "    path: orders\n    format: delta\n", "    table: nodb.orders\n");
    TestConf.edit(
        metrics,
        "    path: sessions\n    format: parquet\n",
        "    sql: SELECT unit_id, ts FROM " + db + ".no_such_table\n");
    TestConf.edit(
        metrics, "    path: crashes\n    format: delta\n", "    table: " + db + ".users\n");
    String a = site.toString();
    String m = metrics.toString();
    List<String> problems =
        List.of(
            "error: "
                + a
                + ": data.logs.date_column: table "
                + db
                + ".exposures has no column 'event_date' (columns: [event_id, ts, unit_id,"
                + " experiment, version, arm, attributes, source, date]). Fix: name one of its"
                + " columns, or add the column to the table",
            "error: "
                + m
                + ": sources.orders.table: table nodb.orders does not exist in the session catalog"
                + " (spark.sql.catalogImplementation=in-memory). Fix: correct the name, create the"
                + " table, or point the session at the catalog that holds it",
            "error: "
                + m
                + ": sources.sessions.sql: the query does not analyze: [TABLE_OR_VIEW_NOT_FOUND]"
                + " The table or view `"
                + db
                + "`.`no_such_table` cannot be found.",
            "error: "
                + m
                + ": sources.crashes.unit_column: table "
                + db
                + ".users has no column 'unit_id' (columns: [user, ts]). Fix: name one of its"
                + " columns, or add the column to the table");

    Ran validate = Commands.run("validate", "--conf", dir.toString());
    assertEquals(2, validate.code(), validate.text());
    for (String p : problems) {
      assertTrue(validate.text().contains(p), p + "\n---\n" + validate.text());
    }
    assertTrue(validate.text().contains("4 error(s); nothing was run."), validate.text());

    // A stage command stops on the sources it reads, before its run starts (no runs row).
    Path out = Fixtures.tempDir("out-");
    Ran analyze =
        Commands.run(
            "analyze", "--conf", dir.toString(), "--date", "2026-11-02", "--out", "" + out);
    assertEquals(2, analyze.code(), analyze.text());
    assertTrue(analyze.text().contains(problems.get(1)), analyze.text());
    assertTrue(analyze.text().contains("3 error(s); nothing was run."), analyze.text());
    Ran reconcile =
        Commands.run(
            "reconcile", "--conf", dir.toString(), "--date", "2026-11-02", "--out", "" + out);
    assertEquals(2, reconcile.code(), reconcile.text());
    assertTrue(reconcile.text().contains(problems.get(0)), reconcile.text());
    assertTrue(reconcile.text().contains("1 error(s); nothing was run."), reconcile.text());
    assertFalse(Files.exists(out.resolve(OutputTables.RUNS.name())), "no run was recorded");

    // A date column of another type.
    String sql = "SELECT *, CAST(date AS TIMESTAMP) AS event_ts FROM " + db + ".exposures";
    TestConf.edit(
        site,
        "    table: " + db + ".exposures\n    date_column: event_date\n",
        "    sql: " + sql + "\n    date_column: event_ts\n");
    Ran typed =
        Commands.run(
            "reconcile", "--conf", dir.toString(), "--date", "2026-11-02", "--out", "" + out);
    assertEquals(2, typed.code(), typed.text());
    assertTrue(
        typed
            .text()
            .contains(
                a
                    + ": data.logs.date_column: column 'event_ts' of "
                    + new Source.Query(sql).describe()
                    + " is TIMESTAMP; expected DATE, or STRING holding YYYY-MM-DD. Fix: name a DATE"
                    + " column, or derive one in a query"),
        typed.text());
  }

  /**
   * Where the catalog gives a table but its directory cannot be listed (Unity Catalog grants reads
   * by name, not listings), the version a run pins comes from the table's history by name.
   */
  @Test
  void aCatalogDeltaTableWhoseDirectoryCannotBeListedIsPinnedFromItsHistory(SparkSession spark) {
    String name = db + ".versions";
    Path dir = Fixtures.tempDir("versions-").resolve("t");
    for (int i = 0; i < 3; i++) {
      Fixtures.rows(spark, "x INT", new Object[] {i})
          .write()
          .format("delta")
          .mode("append")
          .save(dir.toString());
    }
    register(spark, name, dir);
    Source.Table t = new Source.Table(name);
    CatalogTables.Described listed = CatalogTables.describe(spark, name).orElseThrow();
    assertEquals(2, Inputs.latestVersion(spark, t, listed));
    CatalogTables.Described unlistable =
        new CatalogTables.Described(
            listed.provider(),
            listed.type(),
            Optional.of(Location.parse("unlistable://bucket/t", Path.of(""))));
    assertEquals(2, Inputs.latestVersion(spark, t, unlistable));
  }
}
