package io.assay.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.reconcile.ReconcileJobTest;
import io.assay.testing.Commands;
import io.assay.testing.Commands.Ran;
import io.assay.testing.Fixtures;
import io.assay.testing.LogCapture;
import io.assay.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A recorded reconciliation run reproduces exactly; after its input changes it does not, and says
 * which input changed; after a definition changes, reproduce refuses (exit 2). A nightly over two
 * dates — which writes every table once per date and reads back what its earlier stages wrote —
 * reproduces, and so does a stage command run afterwards on the root it built (reading the state
 * the nightly left). The nightly's reports name the nightly, and a report run's name the analysis
 * whose numbers they show.
 */
@SparkTest
class ReproduceTest {

  /** The id of the latest run of {@code command} recorded under {@code out}. */
  static String lastRun(SparkSession spark, Path out, String command) {
    return spark
        .read()
        .format("delta")
        .load(out.resolve("runs").toString())
        .filter(col("command").equalTo(command))
        .orderBy(col("started_at").desc())
        .first()
        .getAs("run_id");
  }

  static JsonNode json(Path file) throws Exception {
    return new ObjectMapper().readTree(file.toFile());
  }

  @Test
  void aNightlyAndEachStageCommandAfterItReproduce(SparkSession spark) throws Exception {
    ReconcileJobTest.logs();
    Path conf = ReconcileJobTest.confWithKeyFile();
    ReconcileJobTest.metricSources(spark, conf, ReconcileJobTest.unitIdsInLogs());
    Path out = Fixtures.tempDir("repro-nightly-");
    List<String> common = List.of("--conf", conf.toString(), "--out", out.toString());
    String logs = ReconcileJobTest.logsRoot().toString();

    Ran nightly;
    List<String> logged;
    try (LogCapture log = new LogCapture()) {
      nightly =
          Commands.run(
              args(
                  "nightly", common, "--from", "2026-11-02", "--to", "2026-11-03", "--logs", logs));
      logged = log.messages();
    }
    assertEquals(0, nightly.code(), nightly.text());
    // Every summary line is said once: printed when the run ends, never also logged.
    List<String> summary =
        nightly.text().lines().filter(l -> l.startsWith("  2026-11-0")).map(String::strip).toList();
    assertTrue(summary.stream().anyMatch(l -> l.contains(" ALERT ")), nightly.text());
    for (String line : summary) {
      String text = line.substring(line.indexOf(' ', 11)).strip(); // without date and stage
      assertTrue(logged.stream().noneMatch(m -> m.contains(text)), "logged and printed: " + line);
    }
    assertTrue(
        logged.stream().anyMatch(m -> m.contains("2026-11-03 report: done in")), "" + logged);

    // The nightly's reports name the nightly, with the code and engines that computed them.
    String nightlyId = lastRun(spark, out, "nightly");
    Path reports = out.resolve("reports/2026-11-03");
    JsonNode run = json(reports.resolve("checkout_button@1.0.0.json")).path("run");
    assertEquals(nightlyId, run.path("run_id").asText(), run.toString());
    assertEquals(io.assay.io.BuildInfo.commit(), run.path("git_commit").asText());
    assertEquals(spark.version(), run.path("spark_version").asText());
    assertEquals(System.getProperty("java.version"), run.path("java_version").asText());
    assertTrue(
        Files.readString(reports.resolve("checkout_button@1.0.0.html"))
            .contains("reproduce --run-id " + nightlyId));

    Ran again = Commands.run(args("reproduce", common, "--run-id", nightlyId));
    assertEquals(0, again.code(), again.text());
    assertTrue(again.text().contains("reproduced: every output equals"), again.text());
    for (String output :
        List.of(
            "alerts",
            "covariate_balance",
            "metric_results",
            "enrollments",
            "reports/2026-11-03/checkout_button@1.0.0.json",
            "exports/2026-11-02/metric_results.csv")) {
      assertTrue(
          again
              .text()
              .lines()
              .anyMatch(l -> l.strip().startsWith(output + " ") && l.contains(" equal")),
          output + " in:\n" + again.text());
    }

    // A later stage command on the root the nightly left reproduces in turn, reading the tables an
    // earlier run wrote at the versions it read them. Analyze stands for balance and report, which
    // read that way too (it reads the most: enrollments and metric sources); a reconcile run is
    // reproduced by the test below. (One stage, not three: the CI's time budget.)
    Ran analyze = Commands.run(args("analyze", common, "--date", "2026-11-03"));
    assertEquals(0, analyze.code(), analyze.text());
    String analysisId = lastRun(spark, out, "analyze");
    Ran rr = Commands.run(args("reproduce", common, "--run-id", analysisId));
    assertEquals(0, rr.code(), rr.text());
    assertTrue(rr.text().contains("reproduced: every output equals"), rr.text());
    // A report run shows the numbers of the analysis run and names it.
    Ran report = Commands.run(args("report", common, "--date", "2026-11-03"));
    assertEquals(0, report.code(), report.text());
    run = json(reports.resolve("checkout_button@1.0.0.json")).path("run");
    assertEquals(analysisId, run.path("run_id").asText(), run.toString());
    assertEquals(io.assay.io.BuildInfo.commit(), run.path("git_commit").asText());

    // sql only reads: a statement that writes is a usage error and writes nothing.
    Path dir = Fixtures.tempDir("sql-write-").resolve("x");
    for (String write :
        List.of(
            "INSERT OVERWRITE DIRECTORY '" + dir + "' USING parquet SELECT * FROM runs",
            "CREATE TABLE t USING delta LOCATION '" + dir + "' AS SELECT * FROM runs",
            "DELETE FROM delta.`" + out.resolve("alerts") + "`",
            "SET spark.sql.shuffle.partitions=1")) {
      Ran r =
          Commands.run(
              args("sql", List.of("--conf", conf.toString(), "--out", out.toString()), write));
      assertEquals(2, r.code(), write + ": " + r.text());
      assertTrue(r.text().contains("sql reads only"), r.text());
      assertFalse(Files.exists(dir), write);
    }
    for (String read : List.of("SELECT count(*) AS n FROM runs", "DESCRIBE runs")) {
      Ran r =
          Commands.run(
              args("sql", List.of("--conf", conf.toString(), "--out", out.toString()), read));
      assertEquals(0, r.code(), read + ": " + r.text());
    }
  }

  /** A nightly whose analysis fails is recorded as failed, with the reason. */
  @Test
  void aNightlyWithAFailedStageIsRecordedAsFailed(SparkSession spark) throws Exception {
    ReconcileJobTest.logs();
    Path conf = ReconcileJobTest.confWithKeyFile(); // no metric sources: analyze cannot read them
    Path out = Fixtures.tempDir("repro-failed-");
    Ran r =
        Commands.run(
            "nightly",
            "--conf",
            conf.toString(),
            "--out",
            out.toString(),
            "--date",
            "2026-11-02",
            "--logs",
            ReconcileJobTest.logsRoot().toString());
    assertEquals(1, r.code(), r.text());
    Row row = spark.read().format("delta").load(out.resolve("runs").toString()).first();
    assertEquals("failed", row.getAs("status"), row.toString());
    assertTrue(row.<String>getAs("error").contains("2026-11-02 analyze"), row.toString());
  }

  static String[] args(String command, List<String> common, String... more) {
    List<String> a = new java.util.ArrayList<>();
    a.add(command);
    a.addAll(common);
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void aRunReproducesUntilItsInputsOrDefinitionsChange(SparkSession spark) throws Exception {
    ReconcileJobTest.logs();
    Path conf = ReconcileJobTest.confWithKeyFile();
    Path out = Fixtures.tempDir("repro-");
    String logs = ReconcileJobTest.logsRoot().toString();
    Ran first =
        Commands.run(
            "reconcile",
            "--conf",
            conf.toString(),
            "--date",
            "2026-11-02",
            "--logs",
            logs,
            "--out",
            out.toString());
    assertEquals(0, first.code(), first.text());
    List<Row> runs =
        spark.read().format("delta").load(out.resolve("runs").toString()).collectAsList();
    assertEquals(1, runs.size());
    Row run = runs.get(0);
    assertEquals("succeeded", run.getAs("status"));
    assertTrue(run.<Row>getList(run.fieldIndex("outputs")).size() >= 7);
    String runId = run.getAs("run_id");

    Ran same =
        Commands.run(
            "reproduce", "--conf", conf.toString(), "--run-id", runId, "--out", out.toString());
    assertEquals(0, same.code(), same.text());
    assertTrue(same.text().contains("reconciliation_summary"), same.text());
    assertTrue(same.text().contains("reproduced: every output equals"), same.text());

    // Another (valid) exposure in the log partition: the reproduction differs and says why.
    Path part = ReconcileJobTest.logsRoot().resolve("date=2026-11-02/part-0.json");
    String extra = Files.readAllLines(part).get(0).replace("\"e1\"", "\"e-new\"");
    Files.writeString(part, extra + "\n", StandardOpenOption.APPEND);
    Ran changed =
        Commands.run(
            "reproduce", "--conf", conf.toString(), "--run-id", runId, "--out", out.toString());
    assertEquals(1, changed.code(), changed.text());
    assertTrue(changed.text().contains("WARNING input changed since the run"), changed.text());
    assertTrue(changed.text().contains("DIFFERENT"), changed.text());

    Path def = conf.resolve("experiments/checkout_button/1.0.0.yaml");
    Files.writeString(def, Files.readString(def).replace("traffic: 1.0", "traffic: 0.9"));
    Ran redefined =
        Commands.run(
            "reproduce", "--conf", conf.toString(), "--run-id", runId, "--out", out.toString());
    assertEquals(2, redefined.code(), redefined.text());
    assertTrue(redefined.text().contains("changed since the run"), redefined.text());
    assertEquals(
        1,
        spark
            .read()
            .format("delta")
            .load(out.resolve("runs").toString())
            .filter(col("run_id").equalTo(runId))
            .count());
  }
}
