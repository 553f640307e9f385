package io.assay.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.cli.Main;
import io.assay.config.ConfigLoader;
import io.assay.io.RunContext;
import io.assay.io.TableComparison;
import io.assay.reconcile.ReconcileJob;
import io.assay.reconcile.ReconcileJobTest;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The nightly run on the hand-built reconciliation logs (partitions 2026-11-01..03): the plan, the
 * not-ready skip of a date whose logs have not landed, every stage run, and night-by-night
 * enrollments (Delta MERGE of the units seen each night) equal to one full recompute.
 */
@SparkTest
class NightlyTest {
  static Path conf;

  @BeforeAll
  static void world(SparkSession spark) throws Exception {
    ReconcileJobTest.logs();
    conf = ReconcileJobTest.confWithKeyFile();
    // Empty metric sources: the analysis runs (every unit gets zeros), nothing is missing.
    Path data = conf.getParent().resolve("data/demo");
    String events = "unit_id STRING, ts TIMESTAMP";
    Fixtures.rows(spark, events + ", revenue DOUBLE, status STRING")
        .write()
        .format("delta")
        .save(data.resolve("orders").toString());
    Fixtures.rows(spark, events).write().parquet(data.resolve("sessions").toString());
    Fixtures.rows(spark, events).write().parquet(data.resolve("page_views").toString());
    Fixtures.rows(spark, events).write().format("delta").save(data.resolve("crashes").toString());
  }

  static String[] args(String... more) {
    List<String> a =
        new java.util.ArrayList<>(
            List.of(
                "nightly",
                "--conf",
                conf.toString(),
                "--logs",
                ReconcileJobTest.logsRoot().toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void thePlanListsEveryStageAndSkipsDatesWithoutLogs() {
    NightlyPlan plan =
        NightlyPlan.of(
            ConfigLoader.load(conf),
            io.assay.config.Location.local(ReconcileJobTest.logsRoot()),
            "json",
            LocalDate.parse("2026-11-03"),
            LocalDate.parse("2026-11-04"));
    assertEquals(8, plan.items().size());
    assertTrue(plan.items().subList(0, 4).stream().allMatch(NightlyPlan.Item::ready));
    assertTrue(plan.items().subList(4, 8).stream().noneMatch(NightlyPlan.Item::ready));
    assertEquals(NightlyPlan.Stage.RECONCILE, plan.items().get(0).stage());
    assertEquals(NightlyPlan.Stage.REPORT, plan.items().get(3).stage());
    assertTrue(plan.items().get(0).experiments().contains("checkout_button@1.0.0"));
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    assertEquals(0, cl.execute(args("--from", "2026-11-03", "--to", "2026-11-04", "--dry-run")));
    assertTrue(
        out.toString().contains("2026-11-04  reconcile  skip       not ready"), out.toString());
  }

  @Test
  void nightByNightEqualsOneFullRecompute(SparkSession spark) throws Exception {
    Path nightly = Fixtures.tempDir("nightly-");
    for (String d : List.of("2026-11-02", "2026-11-03")) {
      StringWriter out = new StringWriter();
      CommandLine cl = Main.commandLine();
      cl.setOut(new PrintWriter(out));
      cl.setErr(new PrintWriter(out));
      int code = cl.execute(args("--date", d, "--out", nightly.toString()));
      assertEquals(0, code, out.toString());
      assertTrue(out.toString().contains(d + " report"), out.toString());
    }
    Path full = Fixtures.tempDir("full-");
    ReconcileJob.run(
        spark,
        RunContext.of(
            ConfigLoader.load(conf),
            "full",
            io.assay.config.Location.local(full),
            Optional.of(ReconcileJobTest.KEY)),
        io.assay.config.Location.local(ReconcileJobTest.logsRoot()),
        "json",
        LocalDate.parse("2026-11-02"),
        LocalDate.parse("2026-11-03"));
    for (String table : List.of("enrollments", "enrollment_days")) {
      Dataset<Row> a = comparable(spark, nightly.resolve(table));
      Dataset<Row> b = comparable(spark, full.resolve(table));
      assertEquals(b.count(), a.count(), table);
      assertEquals(0, a.exceptAll(b).count(), table + ": rows only in the nightly result");
      assertEquals(0, b.exceptAll(a).count(), table + ": rows only in the full recompute");
    }
    assertFalse(comparable(spark, nightly.resolve("enrollments")).isEmpty());
  }

  /**
   * A metric source whose time column is BOOLEAN fails, in the analyze stage, only the experiments
   * that read it (here checkout_button, the one with enrolled units), naming the source and the
   * types; the date's report stage still runs, and the night exits 1.
   */
  @Test
  void aMetricSourceOfTheWrongTypeFailsItsExperimentsAndTheNightGoesOn(SparkSession spark) {
    Path broken = TestConf.copyOf(conf);
    Path data = broken.getParent().resolve("data/demo");
    Fixtures.rows(spark, "unit_id STRING, ts BOOLEAN, revenue DOUBLE, status STRING")
        .write()
        .format("delta")
        .save(data.resolve("orders").toString());
    Fixtures.rows(spark, "unit_id STRING, ts TIMESTAMP")
        .write()
        .parquet(data.resolve("sessions").toString());
    Fixtures.rows(spark, "unit_id STRING, ts TIMESTAMP")
        .write()
        .parquet(data.resolve("page_views").toString());
    Fixtures.rows(spark, "unit_id STRING, ts TIMESTAMP")
        .write()
        .format("delta")
        .save(data.resolve("crashes").toString());
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    int code =
        cl.execute(
            "nightly",
            "--conf",
            broken.toString(),
            "--logs",
            ReconcileJobTest.logsRoot().toString(),
            "--date",
            "2026-11-02",
            "--out",
            Fixtures.tempDir("nightly-bad-source-").toString());
    String text = out.toString();
    assertEquals(1, code, text);
    assertTrue(
        text.lines()
            .anyMatch(
                l ->
                    l.contains("analyze")
                        && l.contains("FAILED checkout_button@1.0.0: " + data.resolve("orders"))
                        && l.contains("source 'orders' column 'ts' (time_column) is BOOLEAN")),
        text);
    assertTrue(text.lines().anyMatch(l -> l.contains("2026-11-02 report    ")), text);
    assertFalse(text.contains("an earlier stage of this date failed"), text);
  }

  static Dataset<Row> comparable(SparkSession spark, Path table) {
    return TableComparison.comparable(spark.read().format("delta").load(table.toString()));
  }
}
