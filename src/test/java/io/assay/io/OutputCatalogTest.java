package io.assay.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.ConfigLoader;
import io.assay.config.Location;
import io.assay.metrics.SleepWorld;
import io.assay.testing.Commands;
import io.assay.testing.Commands.Ran;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * {@code output.database}: every output table a run writes to {@code output.root} is registered by
 * name at its location, once; the name reads the same rows as the path and follows the table's
 * schema; {@code assay sql} reads it; a reproduction registers nothing (and reads a catalog Delta
 * source at the version the run read); a name taken at another location stops a run before it
 * starts. On the shared session's in-memory catalog; the Hive metastore, across JVMs, is {@code
 * testing/MetastoreTest}.
 */
@SparkTest
class OutputCatalogTest {

  /** Points {@code output.root} of the conf at {@code root} and sets {@code output.database}. */
  static void outputs(Path conf, String root, String db) throws Exception {
    Path site = conf.resolve("assay.yaml");
    String text = Files.readString(site);
    String from = "  root: ../data/demo/out      #";
    assertTrue(text.contains(from), text);
    Files.writeString(site, text.replace(from, "  root: " + root + "\n  database: " + db + "   #"));
  }

  static Set<String> tables(SparkSession spark, String db) throws Exception {
    return new TreeSet<>(
        spark.catalog().listTables(db).collectAsList().stream()
            .filter(t -> !t.isTemporary()) // assay sql's views of the output tables
            .map(org.apache.spark.sql.catalog.Table::name)
            .toList());
  }

  static Location registered(SparkSession spark, String name) {
    CatalogTables.Described d = CatalogTables.describe(spark, name).orElseThrow();
    assertTrue(d.isDelta(), name + ": " + d);
    return d.location().orElseThrow();
  }

  @Test
  void everyTableARunWritesIsRegisteredOnceAtItsLocationAndReproduceRegistersNothing(
      SparkSession spark) throws Exception {
    SleepWorld w = SleepWorld.build(spark);
    Path conf = w.conf().dir();
    Path out = w.out();
    String db = Fixtures.database(spark, "outputs");
    outputs(conf, "../out", db);
    Path site = conf.resolve("assay.yaml");
    // The world's enrollments hold raw unit ids.
    TestConf.edit(site, "pseudonymize: true", "pseudonymize: false");
    assertEquals(Location.local(out), ConfigLoader.load(conf).assay().outputRoot());
    // Its metric sources from the catalog: orders a Delta table, crashes a query.
    Path orders = conf.resolveSibling("data/orders");
    String lake = Fixtures.database(spark, "outputs");
    spark.sql("CREATE TABLE " + lake + ".orders USING delta LOCATION '" + orders.toUri() + "'");
    Path metrics = conf.resolve("metrics.yaml");
    String crashes =
        "SELECT unit_id, ts FROM delta.`" + conf.resolveSibling("data/crashes").toUri() + "`";
    TestConf.edit(
        metrics, "    path: orders\n    format: delta\n", "    table: " + lake + ".orders\n");
    TestConf.edit(metrics, "    path: crashes\n    format: delta\n", "    sql: " + crashes + "\n");

    List<String> analyze = List.of("analyze", "--conf", conf.toString(), "--date", "2026-11-14");
    Ran first = Commands.run(analyze);
    assertEquals(0, first.code(), first.text());
    // Every table the run recorded writing, and the runs table.
    Set<String> written = new TreeSet<>(Set.of(OutputTables.RUNS.name()));
    Row run = spark.read().format("delta").load(out.resolve("runs").toString()).first();
    assertTrue(
        run.<Row>getList(run.fieldIndex("inputs")).stream()
            .anyMatch(
                i ->
                    i.getAs("path").equals("table:" + lake + ".orders")
                        && i.<Long>getAs("delta_version") == 0L),
        run.toString());
    for (Row o : run.<Row>getList(run.fieldIndex("outputs"))) {
      written.add(o.getAs("name"));
    }
    assertTrue(written.containsAll(List.of("metric_results", "metric_stats")), "" + written);
    assertEquals(written, tables(spark, db));
    for (String t : written) {
      assertEquals(Location.local(out.resolve(t)), registered(spark, db + "." + t));
      Dataset<Row> byPath = spark.read().format("delta").load(out.resolve(t).toString());
      Dataset<Row> byName = spark.table(db + "." + t);
      assertTrue(byPath.count() > 0, t);
      assertEquals(byPath.count(), byName.count(), t);
      assertEquals(0, TableComparison.differences(byPath, byName), t);
    }

    // Registering again (what every rerun does after each write) changes nothing.
    RunContext ctx =
        RunContext.of(ConfigLoader.load(conf), "again", Location.local(out), Optional.empty());
    for (String t : written) {
      OutputCatalog.register(spark, ctx, t);
      assertEquals(Location.local(out.resolve(t)), registered(spark, db + "." + t));
    }
    assertEquals(written, tables(spark, db));

    // assay sql reads the tables by name too.
    long results =
        spark.read().format("delta").load(out.resolve("metric_results").toString()).count();
    Ran sql =
        Commands.run(
            "sql",
            "--conf",
            conf.toString(),
            "--csv",
            "SELECT count(*) AS n FROM " + db + ".metric_results");
    assertEquals(0, sql.code(), sql.text());
    assertTrue(sql.text().contains("n\n" + results + "\n"), sql.text());

    // A reproduction re-runs into a scratch root under _reproduce/, reading the catalog's Delta
    // table at the version the run read (not the order added since) and the query as it is now;
    // the names stay on the real tables.
    Fixtures.rows(
            spark,
            "unit_id STRING, ts TIMESTAMP, revenue DOUBLE, status STRING",
            new Object[] {"g1-0", java.sql.Timestamp.valueOf("2026-11-02 02:00:00"), 100.0, "paid"})
        .write()
        .format("delta")
        .mode("append")
        .save(orders.toString());
    String runId =
        spark
            .read()
            .format("delta")
            .load(out.resolve("runs").toString())
            .orderBy(col("started_at").desc())
            .first()
            .getAs("run_id");
    Ran again = Commands.run("reproduce", "--conf", conf.toString(), "--run-id", runId);
    assertEquals(0, again.code(), again.text());
    assertTrue(again.text().contains("reproduced: every output equals"), again.text());
    assertTrue(
        again
            .text()
            .contains(
                "WARNING input not pinned: crashes: "
                    + new io.assay.config.Source.Query(crashes).describe()
                    + " cannot be pinned; the re-run reads it as it is now, which may differ"),
        again.text());
    assertTrue(
        Files.isDirectory(out.resolve("_reproduce").resolve(runId).resolve("metric_results")));
    assertEquals(written, tables(spark, db));
    for (String t : written) {
      assertEquals(Location.local(out.resolve(t)), registered(spark, db + "." + t));
    }

    // Spark reads a Delta table's schema from its log: a column added later is there by name.
    spark
        .read()
        .format("delta")
        .load(out.resolve("metric_results").toString())
        .limit(1)
        .withColumn("note", lit("added later"))
        .write()
        .format("delta")
        .mode("append")
        .option("mergeSchema", "true")
        .save(out.resolve("metric_results").toString());
    Dataset<Row> byName = spark.table(db + ".metric_results");
    assertTrue(Arrays.asList(byName.columns()).contains("note"));
    assertEquals(1, byName.filter(col("note").equalTo("added later")).count());
  }

  @Test
  void aNameTakenAtAnotherLocationStopsTheRunBeforeItStarts(SparkSession spark) throws Exception {
    String db = Fixtures.database(spark, "outputs");
    Path elsewhere = Fixtures.tempDir("elsewhere-").resolve("metric_results");
    Fixtures.rows(spark, "metric STRING", new Object[] {"x"})
        .write()
        .format("delta")
        .save(elsewhere.toString());
    spark.sql(
        "CREATE TABLE " + db + ".metric_results USING delta LOCATION '" + elsewhere.toUri() + "'");
    Path conf = TestConf.withKeyFile(TestConf.copy(), "k");
    Path out = Fixtures.tempDir("out-");
    outputs(conf, out.toString(), db);
    String problem =
        "error: "
            + conf.resolve("assay.yaml")
            + ": output.database: table "
            + db
            + ".metric_results is registered at file:"
            + elsewhere
            + ", not at this run's file:"
            + out.resolve("metric_results")
            + ". Fix: if "
            + db
            + ".metric_results is stale, drop it (DROP TABLE "
            + db
            + ".metric_results; an external table's files stay); else give this output root a"
            + " database of its own in output.database";

    Ran validate = Commands.run("validate", "--conf", conf.toString());
    assertEquals(2, validate.code(), validate.text());
    assertTrue(validate.text().contains(problem), validate.text());
    for (List<String> stage :
        List.of(
            List.of("analyze", "--date", "2026-11-02"),
            List.of("report", "--date", "2026-11-02"))) {
      List<String> args = new java.util.ArrayList<>(stage);
      args.addAll(List.of("--conf", conf.toString()));
      Ran r = Commands.run(args);
      assertEquals(2, r.code(), stage + ": " + r.text());
      assertTrue(r.text().contains(problem), r.text());
      assertTrue(r.text().contains("1 error(s); nothing was run."), r.text());
    }
    assertFalse(Files.exists(out.resolve(OutputTables.RUNS.name())), "no run was recorded");
    // Not even the key's record: the root is as it was (a first run here).
    assertFalse(
        Files.exists(out.resolve(io.assay.pipeline.PseudonymKey.ROOT_FILE)), "key recorded");
    assertEquals(Set.of("metric_results"), tables(spark, db));

    // A registration that meets the name taken anyway (another run registered it meanwhile)
    // fails, naming both locations.
    RunContext ctx =
        RunContext.of(ConfigLoader.load(conf), "r", Location.local(out), Optional.empty());
    OutputCatalog.Conflict c =
        assertThrows(
            OutputCatalog.Conflict.class,
            () -> OutputCatalog.register(spark, ctx, OutputTables.METRIC_RESULTS.name()));
    assertTrue(
        c.getMessage()
            .startsWith(
                "output.database: table "
                    + db
                    + ".metric_results is registered at file:"
                    + elsewhere),
        c.getMessage());
    // A run writing elsewhere (--out, a reproduction's scratch root) registers nothing.
    assertEquals(
        Optional.empty(),
        OutputCatalog.database(ctx.conf().assay(), Location.local(out.resolve("_reproduce/x"))));
    assertEquals(Optional.of(db), OutputCatalog.database(ctx.conf().assay(), Location.local(out)));
  }
}
