package io.assay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.io.TableComparison;
import io.assay.metrics.SleepWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * assay on Spark's Hive metastore ({@link Metastore}, embedded Derby in a temporary directory), one
 * JVM at a time as a scheduler would run them: one JVM registers the metric source tables; a second
 * runs {@code assay analyze} reading one source as {@code table:} and one through {@code sql:},
 * with {@code output.database} set; a third, separate JVM reads the outputs by name — the same rows
 * as their Delta paths — and still finds a column added to a table after it was registered. The
 * results equal those of the same analysis from the sources' paths (R's sleep data, in this JVM).
 * The shared test session keeps the in-memory catalog though spark-hive is on the test classpath.
 */
@SparkTest
@Tag("servers")
class MetastoreTest {
  /** The rows a {@link SqlMain} printed for the statement {@code statement}. */
  private static List<String> rows(String stdout, String statement) {
    List<String> lines = stdout.lines().toList();
    int at = lines.indexOf("-- " + statement);
    assertTrue(at >= 0, statement + " in " + stdout);
    List<String> out = new ArrayList<>();
    for (String l : lines.subList(at + 1, lines.size())) {
      if (l.startsWith("-- ")) {
        break;
      }
      out.add(l);
    }
    return out;
  }

  @Test
  void analyzeReadsCatalogSourcesAndAnotherJvmReadsItsOutputsByName(SparkSession spark)
      throws Exception {
    SleepWorld paths = SleepWorld.build(spark);
    Path data = paths.conf().dir().resolveSibling("data");
    Metastore metastore = Metastore.create();

    Launcher.Result lake =
        metastore.sql(
            "CREATE DATABASE lake",
            "CREATE TABLE lake.orders USING delta LOCATION '"
                + data.resolve("orders").toUri()
                + "'",
            "CREATE TABLE lake.crashes USING delta LOCATION '"
                + data.resolve("crashes").toUri()
                + "'");
    assertEquals(0, lake.exit(), lake.output());
    assertTrue(lake.stdout().startsWith("catalog=hive\n"), lake.output());

    // The same world, its sources named by the metastore, its outputs registered in assay_out.
    Path conf = TestConf.copyOf(paths.conf().dir());
    Path metrics = conf.resolve("metrics.yaml");
    TestConf.edit(metrics, "    path: orders\n    format: delta\n", "    table: lake.orders\n");
    TestConf.edit(
        metrics,
        "    path: crashes\n    format: delta\n",
        "    sql: SELECT unit_id, ts FROM lake.crashes\n");
    Path site = conf.resolve("assay.yaml");
    TestConf.edit(
        site, "  root: ../data/demo/out      #", "  root: ../out\n  database: assay_out   #");
    TestConf.edit(
        site, "pseudonymize: true", "pseudonymize: false"); // the world's unit ids are raw
    Path out = conf.resolveSibling("out");
    Fixtures.copyTree(paths.out().resolve("enrollments"), out.resolve("enrollments"));
    Launcher.Result analyze =
        metastore.run(
            "io.assay.cli.Main",
            List.of("analyze", "--conf", conf.toString(), "--date", "2026-11-14"));
    assertEquals(0, analyze.exit(), analyze.output());

    // table: and sql: sources gave what their paths gave.
    for (String t : List.of("metric_stats", "metric_results", "experiment_decisions")) {
      Dataset<Row> expected = spark.read().format("delta").load(paths.out().resolve(t).toString());
      Dataset<Row> actual = spark.read().format("delta").load(out.resolve(t).toString());
      assertTrue(expected.count() > 0, t);
      assertEquals(0, TableComparison.differences(expected, actual), t + " differs");
    }
    // What the run wrote: every table it recorded, and runs.
    Set<String> written = new TreeSet<>(Set.of("runs"));
    Row run = spark.read().format("delta").load(out.resolve("runs").toString()).first();
    for (Row o : run.<Row>getList(run.fieldIndex("outputs"))) {
      written.add(o.getAs("name"));
    }
    assertTrue(written.contains("metric_results"), written.toString());

    String results = "delta.`" + out.resolve("metric_results").toUri() + "`";
    String count = "SELECT count(*) FROM assay_out.metric_results";
    String missingByName =
        "SELECT count(*) FROM (SELECT to_json(struct(*)) FROM "
            + results
            + " EXCEPT ALL SELECT to_json(struct(*)) FROM assay_out.metric_results)";
    String extraByName =
        "SELECT count(*) FROM (SELECT to_json(struct(*)) FROM assay_out.metric_results"
            + " EXCEPT ALL SELECT to_json(struct(*)) FROM "
            + results
            + ")";
    String show = "SHOW TABLES IN assay_out";
    String describe = "DESCRIBE TABLE EXTENDED assay_out.metric_results";
    String addColumn = "ALTER TABLE " + results + " ADD COLUMNS (note STRING)";
    String withNote = "SELECT count(*) FROM assay_out.metric_results WHERE note IS NULL";
    Launcher.Result reader =
        metastore.sql(count, missingByName, extraByName, show, describe, addColumn, withNote);
    assertEquals(0, reader.exit(), reader.output());
    String o = reader.stdout();
    long rows = spark.read().format("delta").load(out.resolve("metric_results").toString()).count();
    assertTrue(rows > 0);
    assertEquals(List.of("" + rows), rows(o, count));
    assertEquals(List.of("0"), rows(o, missingByName), o);
    assertEquals(List.of("0"), rows(o, extraByName), o);
    Set<String> shown = new TreeSet<>();
    for (String line : rows(o, show)) {
      shown.add(line.split("\t")[1]);
    }
    assertEquals(written, shown);
    List<String> detail = rows(o, describe);
    assertTrue(detail.contains("Type\tEXTERNAL\t"), o);
    assertTrue(detail.contains("Provider\tdelta\t"), o);
    assertTrue(detail.contains("Location\tfile:" + out.resolve("metric_results") + "\t"), o);
    assertEquals(List.of("" + rows), rows(o, withNote), "a column added later is read by name");

    assertTrue(Files.isDirectory(metastore.dir.resolve("metastore_db")));
    assertFalse(Files.exists(Launcher.ROOT.resolve("metastore_db")), "Derby stays in its dir");
    assertFalse(Files.exists(Launcher.ROOT.resolve("derby.log")), "Derby logs in its dir");
  }

  @Test
  void theSharedSessionKeepsTheInMemoryCatalog(SparkSession spark) {
    assertEquals("in-memory", spark.conf().get("spark.sql.catalogImplementation"));
    assertEquals(
        "org.apache.spark.sql.catalyst.catalog.InMemoryCatalog",
        spark.sharedState().externalCatalog().unwrapped().getClass().getName());
    assertFalse(Files.exists(Path.of("metastore_db")));
  }
}
